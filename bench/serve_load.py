#!/usr/bin/env python3
"""Load test of `eksguard serve` on loopback over TLS with keep-alive (builds nothing).

Measures, against the running binary:
  1. throughput: SubjectAccessReviews/s with wrk (Debian's wrk 4, closed loop, keep-alive TLS)
     for --seconds, and wrk's latency percentiles at that saturation;
  2. latency at a fixed rate: p50/p99/p99.9 of SubjectAccessReviews at --rate req/s (5,000 by
     default) with eksguard_loadgen (bench/loadgen/fixed_rate_client.cpp), an open-loop client
     that measures each request from the moment it was due, so stalls are not hidden
     (wrk cannot hold a rate, and wrk2 is not in Debian);
  3. AdmissionReview of a ~10 KB Pod against 300 policies at a fixed rate (p99);
  4. memory: VmRSS and VmHWM (peak) from /proc of the server with 1,000 policies, after load.

Policies: the AWS prototype's demo policy (../shared/conformance/cedar-k8s/demo, the seed
talk's label-enforcement-policy) for 1 and 2 when present, and generated sets of 300 and
1,000 policies (permits and forbids over k8s::Resource, k8s::User/Group and core::v1::Pod,
with conditions on names, namespaces and labels) for 3 and 4.

  python3 bench/serve_load.py --binary build-bench/eksguard --loadgen build-bench/eksguard_loadgen
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_DEMO = os.path.join(HERE, "..", "..", "shared", "conformance", "cedar-k8s", "demo",
                           "admission-policy.yaml")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificate(folder):
    cert, key = os.path.join(folder, "tls.crt"), os.path.join(folder, "tls.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


def demo_policies(folder):
    """The seed demo's label-enforcement-policy from the prototype's Policy resources."""
    import yaml  # python3-yaml, a bench dependency
    with open(SHARED_DEMO) as stream:
        for document in yaml.safe_load_all(stream):
            if document and document.get("metadata", {}).get("name") == "label-enforcement-policy":
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, "label-enforcement-policy.cedar"), "w") as out:
                    out.write(document["spec"]["content"])
                return folder
    raise SystemExit("label-enforcement-policy not found in " + SHARED_DEMO)


def generated_policies(folder, count):
    """`count` policies in files of 50: authorization permits/forbids and admission forbids."""
    os.makedirs(folder, exist_ok=True)
    texts = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            texts.append(f'''@id("read-team-{i}")
permit (
  principal is k8s::User,
  action in [k8s::Action::"get", k8s::Action::"list", k8s::Action::"watch"],
  resource is k8s::Resource
) when {{
  principal.name == "user-{i}" && resource has namespace &&
  resource.namespace == "team-{i % 40}" && resource.apiGroup == "" &&
  ["configmaps", "pods", "services"].contains(resource.resource)
}};
''')
        elif kind == 1:
            texts.append(f'''@id("group-{i}")
permit (
  principal in k8s::Group::"group-{i}",
  action in [k8s::Action::"create", k8s::Action::"update", k8s::Action::"delete"],
  resource is k8s::Resource
) when {{ resource has namespace && resource.namespace == "team-{i % 40}" }};
''')
        elif kind == 2:
            texts.append(f'''@id("no-secrets-{i}")
forbid (
  principal is k8s::User,
  action,
  resource is k8s::Resource
) when {{
  principal.name == "contractor-{i}" && resource.resource == "secrets"
}};
''')
        else:
            texts.append(f'''@id("pod-label-{i}")
forbid (
  principal,
  action in [k8s::admission::Action::"create", k8s::admission::Action::"update"],
  resource is core::v1::Pod
) when {{
  resource has metadata && resource.metadata has labels &&
  resource.metadata.labels.contains({{"key": "blocked-{i}", "value": "true"}})
}};
''')
    for start in range(0, count, 50):
        with open(os.path.join(folder, f"policies-{start // 50:03}.cedar"), "w") as out:
            out.write("\n".join(texts[start:start + 50]))
    return folder


def subject_access_review():
    return json.dumps({
        "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
        "spec": {
            "user": "sample-user", "uid": "5a8f3c2e",
            "groups": ["sample-group", "requires-labels", "system:authenticated"],
            "resourceAttributes": {
                "namespace": "default", "verb": "list", "version": "v1",
                "resource": "configmaps",
                "labelSelector": {"requirements": [
                    {"key": "owner", "operator": "In", "values": ["sample-user"]}]}}}})


def pod(target_bytes):
    """A realistic Pod manifest padded with environment variables to about target_bytes."""
    container = {
        "name": "app", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2",
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"},
                      "limits": {"cpu": "1", "memory": "512Mi"}},
        "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False,
                            "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]},
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": True}],
        "env": []}
    manifest = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-7d9f8b6c5-x2x7k", "namespace": "team-3",
                     "labels": {"app": "web", "owner": "user-7", "tier": "frontend",
                                "pod-template-hash": "7d9f8b6c5", "version": "1.4.2"},
                     "annotations": {"kubernetes.io/psp": "restricted"}},
        "spec": {"serviceAccountName": "web", "containers": [container],
                 "volumes": [{"name": "config", "configMap": {"name": "web-config"}}]}}
    i = 0
    while len(json.dumps(manifest)) < target_bytes:
        container["env"].append({"name": f"SETTING_{i}", "value": f"value-{i}-" + "x" * 40})
        i += 1
    return manifest


def admission_review(pod_bytes):
    manifest = pod(pod_bytes)
    return json.dumps({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
            "requestResource": {"group": "", "version": "v1", "resource": "pods"},
            "name": manifest["metadata"]["name"], "namespace": "team-3", "operation": "CREATE",
            "userInfo": {"username": "user-7", "groups": ["group-5", "system:authenticated"]},
            "object": manifest, "oldObject": None, "dryRun": False,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}}}), len(
                json.dumps(manifest))


class Server:
    def __init__(self, binary, policies, cert, key, threads, config=None):
        self.port = free_port()
        args = [binary, "serve", "--policies", policies, "--tls-cert", cert, "--tls-key", key,
                "--listen", f"127.0.0.1:{self.port}", "--threads", str(threads)]
        if config:
            args += ["--config", config]
        self.process = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("server exited: " + self.process.stderr.read())
            try:
                if self.get("/readyz") == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit("server not ready after 20 s")

    def url(self, path):
        return f"https://127.0.0.1:{self.port}{path}"

    def get(self, path):
        with urllib.request.urlopen(self.url(path), context=self.context, timeout=5) as reply:
            return reply.status

    def post(self, path, body):
        request = urllib.request.Request(self.url(path), data=body.encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self.context, timeout=5) as reply:
            return json.loads(reply.read())

    def latency_buckets(self, endpoint):
        """Cumulative counts of eksguard_request_duration_seconds for `endpoint`, by bound."""
        context = self.context
        with urllib.request.urlopen(self.url("/metrics"), context=context, timeout=5) as reply:
            text = reply.read().decode()
        buckets = {}
        pattern = re.compile(r'^eksguard_request_duration_seconds_bucket\{endpoint="' +
                             re.escape(endpoint) + r'",outcome="[^"]+",le="([^"]+)"\} (\d+)$',
                             re.M)
        for bound, count in pattern.findall(text):
            key = float("inf") if bound == "+Inf" else float(bound)
            buckets[key] = buckets.get(key, 0) + int(count)
        return buckets

    def memory(self):
        fields = {}
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    fields[name] = int(value.split()[0]) / 1024  # MiB
        return fields

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise SystemExit("server did not stop within 20 s of SIGTERM")
        if code != 0:
            raise SystemExit(f"server exited {code} after SIGTERM: {self.process.stderr.read()}")


def wrk(server, path, body, seconds, threads, connections, folder):
    script = os.path.join(folder, "post.lua")
    with open(script, "w") as out:
        out.write('wrk.method = "POST"\n')
        out.write(f"wrk.body = {json.dumps(body)}\n")
        out.write('wrk.headers["Content-Type"] = "application/json"\n')
    result = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d",
                             f"{seconds}s", "--latency", "-s", script, server.url(path)],
                            capture_output=True, text=True, check=True)
    text = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", text, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    return {"requests_per_second": rate, "latency": percentiles,
            "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else "none", "raw": text}


def loadgen(binary, server, path, body, rate, seconds, connections, folder):
    body_file = os.path.join(folder, "body.json")
    with open(body_file, "w") as out:
        out.write(body)
    priority = ["chrt", "-f", "10"] if REALTIME else []
    result = subprocess.run(priority + [binary, "--port", str(server.port), "--path", path, "--body",
                             body_file, "--rate", str(rate), "--seconds", str(seconds),
                             "--warmup", "2", "--connections", str(connections)],
                            capture_output=True, text=True)
    if not result.stdout.strip():
        raise SystemExit("loadgen failed: " + result.stderr)
    return json.loads(result.stdout)


def server_side_p99(before, after):
    """The histogram bucket holding the 99th percentile of the requests between two scrapes."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0) for b in bounds]
    total = counts[-1] if counts else 0
    for bound, count in zip(bounds, counts):
        if total and count >= 0.99 * total:
            return f"≤ {bound * 1e6:.0f} µs" if bound != float("inf") else "> 2.5 s"
    return "n/a"


REALTIME = False  # --realtime: the fixed-rate runs at SCHED_FIFO priority (see --help)


def fixed_rate(loadgen_binary, server, path, body, rate, seconds, connections, folder):
    """An open-loop run, with the server's own view of the same requests."""
    before = server.latency_buckets(path)
    if REALTIME:
        subprocess.run(["chrt", "-a", "-f", "-p", "10", str(server.process.pid)], check=True)
    try:
        result = loadgen(loadgen_binary, server, path, body, rate, seconds, connections, folder)
    finally:
        if REALTIME:
            subprocess.run(["chrt", "-a", "-o", "-p", "0", str(server.process.pid)], check=True)
    result["server_side_p99"] = server_side_p99(before, server.latency_buckets(path))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the eksguard binary")
    parser.add_argument("--loadgen", required=True, help="the eksguard_loadgen binary")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2, help="server worker threads")
    parser.add_argument("--rate", type=int, default=5000, help="fixed rate for the p99 runs")
    parser.add_argument("--admission-rate", type=int, default=1000)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--wrk-connections", type=int, default=32)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--realtime", action="store_true",
                        help="run the fixed-rate latency measurements (server and client) at "
                             "SCHED_FIFO priority 10 (needs CAP_SYS_NICE), so that other work on "
                             "a shared machine does not delay them; throughput runs stay at "
                             "normal priority")
    args = parser.parse_args()
    global REALTIME
    REALTIME = args.realtime
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk, or make deps-bench)")

    folder = tempfile.mkdtemp(prefix="eksguard-serve-bench-")
    results = {"cpus": os.cpu_count(), "server_threads": args.threads,
               "realtime_latency_runs": args.realtime,
               "load_average_before": os.getloadavg()[0]}
    try:
        cert, key = make_certificate(folder)
        sar = subject_access_review()
        if os.path.exists(SHARED_DEMO):
            sar_policies, sar_label = demo_policies(os.path.join(folder, "demo")), "seed demo"
        else:
            sar_policies = generated_policies(os.path.join(folder, "sar300"), 300)
            sar_label = "300 generated"
        results["sar_policies"] = sar_label

        server = Server(args.binary, sar_policies, cert, key, args.threads)
        answer = server.post("/v1/authorize", sar)
        print(f"SubjectAccessReview answer: {json.dumps(answer['status'])}", file=sys.stderr)
        results["sar_throughput"] = wrk(server, "/v1/authorize", sar, args.seconds,
                                        args.wrk_threads, args.wrk_connections, folder)
        results["sar_fixed_rate"] = fixed_rate(args.loadgen, server, "/v1/authorize", sar,
                                               args.rate, args.seconds, 8, folder)
        server.stop()

        admission, pod_bytes = admission_review(10 * 1024)
        results["pod_bytes"] = pod_bytes
        server = Server(args.binary, generated_policies(os.path.join(folder, "p300"), 300), cert,
                        key, args.threads)
        answer = server.post("/v1/admit", admission)
        print(f"AdmissionReview answer: {json.dumps(answer['response'])}", file=sys.stderr)
        results["admission_fixed_rate"] = fixed_rate(args.loadgen, server, "/v1/admit",
                                                     admission, args.admission_rate,
                                                     args.seconds, 4, folder)
        server.stop()

        server = Server(args.binary, generated_policies(os.path.join(folder, "p1000"), 1000),
                        cert, key, args.threads)
        results["memory_idle_1000_policies"] = server.memory()
        wrk(server, "/v1/admit", admission, max(3, args.seconds // 2), args.wrk_threads,
            args.wrk_connections, folder)
        results["memory_after_load_1000_policies"] = server.memory()
        server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    report(results)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)


def report(results):
    throughput = results["sar_throughput"]
    fixed = results["sar_fixed_rate"]
    admission = results["admission_fixed_rate"]
    memory = results["memory_after_load_1000_policies"]
    print(f"\n{results['cpus']} CPUs (load average {results['load_average_before']:.1f} before "
          f"the run), server threads {results['server_threads']}, fixed-rate runs at "
          f"{'SCHED_FIFO' if results['realtime_latency_runs'] else 'normal'} priority, "
          f"SubjectAccessReview policies: "
          f"{results['sar_policies']}")
    print("| measurement | result | target |")
    print("|---|---:|---:|")
    print(f"| SubjectAccessReview throughput (wrk, keep-alive TLS) | "
          f"{throughput['requests_per_second']:,.0f} req/s (p50 {throughput['latency'].get('50')}"
          f", p99 {throughput['latency'].get('99')}; non-2xx {throughput['non_2xx']}) | "
          f"≥ 20,000 req/s |")
    print(f"| SubjectAccessReview at {fixed['target_rate']:,.0f} req/s (open loop) | "
          f"p50 {fixed['p50_us']:.0f} µs, p99 {fixed['p99_us']:.0f} µs, p99.9 "
          f"{fixed['p999_us']:.0f} µs, max {fixed['max_us']:.0f} µs (achieved "
          f"{fixed['achieved_rate']:,.0f}/s, errors {fixed['failures'] + fixed['non_200']}; "
          f"server-side p99 {fixed['server_side_p99']}) | "
          f"p99 ≤ 1 ms |")
    print(f"| AdmissionReview, {results['pod_bytes']:,} B Pod, 300 policies, "
          f"{admission['target_rate']:,.0f} req/s | p50 {admission['p50_us']:.0f} µs, p99 "
          f"{admission['p99_us']:.0f} µs, max {admission['max_us']:.0f} µs (errors "
          f"{admission['failures'] + admission['non_200']}; server-side p99 "
          f"{admission['server_side_p99']}) | p99 ≤ 1 ms |")
    idle = results["memory_idle_1000_policies"]
    print(f"| RSS with 1,000 policies | {idle['VmRSS']:.1f} MiB idle, {memory['VmRSS']:.1f} MiB "
          f"after load, peak {memory['VmHWM']:.1f} MiB | ≤ 64 MiB |")


if __name__ == "__main__":
    main()
