#include "checks/hardening/host_paths.h"

#include <array>

#include "common/strings.h"

namespace eksguard::hardening {
namespace {

constexpr auto kRuntimeSockets = std::to_array<std::string_view>({
    "/run/docker.sock",
    "/var/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/crio/crio.sock",
    "/var/run/crio/crio.sock",
    "/run/cri-dockerd.sock",
    "/var/run/cri-dockerd.sock",
    "/run/dockershim.sock",
    "/var/run/dockershim.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    // Directories whose mount exposes a socket.
    "/run",
    "/var/run",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
    "/run/docker",
    "/var/run/docker",
});

constexpr auto kWindowsRuntimePipes = std::to_array<std::string_view>({
    R"(\\.\pipe\docker_engine)",
    R"(\\.\pipe\containerd-containerd)",
});

struct SensitiveEntry {
  std::string_view path;
  std::string_view reason;
};

// The most specific entries come first: the first entry that equals or contains a path wins.
// "/" is handled apart: only the root itself is the whole filesystem.
constexpr auto kSensitive = std::to_array<SensitiveEntry>({
    {"/etc/kubernetes", "kubelet and control-plane configuration and credentials"},
    {"/etc/eks", "EKS node bootstrap configuration"},
    {"/etc/cni", "CNI network configuration"},
    {"/var/lib/kubelet", "kubelet credentials and every pod's volumes"},
    {"/var/lib/containerd", "container images and every container's filesystem"},
    {"/var/lib/docker", "container images and every container's filesystem"},
    {"/var/lib/containers", "container images and every container's filesystem"},
    {"/var/lib/cri-o", "CRI-O runtime state"},
    {"/var/lib/cni", "CNI plugin and IP address management state"},
    {"/var/lib/etcd", "etcd data"},
    {"/opt/cni", "CNI plugin binaries"},
    {"/run/containerd", "container runtime state and shim sockets"},
    {"/var/run/containerd", "container runtime state and shim sockets"},
    {"/run/crio", "container runtime state"},
    {"/var/run/crio", "container runtime state"},
    {"/run/docker", "container runtime state"},
    {"/var/run/docker", "container runtime state"},
    {"/run/dbus", "the system D-Bus, which controls systemd"},
    {"/var/run/dbus", "the system D-Bus, which controls systemd"},
    {"/run/systemd", "systemd's control sockets"},
    {"/var/run/systemd", "systemd's control sockets"},
    {"/var/log", "node and pod logs"},
    {"/etc", "node configuration and credentials"},
    {"/root", "the root user's home directory and credentials"},
    {"/home", "users' home directories and credentials"},
    {"/proc", "kernel and process interfaces of the node"},
    {"/sys", "kernel interfaces of the node"},
    {"/dev", "the node's devices"},
    {"/boot", "the node's kernel and boot loader"},
    {"/usr", "node binaries and libraries"},
    {"/bin", "node binaries"},
    {"/sbin", "node system binaries"},
    {"/lib", "node libraries and kernel modules"},
    {"/lib64", "node libraries"},
});

// Public data that agents mount read-only; not sensitive to read.
constexpr auto kBenign = std::to_array<std::string_view>({
    "/etc/ssl/certs",
    "/etc/pki/ca-trust/extracted",
    "/etc/pki/tls/certs",
    "/etc/ca-certificates",
    "/usr/share/ca-certificates",
    "/etc/localtime",
    "/usr/share/zoneinfo",
    "/etc/machine-id",
});

// `path` is `base` or below it (both normalised).
bool is_within(std::string_view path, std::string_view base) {
  if (path.size() < base.size() || path.substr(0, base.size()) != base) return false;
  return path.size() == base.size() || path[base.size()] == '/';
}

void pop_component(std::string& out) {
  const size_t slash = out.rfind('/');
  out.resize(slash == 0 || slash == std::string::npos ? 1 : slash);
}

}  // namespace

std::string normalize_host_path(std::string_view path) {
  if (path.starts_with("//./") || path.starts_with("//?/")) {
    // A Windows device path written with forward slashes: \\.\pipe\docker_engine.
    std::string windows(path);
    for (char& c : windows) {
      if (c == '/') c = '\\';
    }
    return windows;
  }
  if (path.empty() || path.front() != '/') return std::string(path);
  std::string out;
  out.reserve(path.size());
  out.push_back('/');
  while (!path.empty()) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    const size_t end = path.find('/');
    const std::string_view part = path.substr(0, end);
    path.remove_prefix(end == std::string_view::npos ? path.size() : end);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      pop_component(out);
      continue;
    }
    if (out.size() > 1) out.push_back('/');
    out.append(part);
  }
  return out;
}

bool is_runtime_socket_path(std::string_view normalized) {
  for (std::string_view socket : kRuntimeSockets) {
    if (normalized == socket) return true;
  }
  for (std::string_view pipe : kWindowsRuntimePipes) {
    if (iequals(normalized, pipe)) return true;
  }
  return false;
}

SensitiveHostPath find_sensitive_host_path(std::string_view normalized) {
  if (normalized.empty() || normalized.front() != '/') return {};
  if (normalized == "/") return {HostPathRelation::kEqual, "/", "the node's whole filesystem"};
  for (std::string_view benign : kBenign) {
    if (is_within(normalized, benign)) return {};
  }
  for (const SensitiveEntry& entry : kSensitive) {
    if (is_within(normalized, entry.path)) {
      const auto relation = normalized.size() == entry.path.size() ? HostPathRelation::kEqual
                                                                   : HostPathRelation::kInside;
      return {relation, entry.path, entry.reason};
    }
  }
  // An ancestor of a sensitive path exposes it ("/var" contains "/var/lib/kubelet").
  for (const SensitiveEntry& entry : kSensitive) {
    if (is_within(entry.path, normalized)) {
      return {HostPathRelation::kContains, entry.path, entry.reason};
    }
  }
  return {};
}

}  // namespace eksguard::hardening
