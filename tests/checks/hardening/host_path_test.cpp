// EKS-POD-004 runtime sockets, EKS-POD-005 sensitive host paths, EKS-POD-006 writable hostPath.
#include "checks/hardening/hardening_test_util.h"
#include "checks/hardening/host_paths.h"

namespace eksguard::testing {
namespace {

using hardening::find_sensitive_host_path;
using hardening::HostPathRelation;
using hardening::is_runtime_socket_path;
using hardening::normalize_host_path;

TEST(HardeningHostPathTest, NormalisesPathsLexically) {
  EXPECT_EQ(normalize_host_path("/var/run/docker.sock"), "/var/run/docker.sock");
  EXPECT_EQ(normalize_host_path("/var/run/docker.sock/"), "/var/run/docker.sock");
  EXPECT_EQ(normalize_host_path("//var//run///docker.sock"), "/var/run/docker.sock");
  EXPECT_EQ(normalize_host_path("/var/./run/./docker.sock"), "/var/run/docker.sock");
  EXPECT_EQ(normalize_host_path("/var/lib/../run/containerd/../docker.sock"),
            "/var/run/docker.sock");
  EXPECT_EQ(normalize_host_path("/../../etc"), "/etc");
  EXPECT_EQ(normalize_host_path("/etc/.."), "/");
  EXPECT_EQ(normalize_host_path("/"), "/");
  EXPECT_EQ(normalize_host_path("///"), "/");
  EXPECT_EQ(normalize_host_path("/a/b/.../c"), "/a/b/.../c");
  EXPECT_EQ(normalize_host_path("relative/path"), "relative/path");
  EXPECT_EQ(normalize_host_path("//./pipe/docker_engine"), R"(\\.\pipe\docker_engine)");
}

TEST(HardeningHostPathTest, RecognisesRuntimeSockets) {
  for (std::string_view path :
       {"/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd/containerd.sock",
        "/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/run/crio/crio.sock",
        "/var/run/cri-dockerd.sock", "/var/run/dockershim.sock", "/run/podman/podman.sock",
        "/var/run", "/run", "/var/run/containerd", "/run/containerd", "/var/run/docker",
        "/var/run/crio", R"(\\.\pipe\docker_engine)", R"(\\.\PIPE\containerd-containerd)"}) {
    EXPECT_TRUE(is_runtime_socket_path(path)) << path;
  }
  for (std::string_view path :
       {"/var", "/var/run/secrets", "/run/xtables.lock", "/var/run/docker.sock.bak",
        "/var/lib/docker", "/tmp/docker.sock", "/", R"(C:\var\run)"}) {
    EXPECT_FALSE(is_runtime_socket_path(path)) << path;
  }
}

TEST(HardeningHostPathTest, ClassifiesSensitivePaths) {
  struct Case {
    std::string_view path;
    HostPathRelation relation;
    std::string_view matched;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"/", HostPathRelation::kEqual, "/"},
           {"/etc", HostPathRelation::kEqual, "/etc"},
           {"/etc/kubernetes/pki", HostPathRelation::kInside, "/etc/kubernetes"},
           {"/etc/shadow", HostPathRelation::kInside, "/etc"},
           {"/var/lib/kubelet/pods", HostPathRelation::kInside, "/var/lib/kubelet"},
           {"/var/lib/kubelet", HostPathRelation::kEqual, "/var/lib/kubelet"},
           {"/var/log/pods", HostPathRelation::kInside, "/var/log"},
           {"/proc", HostPathRelation::kEqual, "/proc"},
           {"/sys/fs/cgroup", HostPathRelation::kInside, "/sys"},
           {"/dev/mem", HostPathRelation::kInside, "/dev"},
           {"/root/.ssh", HostPathRelation::kInside, "/root"},
           {"/home/ec2-user", HostPathRelation::kInside, "/home"},
           {"/opt/cni/bin", HostPathRelation::kInside, "/opt/cni"},
           {"/var/run/dbus/system_bus_socket", HostPathRelation::kInside, "/var/run/dbus"},
           {"/run/containerd/io.containerd.runtime.v2.task", HostPathRelation::kInside,
            "/run/containerd"},
           {"/var", HostPathRelation::kContains, "/var/lib/kubelet"},
           {"/var/lib", HostPathRelation::kContains, "/var/lib/kubelet"},
           {"/opt", HostPathRelation::kContains, "/opt/cni"},
       }) {
    const auto hit = find_sensitive_host_path(c.path);
    EXPECT_EQ(hit.relation, c.relation) << c.path;
    EXPECT_EQ(hit.path, c.matched) << c.path;
    EXPECT_FALSE(hit.reason.empty()) << c.path;
  }
}

TEST(HardeningHostPathTest, OrdinaryAndPublicPathsAreNotSensitive) {
  for (std::string_view path :
       {"/data", "/mnt/disks/ssd0", "/var/lib/mysql", "/opt/app", "/tmp", "/run/xtables.lock",
        "/etc/ssl/certs", "/etc/ssl/certs/ca-bundle.crt", "/etc/pki/ca-trust/extracted/pem",
        "/usr/share/ca-certificates", "/etc/localtime", "/usr/share/zoneinfo/UTC",
        "/etc/machine-id", "/etcetera", "/variable", "relative", ""}) {
    EXPECT_EQ(find_sensitive_host_path(path).relation, HostPathRelation::kNone) << path;
  }
}

constexpr std::string_view kHostPaths = R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: monitoring}
spec:
  template:
    spec:
      volumes:
      - name: docker
        hostPath:
          path: /var/run//docker.sock/
          type: Socket
      - name: runtime-dir
        hostPath: {path: /run/containerd}
      - name: kubelet
        hostPath:
          path: /var/lib/kubelet/pki
      - name: whole-var
        hostPath:
          path: /var
      - name: data
        hostPath:
          path: /mnt/data
      - name: certs
        hostPath:
          path: /etc/ssl/certs
      - name: cache
        emptyDir: {}
      containers:
      - name: agent
        image: agent:1.0
        volumeMounts:
        - name: docker
          mountPath: /var/run/docker.sock
        - name: kubelet
          mountPath: /kubelet
          readOnly: true
        - name: data
          mountPath: /data
          readOnly: false
        - name: certs
          mountPath: /etc/ssl/certs
          readOnly: true
        - name: cache
          mountPath: /cache
      ephemeralContainers:
      - name: debug
        image: busybox:1.36
        volumeMounts:
        - {name: whole-var, mountPath: /host-var}
)";

TEST(HardeningHostPathTest, RuntimeSocketVolumesAreReportedOncePerVolume) {
  HardeningRun run(kHostPaths);
  const auto found = run.of(CheckId::kEksRuntimeSocketMount);
  ASSERT_EQ(found.size(), 2u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-004");
  EXPECT_EQ(found[0].path, "spec.template.spec.volumes[0].hostPath.path");
  EXPECT_EQ(found[0].position.line, line_of(kHostPaths, "path: /var/run//docker.sock/"));
  EXPECT_EQ(found[0].message,
            "hostPath volume \"docker\" mounts /var/run/docker.sock (written "
            "\"/var/run//docker.sock/\"), the container runtime socket");
  EXPECT_EQ(found[1].path, "spec.template.spec.volumes[1].hostPath.path");
  EXPECT_EQ(found[1].position.line, line_of(kHostPaths, "{path: /run/containerd}"));
  EXPECT_EQ(found[1].message,
            "hostPath volume \"runtime-dir\" mounts /run/containerd, a directory holding the "
            "container runtime socket");
}

TEST(HardeningHostPathTest, SensitiveHostPathsNameWhatMatched) {
  HardeningRun run(kHostPaths);
  const auto found = run.of(CheckId::kEksSensitiveHostPath);
  ASSERT_EQ(found.size(), 2u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-005");
  EXPECT_EQ(found[0].path, "spec.template.spec.volumes[2].hostPath.path");
  EXPECT_EQ(found[0].position.line, line_of(kHostPaths, "path: /var/lib/kubelet/pki"));
  EXPECT_EQ(found[0].message,
            "hostPath volume \"kubelet\" mounts /var/lib/kubelet/pki, inside /var/lib/kubelet "
            "(kubelet credentials and every pod's volumes)");
  EXPECT_EQ(found[1].path, "spec.template.spec.volumes[3].hostPath.path");
  EXPECT_EQ(found[1].message,
            "hostPath volume \"whole-var\" mounts /var, which contains /var/lib/kubelet "
            "(kubelet credentials and every pod's volumes)");
}

TEST(HardeningHostPathTest, WritableHostPathMountsArePerMount) {
  HardeningRun run(kHostPaths);
  const auto found = run.of(CheckId::kEksWritableHostPath);
  ASSERT_EQ(found.size(), 3u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-006");
  EXPECT_EQ(found[0].path, "spec.template.spec.containers[0].volumeMounts[0].readOnly");
  EXPECT_EQ(found[0].position.line, line_of(kHostPaths, "- name: docker\n          mountPath"));
  EXPECT_EQ(found[0].message,
            "container \"agent\" mounts hostPath volume \"docker\" (/var/run//docker.sock/) at "
            "/var/run/docker.sock without readOnly: true");
  EXPECT_EQ(found[1].path, "spec.template.spec.containers[0].volumeMounts[2].readOnly");
  EXPECT_EQ(found[1].position.line, line_of(kHostPaths, "readOnly: false"));
  // Ephemeral containers can mount the pod's volumes too.
  EXPECT_EQ(found[2].path, "spec.template.spec.ephemeralContainers[0].volumeMounts[0].readOnly");
  EXPECT_EQ(found[2].message,
            "ephemeralContainer \"debug\" mounts hostPath volume \"whole-var\" (/var) at "
            "/host-var without readOnly: true");
}

TEST(HardeningHostPathTest, PodsWithoutHostPathPass) {
  HardeningRun run(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
  - name: cfg
    configMap: {name: cfg}
  containers:
  - name: app
    image: nginx:1.25
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: cfg, mountPath: /etc/nginx/conf.d}
)");
  EXPECT_TRUE(run.of(CheckId::kEksRuntimeSocketMount).empty());
  EXPECT_TRUE(run.of(CheckId::kEksSensitiveHostPath).empty());
  EXPECT_TRUE(run.of(CheckId::kEksWritableHostPath).empty());
}

}  // namespace
}  // namespace eksguard::testing
