#!/usr/bin/env python3
"""Whole-process `eksguard scan` over a large cluster dump: the cluster-wide phase's cost.

Uses the RBAC dump of bench/rbac_whocan.py (5,000 roles, 20,000 bindings, 28 MB of kubectl JSON)
plus an aws-auth ConfigMap and describe-cluster JSON, and times `eksguard scan --format json`
(read, parse, per-object checks, RBAC compile, K8S-RBAC and EKS-CM/EKS-AE checks, report) against
the same scan with the RBAC dump alone and with the identity inputs alone. Median of N runs,
CPU (user + system) and peak RSS.

Usage: scan_cluster.py --binary build/eksguard [--runs 9]
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rbac_whocan  # noqa: E402  (the dump generator and the timing helper)

AWS_AUTH = """apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
%s
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build/eksguard")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="eksguard-scan-cluster-")
    rbac = os.path.join(folder, "rbac")
    identity = os.path.join(folder, "identity")
    os.makedirs(rbac)
    os.makedirs(identity)
    with open(os.path.join(rbac, "rbac-dump.json"), "w") as out:
        json.dump(rbac_whocan.dump(), out, indent=4)
    roles = "\n".join("    - rolearn: arn:aws:iam::111122223333:role/team-%d\n"
                      "      username: team-%d:{{SessionName}}\n      groups: [team-%d]" % (i, i, i)
                      for i in range(300))
    with open(os.path.join(identity, "aws-auth.yaml"), "w") as out:
        out.write(AWS_AUTH % roles)
    with open(os.path.join(identity, "cluster.json"), "w") as out:
        json.dump({"cluster": {"name": "prod", "arn": "arn:aws:eks:eu-west-1:111122223333:cluster/prod",
                               "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}}, out)
    print("| inputs | wall median ms | CPU median ms | findings |")
    print("|---|---:|---:|---:|")
    for label, paths in (("RBAC dump + aws-auth + cluster", [rbac, identity]),
                         ("RBAC dump", [rbac]), ("aws-auth + cluster", [identity])):
        times, cpu, output = rbac_whocan.time_runs(
            [args.binary, "scan", "--format", "json", "--fail-on", "none"] + paths, args.runs)
        print("| %s | %.1f | %.1f | %d |" % (label, statistics.median(times) * 1e3,
                                            statistics.median(cpu) * 1e3,
                                            len(json.loads(output)["findings"])))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("peak RSS of the eksguard runs: %.1f MB" % peak)
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
