#!/usr/bin/env python3
"""Whole-process speed of the identity commands on a large cluster export.

Generates a deterministic aws-auth ConfigMap with N role mappings and N/10 user mappings (as a
real ConfigMap: each section a YAML block scalar), plus a describe-cluster and N/10 access
entries with their policy lists, then measures (best of 3 runs):
  * `eksguard aws-auth resolve ARN DIR` (reads everything, resolves one principal);
  * `eksguard aws-auth migrate --format terraform FILE` (plans and renders every item).
Prints wall and CPU time, mappings/s and peak RSS (wall time suffers on a busy machine;
CPU time does not). Usage: identity_throughput.py --binary build/eksguard [--roles N]
"""
import argparse
import json
import os
import resource
import subprocess
import tempfile
import time


def write_inputs(folder, roles):
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: aws-auth",
             "  namespace: kube-system", "data:", "  mapRoles: |"]
    for i in range(roles):
        if i % 50 == 0:
            lines += [f"    - rolearn: arn:aws:iam::111122223333:role/node-{i}",
                      "      username: system:node:{{EC2PrivateDNSName}}",
                      "      groups: [system:bootstrappers, system:nodes]"]
        else:
            lines += [f"    - rolearn: arn:aws:iam::111122223333:role/team-{i}",
                      f"      username: team-{i}:{{{{SessionName}}}}",
                      "      groups:", f"        - team-{i % 97}", "        - viewers"]
    lines.append("  mapUsers: |")
    for i in range(roles // 10):
        lines += [f"    - userarn: arn:aws:iam::111122223333:user/user-{i}",
                  f"      username: user-{i}", "      groups: [viewers]"]
    with open(os.path.join(folder, "aws-auth.yaml"), "w") as out:
        out.write("\n".join(lines) + "\n")
    with open(os.path.join(folder, "cluster.json"), "w") as out:
        json.dump({"cluster": {"name": "bench", "arn": "arn:aws:eks:eu-west-1:111122223333:cluster/bench",
                               "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}}, out)
    for i in range(roles // 10):
        arn = f"arn:aws:iam::111122223333:role/entry-{i}"
        with open(os.path.join(folder, f"entry-{i}.json"), "w") as out:
            json.dump({"accessEntry": {"principalArn": arn, "type": "STANDARD",
                                       "kubernetesGroups": [f"g{i % 13}"], "username": f"e{i}:{{{{SessionName}}}}"}}, out)
        with open(os.path.join(folder, f"policies-{i}.json"), "w") as out:
            json.dump({"principalArn": arn, "associatedAccessPolicies": [
                {"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                 "accessScope": {"type": "namespace", "namespaces": [f"ns-{i}"]}}]}, out)


def best_of(command, runs=3):
    """Best wall time and best CPU time (user + sys) of `runs` runs."""
    best_wall = best_cpu = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return best_wall, best_cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--roles", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        write_inputs(folder, args.roles)
        size = os.path.getsize(os.path.join(folder, "aws-auth.yaml"))
        items = args.roles + args.roles // 10
        print(f"aws-auth: {args.roles} role + {args.roles // 10} user mappings ({size / 1e6:.1f} MB), "
              f"{args.roles // 10} access entries")
        for name, command in [
                ("resolve", [args.binary, "aws-auth", "resolve",
                             "arn:aws:sts::111122223333:assumed-role/team-19999/x", folder]),
                ("migrate terraform", [args.binary, "aws-auth", "migrate", "--format", "terraform",
                                       os.path.join(folder, "aws-auth.yaml")])]:
            wall, cpu = best_of(command)
            print(f"{name:<18} wall {wall * 1000:8.1f} ms  cpu {cpu * 1000:8.1f} ms  "
                  f"{items / wall:12,.0f} mappings/s (wall)")
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS of the children: {rss:.1f} MiB")


if __name__ == "__main__":
    main()
