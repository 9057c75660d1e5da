#!/usr/bin/env python3
"""Whole-process `eksguard rbac who-can` speed over a large cluster dump.

Writes a deterministic `kubectl get roles,clusterroles,rolebindings,clusterrolebindings -A -o json`
style dump (a v1 List, with the metadata kubectl prints: uid, resourceVersion, creationTimestamp,
labels, managedFields left out) of 5,000 roles (1,000 ClusterRoles, 10 of them aggregated, and
4,000 Roles in 200 namespaces) and 20,000 bindings (2,000 ClusterRoleBindings, 18,000
RoleBindings, 1-3 subjects each), then times whole runs of the binary (start, read, parse,
validate, compile, aggregate, answer, print), median of N runs, and its peak RSS.

Target (issue 5): who-can over this dump in <= 200 ms on 2 cores.
Usage: rbac_whocan.py --binary build/eksguard [--runs 15] [--keep DIR]
"""
import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

NAMESPACES = 200
CLUSTER_ROLES = 1000
AGGREGATED = 10
ROLES_PER_NAMESPACE = 20
CLUSTER_BINDINGS = 2000
BINDINGS_PER_NAMESPACE = 90

RESOURCES = [("", "pods"), ("", "pods/log"), ("", "pods/exec"), ("", "secrets"), ("", "configmaps"),
             ("", "services"), ("", "serviceaccounts"), ("", "nodes"), ("", "namespaces"),
             ("apps", "deployments"), ("apps", "deployments/scale"), ("apps", "statefulsets"),
             ("apps", "daemonsets"), ("batch", "jobs"), ("batch", "cronjobs"),
             ("networking.k8s.io", "ingresses"), ("networking.k8s.io", "networkpolicies"),
             ("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "rolebindings"),
             ("example.com", "widgets"), ("*", "*")]
VERB_SETS = [["get", "list", "watch"], ["get"], ["create", "update", "patch", "delete"], ["*"],
             ["list"], ["get", "list"], ["impersonate"], ["deletecollection"]]


def metadata(rng, name, namespace=None, labels=None):
    meta = {"name": name, "uid": "%08x-0000-4000-8000-%012x" % (rng.getrandbits(32), rng.getrandbits(48)),
            "resourceVersion": str(rng.randrange(1, 10**7)),
            "creationTimestamp": "2025-0%d-1%dT10:00:00Z" % (rng.randrange(1, 9), rng.randrange(0, 9))}
    if namespace is not None:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    return meta


def rules(rng, namespaced):
    out = []
    for _ in range(rng.randrange(3, 7)):
        group, res = rng.choice(RESOURCES)
        if namespaced and res in ("nodes", "namespaces"):
            res = "configmaps"
        rule = {"apiGroups": [group], "resources": [res], "verbs": list(rng.choice(VERB_SETS))}
        if rng.random() < 0.1 and res != "*":
            rule["resourceNames"] = ["name-%d" % rng.randrange(50)]
        out.append(rule)
    if not namespaced and rng.random() < 0.05:
        out.append({"nonResourceURLs": ["/metrics", "/healthz/*"], "verbs": ["get"]})
    return out


def subjects(rng, namespace):
    out = []
    for _ in range(rng.randrange(1, 4)):
        kind = rng.random()
        if kind < 0.4:
            out.append({"apiGroup": "rbac.authorization.k8s.io", "kind": "User",
                        "name": "user-%d@example.com" % rng.randrange(5000)})
        elif kind < 0.6:
            out.append({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group",
                        "name": "team-%d" % rng.randrange(300)})
        else:
            sa = {"kind": "ServiceAccount", "name": "sa-%d" % rng.randrange(40)}
            if namespace is None or rng.random() < 0.3:
                sa["namespace"] = "ns-%d" % rng.randrange(NAMESPACES)
            out.append(sa)
    return out


def dump(seed=5):
    rng = random.Random(seed)
    items = []
    for i in range(CLUSTER_ROLES):
        labels = {"app.kubernetes.io/part-of": "suite-%d" % (i % 40)}
        role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": metadata(rng, "cluster-role-%d" % i, labels=labels)}
        if i < AGGREGATED:
            role["aggregationRule"] = {"clusterRoleSelectors": [
                {"matchLabels": {"app.kubernetes.io/part-of": "suite-%d" % (10 + i)}}]}
            role["rules"] = []
        else:
            role["rules"] = rules(rng, False)
        items.append(role)
    for n in range(NAMESPACES):
        for r in range(ROLES_PER_NAMESPACE):
            items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                          "metadata": metadata(rng, "role-%d" % r, "ns-%d" % n),
                          "rules": rules(rng, True)})
    for b in range(CLUSTER_BINDINGS):
        items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                      "metadata": metadata(rng, "crb-%d" % b),
                      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                  "name": "cluster-role-%d" % rng.randrange(CLUSTER_ROLES)},
                      "subjects": subjects(rng, None)})
    for n in range(NAMESPACES):
        for b in range(BINDINGS_PER_NAMESPACE):
            to_cluster_role = rng.random() < 0.3
            ref = ({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                    "name": "cluster-role-%d" % rng.randrange(CLUSTER_ROLES)} if to_cluster_role else
                   {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                    "name": "role-%d" % rng.randrange(ROLES_PER_NAMESPACE)})
            items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                          "metadata": metadata(rng, "rb-%d" % b, "ns-%d" % n),
                          "roleRef": ref, "subjects": subjects(rng, "ns-%d" % n)})
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_runs(command, runs):
    """Wall and CPU (user + system) seconds of each run."""
    times = []
    cpu = []
    output = b""
    for _ in range(runs):
        start = time.perf_counter()
        cpu_start = child_cpu()
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        cpu.append(child_cpu() - cpu_start)
        output = done.stdout
        if done.returncode not in (0, 1):
            sys.exit("%s failed (%d): %s" % (" ".join(command), done.returncode, done.stderr[:500]))
    return times, cpu, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build/eksguard")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", help="write the dump into this folder and keep it")
    args = parser.parse_args()

    folder = args.keep or tempfile.mkdtemp(prefix="eksguard-rbac-bench-")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "rbac-dump.json")
    with open(path, "w") as out:
        json.dump(dump(), out, indent=4)  # kubectl's -o json indentation
    size = os.path.getsize(path)
    print("dump: %s, %.1f MB, %d roles, %d bindings" % (
        path, size / 1e6, CLUSTER_ROLES + NAMESPACES * ROLES_PER_NAMESPACE,
        CLUSTER_BINDINGS + NAMESPACES * BINDINGS_PER_NAMESPACE))

    queries = [
        ["rbac", "who-can", "get", "secrets", "-A", "--format", "json"],
        ["rbac", "who-can", "get", "secrets", "-n", "ns-7"],
        ["rbac", "who-can", "create", "pods/exec", "-A"],
        ["rbac", "who-can", "get", "/metrics"],
        ["rbac", "can-i", "list", "secrets", "-n", "ns-7", "--as", "user-1@example.com",
         "--as-group", "team-3"],
        ["rbac", "lookup", "user-42@example.com"],
        ["rbac", "matrix", "--sa", "ns-7:sa-3", "-n", "ns-7"],
    ]
    print("| command | wall median ms | wall min ms | CPU median ms | subjects/lines |")
    print("|---|---:|---:|---:|---:|")
    for query in queries:
        times, cpu, output = time_runs([args.binary] + query + [path], args.runs)
        if "--format" in query:
            shown = len(json.loads(output)["subjects"])
        else:
            shown = output.count(b"\n")
        print("| `eksguard %s` | %.1f | %.1f | %.1f | %d |" % (
            " ".join(query), statistics.median(times) * 1e3, min(times) * 1e3,
            statistics.median(cpu) * 1e3, shown))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("peak RSS of the eksguard runs: %.1f MB" % peak)


if __name__ == "__main__":
    main()
