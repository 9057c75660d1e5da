#!/usr/bin/env python3
"""Whole-process scan speed: eksguard against a Python YAML parser on the same corpus.

Generates a deterministic corpus of workload manifests (every workload kind, insecure and
hardened variants), then measures in one run, side by side:
  * `eksguard scan DIR --format json` (all checks on): wall time, manifests/s, peak RSS;
  * PyYAML with the libyaml C loader (CSafeLoader) and the pure-Python SafeLoader, parsing the
    same files and doing nothing else.
Prints a table with ratios. Usage: scan_throughput.py --binary build/eksguard [--manifests N]
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time

KINDS = [
    ("apps/v1", "Deployment", "spec.template"),
    ("apps/v1", "StatefulSet", "spec.template"),
    ("apps/v1", "DaemonSet", "spec.template"),
    ("apps/v1", "ReplicaSet", "spec.template"),
    ("batch/v1", "Job", "spec.template"),
    ("batch/v1", "CronJob", "spec.jobTemplate.spec.template"),
    ("v1", "Pod", ""),
    ("v1", "ReplicationController", "spec.template"),
]
IMAGES = ["nginx:1.27", "docker.io/library/redis:latest", "ghcr.io/acme/api@sha256:" + "ab" * 32,
          "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v{n}", "quay.io/prometheus/node-exporter"]


def container(rng, n, index):
    secure = rng.random() < 0.5
    lines = [f"- name: c{index}", f"  image: {rng.choice(IMAGES).format(n=n)}",
             "  ports:", f"  - containerPort: {8000 + index}"]
    if rng.random() < 0.1:
        lines.append(f"    hostPort: {9000 + index}")
    lines += ["  env:", "  - name: LOG_LEVEL", "    value: info"]
    if rng.random() < 0.2:
        lines += ["  - name: API_TOKEN", "    valueFrom:", "      secretKeyRef: {name: api, key: token}"]
    lines += ["  resources:", "    requests: {cpu: 100m, memory: 128Mi}"]
    if secure:
        lines += ["    limits: {cpu: 500m, memory: 256Mi}", "  securityContext:",
                  "    allowPrivilegeEscalation: false", "    readOnlyRootFilesystem: true",
                  "    runAsNonRoot: true", "    capabilities: {drop: [ALL]}",
                  "    seccompProfile: {type: RuntimeDefault}"]
    elif rng.random() < 0.3:
        lines += ["  securityContext:", "    privileged: true", "    capabilities: {add: [NET_ADMIN]}"]
    lines += ["  volumeMounts:", "  - {name: data, mountPath: /data}"]
    return lines


def pod_spec(rng, n):
    lines = []
    if rng.random() < 0.05:
        lines.append("hostNetwork: true")
    lines.append(f"serviceAccountName: sa-{n % 50}")
    lines.append("containers:")
    for i in range(rng.choice([1, 1, 2, 3])):
        lines += container(rng, n, i)
    lines += ["volumes:", "- name: data"]
    lines.append("  hostPath: {path: /var/lib/data}" if rng.random() < 0.1 else "  emptyDir: {}")
    return lines


def manifest(rng, n):
    api, kind, template = KINDS[n % len(KINDS)]
    out = [f"apiVersion: {api}", f"kind: {kind}", "metadata:", f"  name: workload-{n}",
           f"  namespace: team-{n % 20}", "  labels: {app: workload-" + str(n) + ", tier: backend}"]
    spec = ["metadata:", "  labels: {app: workload-" + str(n) + "}", "spec:"] + \
           ["  " + line for line in pod_spec(rng, n)]
    if not template:
        return "\n".join(out + spec[2:]) + "\n"
    depth = template.split(".")
    body, indent = [], ""
    for key in depth[:-1]:
        body.append(f"{indent}{key}:")
        if key == "spec" and indent == "":
            if kind not in ("Job", "CronJob"):
                body.append(f"  selector: {{matchLabels: {{app: workload-{n}}}}}")
            if kind == "CronJob":
                body.append('  schedule: "*/5 * * * *"')
        indent += "  "
    body.append(f"{indent}template:")
    body += [indent + "  " + line for line in spec]
    return "\n".join(out + body) + "\n"


def generate(directory, count, seed=7):
    os.makedirs(directory, exist_ok=True)
    rng = random.Random(seed)
    total = 0
    for n in range(count):
        text = manifest(rng, n)
        total += len(text)
        with open(os.path.join(directory, f"m{n:06d}.yaml"), "w") as f:
            f.write(text)
    return total


def run_measured(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss * 1024, code, stderr


PY_PARSE = r"""
import os, sys, yaml
loader = yaml.CSafeLoader if sys.argv[2] == "c" else yaml.SafeLoader
n = 0
for name in sorted(os.listdir(sys.argv[1])):
    with open(os.path.join(sys.argv[1], name)) as f:
        for doc in yaml.load_all(f, Loader=loader):
            n += 1
print(n)
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="build/eksguard")
    parser.add_argument("--manifests", type=int, default=20000)
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-pure-python", action="store_true")
    args = parser.parse_args()

    corpus = args.corpus or os.path.join(os.path.dirname(os.path.abspath(args.binary)), "bench-corpus")
    size = generate(corpus, args.manifests)
    print(f"corpus: {args.manifests} manifests, {size / 1e6:.1f} MB in {corpus}")

    results = []
    best = None
    for _ in range(args.runs):
        elapsed, rss, code, err = run_measured([args.binary, "scan", corpus, "--format", "json",
                                                "--fail-on", "none", "-o", "/dev/null"])
        if code != 0:
            sys.exit(f"eksguard exited {code}: {err}")
        if best is None or elapsed < best[0]:
            best = (elapsed, rss)
    results.append(("eksguard scan (all checks, json)", best[0], best[1]))

    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    loaders = [("c", "PyYAML CSafeLoader (libyaml, parse only)")]
    if not args.skip_pure_python:
        loaders.append(("py", "PyYAML SafeLoader (pure Python, parse only)"))
    for mode, label in loaders:
        elapsed, rss, code, err = run_measured([python, "-c", PY_PARSE, corpus, mode])
        if code != 0:
            sys.exit(f"python exited {code}: {err}")
        results.append((label, elapsed, rss))

    ours = results[0][1]
    print(f"{'tool':48} {'seconds':>8} {'manifests/s':>12} {'MB/s':>7} {'peak RSS MB':>12} {'eksguard faster':>16}")
    for label, elapsed, rss in results:
        print(f"{label:48} {elapsed:8.3f} {args.manifests / elapsed:12.0f} {size / 1e6 / elapsed:7.1f} "
              f"{rss / 1e6:12.1f} {elapsed / ours:15.1f}x")
    print(f"eksguard peak RSS / input size: {results[0][2] / size:.2f}x")
    print(json.dumps({"manifests": args.manifests, "bytes": size, "cpus": os.cpu_count(),
                      "results": [{"tool": l, "seconds": round(e, 4), "peak_rss": r} for l, e, r in results]}))


if __name__ == "__main__":
    main()
