// Host paths that must not reach a pod: container runtime sockets (EKS-POD-004) and node
// system paths (EKS-POD-005).
#pragma once

#include <string>
#include <string_view>

namespace eksguard::hardening {

// Lexically normalises an absolute POSIX path: repeated "/", "." and ".." components and
// trailing "/" are removed ("/var/run/../run//docker.sock/" -> "/run/docker.sock"); ".." above
// the root stays at the root. Windows device paths written with forward slashes ("//./pipe/x")
// get backslashes; other paths that do not start with "/" are returned unchanged.
std::string normalize_host_path(std::string_view path);

// EKS-POD-004: the path (normalised) is a container runtime socket, or a directory whose
// mount exposes one: docker, containerd, CRI-O, cri-dockerd, dockershim and podman sockets
// under /run and /var/run; the directories /run, /var/run and the runtimes' directories there;
// the Windows named pipes \\.\pipe\docker_engine and \\.\pipe\containerd-containerd.
bool is_runtime_socket_path(std::string_view normalized);

enum class HostPathRelation : uint8_t {
  kNone,
  kEqual,     // the mount is the sensitive path itself
  kInside,    // the mount is below it (e.g. /etc/kubernetes/pki below /etc)
  kContains,  // the mount is an ancestor of it (e.g. /var contains /var/lib/kubelet)
};

struct SensitiveHostPath {
  HostPathRelation relation = HostPathRelation::kNone;
  std::string_view path;    // the sensitive path that matched
  std::string_view reason;  // what it exposes, e.g. "kubelet credentials and pod volumes"
};

// EKS-POD-005: node paths whose exposure (read or write) endangers the node or other pods:
//   /                      everything on the node
//   /etc and below         node configuration, kubelet/EKS config (/etc/kubernetes, /etc/eks),
//                          CNI config (/etc/cni), shadow passwords, SSH host keys
//   /root, /home           user credentials (SSH keys, AWS/kube config)
//   /proc, /sys, /dev      kernel interfaces and devices: the usual container escapes
//   /boot                  kernel and boot loader
//   /usr, /bin, /sbin, /lib, /lib64   node binaries and libraries (writable = code execution)
//   /opt/cni, /var/lib/cni CNI plugins and IPAM state
//   /var/lib/kubelet       kubelet PKI, pod volumes (other pods' secrets), device plugins
//   /var/lib/docker, /var/lib/containerd, /var/lib/cri-o (/var/lib/containers)
//                          images and every container's filesystem
//   /run|/var/run/containerd|crio|docker (below the sockets themselves, which are EKS-POD-004)
//                          runtime state: shim sockets, other containers' root filesystems
//   /run|/var/run/dbus, /run|/var/run/systemd   system bus and systemd control: root on the node
//   /var/log               node and pod logs (other pods' data, audit trails)
//   /var/lib/etcd          etcd data (self-managed control planes)
// A mount inside a sensitive path matches, and so does a mount of any ancestor ("/var").
// Public, non-secret files that agents commonly mount read-only are not sensitive: the CA
// bundles (/etc/ssl/certs, /etc/pki/ca-trust/extracted, /etc/ca-certificates,
// /usr/share/ca-certificates), time zone data (/etc/localtime, /usr/share/zoneinfo) and
// /etc/machine-id; writing to them is still reported as a writable hostPath (EKS-POD-006).
// Paths that are not absolute POSIX paths never match.
SensitiveHostPath find_sensitive_host_path(std::string_view normalized);

}  // namespace eksguard::hardening
