#!/usr/bin/env python3
"""eksguard's Cedar engine against the reference (@cedar-policy/cedar-wasm) in one run.

Writes the scenarios (scenarios.py), times cedar-wasm's statefulIsAuthorized (wasm_bench.js) and
eksguard's authorizer (eksguard_bench --benchmark_filter=Cedar) on the same requests, and prints
p50/p99 per decision and the ratios. Usage: compare.py --bench build-bench/eksguard_bench
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", default=os.path.join(REPO, "build-bench/eksguard_bench"))
    parser.add_argument("--out", default=os.path.join(REPO, "build-bench/cedar-bench"))
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    subprocess.run([sys.executable, os.path.join(HERE, "scenarios.py"), args.out], check=True,
                   stdout=subprocess.DEVNULL)
    wasm_dir = subprocess.run([os.path.join(REPO, "tools/cedar-wasm/install.sh")], check=True,
                              capture_output=True, text=True).stdout.strip()
    env = dict(os.environ, EKSGUARD_CEDAR_SCENARIOS=args.out)
    ours = json.loads(subprocess.run([args.bench, "--benchmark_filter=Cedar", "--benchmark_format=json"],
                                     check=True, capture_output=True, text=True, env=env).stdout)
    by_name = {b["name"]: b for b in ours["benchmarks"]}

    print(f"{'scenario':16} {'engine':22} {'p50 µs':>9} {'p99 µs':>9} {'decisions':>10}")
    for scenario, bench in (("k8s-demo", "BM_CedarK8sDemo"), ("policies-1000", "BM_Cedar1000Policies")):
        wasm = json.loads(subprocess.run(["node", os.path.join(HERE, "wasm_bench.js"), wasm_dir,
                                          os.path.join(args.out, scenario + ".json"), str(args.rounds)],
                                         check=True, capture_output=True, text=True).stdout)
        mine = by_name[bench]
        print(f"{scenario:16} {'eksguard':22} {mine['p50_us']:9.2f} {mine['p99_us']:9.2f} {int(mine['decisions']):10}")
        print(f"{'':16} {wasm['engine']:22} {wasm['p50_us']:9.2f} {wasm['p99_us']:9.2f} {wasm['decisions']:10}")
        print(f"{'':16} {'ratio (wasm/eksguard)':22} {wasm['p50_us'] / mine['p50_us']:8.1f}x "
              f"{wasm['p99_us'] / mine['p99_us']:8.1f}x")
        if wasm["allow"] != round(mine["allow_per_round"]):
            print(f"  !! decisions differ: cedar-wasm allowed {wasm['allow']}, eksguard {mine['allow_per_round']}")
    parse = by_name["BM_CedarParse1000Policies"]
    print(f"parse + compile 1,000 policies: eksguard {parse['real_time']:.2f} {parse['time_unit']}")


if __name__ == "__main__":
    main()
