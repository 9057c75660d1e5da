// The baseline Pod Security Standards checks. Each function is one versioned variant of an
// upstream check (k8s.io/pod-security-admission policy/check_*.go): it allows and forbids exactly
// what upstream does at that version, and reports every offending field as its own finding.
#include <fmt/format.h>

#include <array>
#include <span>
#include <string_view>

#include "checks/pss/pss_internal.h"

namespace eksguard::pss::detail {
namespace {

bool contains(std::span<const std::string_view> set, std::string_view value) {
  for (std::string_view item : set) {
    if (item == value) return true;
  }
  return false;
}

// Calls visit(container, securityContext) for every container (init, regular, ephemeral) that
// has a securityContext mapping.
template <typename Visit>
void for_each_security_context(const PodContext& context, Visit&& visit) {
  for (const k8s::Container& container : context.pod.containers) {
    if (const doc::Node* sc = container_security_context(container)) visit(container, *sc);
  }
}

}  // namespace

// ---- privileged ------------------------------------------------------------------------------

void privileged_1_0(const PodContext& context) {
  for_each_security_context(context, [&](const k8s::Container& container, const doc::Node& sc) {
    const doc::Node* privileged = value_at(&sc, "privileged");
    if (privileged == nullptr || !privileged->is_true()) return;
    context.emitter.emit(
        CheckId::kPssPrivileged, privileged, security_context_path(container, "privileged"),
        fmt::format("{} must not set securityContext.privileged=true", describe(container)));
  });
}

// ---- hostNamespaces --------------------------------------------------------------------------

void host_namespaces_1_0(const PodContext& context) {
  for (std::string_view field : {"hostNetwork", "hostPID", "hostIPC"}) {
    const doc::Node* value = value_at(context.spec, field);
    if (value == nullptr || !value->is_true()) continue;
    context.emitter.emit(CheckId::kPssHostNamespaces, value, context.pod.field_path(field),
                         fmt::format("pod must not set {}=true", field));
  }
}

// ---- hostPathVolumes -------------------------------------------------------------------------

void host_path_volumes_1_0(const PodContext& context) {
  const doc::Node* volumes = value_at(context.spec, "volumes");
  if (volumes == nullptr) return;
  size_t index = 0;
  for (const doc::Node* volume : volumes->items()) {
    if (const doc::Node* host_path = value_at(volume, "hostPath")) {
      context.emitter.emit(
          CheckId::kPssHostPathVolumes, host_path,
          context.pod.field_path(fmt::format("volumes[{}].hostPath", index)),
          fmt::format("volume \"{}\" must not be a hostPath volume", volume->string_at("name")));
    }
    ++index;
  }
}

// ---- hostPorts -------------------------------------------------------------------------------

void host_ports_1_0(const PodContext& context) {
  for (const k8s::Container& container : context.pod.containers) {
    const doc::Node* ports = value_at(container.node, "ports");
    if (ports == nullptr) continue;
    size_t index = 0;
    for (const doc::Node* port : ports->items()) {
      const doc::Node* host_port = value_at(port, "hostPort");
      // hostPort is an int32 where 0 means "not set"; anything else binds the node's port.
      if (host_port != nullptr && host_port->as_int().value_or(0) != 0) {
        context.emitter.emit(
            CheckId::kPssHostPorts, host_port,
            fmt::format("{}.ports[{}].hostPort", container.path, index),
            fmt::format("{} must not set hostPort {}", describe(container), host_port->text()));
      }
      ++index;
    }
  }
}

// ---- capabilities_baseline -------------------------------------------------------------------

namespace {
// The container runtime's default capability set: adding these back is harmless.
constexpr std::array<std::string_view, 13> kBaselineCapabilities{
    "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",      "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};
}  // namespace

void capabilities_baseline_1_0(const PodContext& context) {
  for_each_security_context(context, [&](const k8s::Container& container, const doc::Node& sc) {
    const doc::Node* add = value_at(mapping_at(&sc, "capabilities"), "add");
    if (add == nullptr) return;
    size_t index = 0;
    for (const doc::Node* capability : add->items()) {
      // Exact, case-sensitive names: "chown" and "CAP_CHOWN" are not in the default set.
      if (!contains(kBaselineCapabilities, capability->text())) {
        context.emitter.emit(
            CheckId::kPssCapabilitiesBaseline, capability,
            security_context_path(container, fmt::format("capabilities.add[{}]", index)),
            fmt::format("{} must not include \"{}\" in securityContext.capabilities.add",
                        describe(container), capability->text()));
      }
      ++index;
    }
  });
}

// ---- appArmorProfile -------------------------------------------------------------------------

namespace {

constexpr std::string_view kAppArmorAnnotationPrefix =
    "container.apparmor.security.beta.kubernetes.io/";

// The deprecated annotation allows the runtime default, any localhost profile, or nothing.
bool allowed_app_armor_annotation(std::string_view value) {
  return value.empty() || value == "runtime/default" || value.starts_with("localhost/");
}

// The field allows the same two kinds of profile; Unconfined is what the check exists to stop.
void check_app_armor_field(const PodContext& context, const Setter& setter) {
  const doc::Node* profile = mapping_at(setter.security_context, "appArmorProfile");
  if (profile == nullptr) return;
  const std::string_view type = text_at(profile, "type");
  if (type == "RuntimeDefault" || type == "Localhost") return;
  context.emitter.emit(CheckId::kPssAppArmorProfile, nearest(value_at(profile, "type"), profile),
                       setter.path(context, "appArmorProfile.type"),
                       fmt::format("{} must not set securityContext.appArmorProfile.type to \"{}\"",
                                   setter.name(), type));
}

}  // namespace

// The field check was added to the 1.0 variant upstream (the field did not exist before), so it
// applies at every policy version, like the annotation check.
void app_armor_profile_1_0(const PodContext& context) {
  for_each_setter(context, [&](const Setter& setter) { check_app_armor_field(context, setter); });

  if (context.annotations == nullptr) return;
  for (const doc::MapEntry& entry : context.annotations->entries()) {
    if (!entry.key.starts_with(kAppArmorAnnotationPrefix)) continue;
    const std::string_view value = entry.value->text();
    if (allowed_app_armor_annotation(value)) continue;
    context.emitter.emit(CheckId::kPssAppArmorProfile, entry.value,
                         annotation_path(context, entry.key),
                         fmt::format("forbidden AppArmor profile {}=\"{}\"", entry.key, value));
  }
}

// ---- seLinuxOptions --------------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, 4> kSeLinuxTypes_1_0{"", "container_t", "container_init_t",
                                                            "container_kvm_t"};
constexpr std::array<std::string_view, 5> kSeLinuxTypes_1_31{
    "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"};

// One finding per forbidden field of one seLinuxOptions block (pod or container level).
void check_se_linux_options(const PodContext& context, const Setter& setter,
                            std::span<const std::string_view> allowed_types) {
  const doc::Node* options = mapping_at(setter.security_context, "seLinuxOptions");
  if (options == nullptr) return;
  const std::string_view type = text_at(options, "type");
  if (!contains(allowed_types, type)) {
    context.emitter.emit(
        CheckId::kPssSeLinuxOptions, value_at(options, "type"),
        setter.path(context, "seLinuxOptions.type"),
        fmt::format("{} must not set securityContext.seLinuxOptions.type to \"{}\"", setter.name(),
                    type));
  }
  // A custom user or role is never allowed, whatever its value.
  for (std::string_view field : {"user", "role"}) {
    if (text_at(options, field).empty()) continue;
    context.emitter.emit(
        CheckId::kPssSeLinuxOptions, value_at(options, field),
        setter.path(context, fmt::format("seLinuxOptions.{}", field)),
        fmt::format("{} must not set securityContext.seLinuxOptions.{}", setter.name(), field));
  }
}

void se_linux_options(const PodContext& context, std::span<const std::string_view> allowed_types) {
  for_each_setter(context, [&](const Setter& setter) {
    check_se_linux_options(context, setter, allowed_types);
  });
}

}  // namespace

void se_linux_options_1_0(const PodContext& context) {
  se_linux_options(context, kSeLinuxTypes_1_0);
}

// 1.31 allows container_engine_t (the type for container engines running in containers).
void se_linux_options_1_31(const PodContext& context) {
  se_linux_options(context, kSeLinuxTypes_1_31);
}

// ---- procMount -------------------------------------------------------------------------------

void report_proc_mount(const PodContext& context, CheckId check) {
  for_each_security_context(context, [&](const k8s::Container& container, const doc::Node& sc) {
    const doc::Node* proc_mount = value_at(&sc, "procMount");
    if (proc_mount == nullptr || proc_mount->text() == "Default") return;
    context.emitter.emit(check, proc_mount, security_context_path(container, "procMount"),
                         fmt::format("{} must not set securityContext.procMount to \"{}\"",
                                     describe(container), proc_mount->text()));
  });
}

void proc_mount_1_0(const PodContext& context) {
  report_proc_mount(context, CheckId::kPssProcMount);
}

// From 1.35 a pod in its own user namespace (hostUsers: false) may use any procMount at baseline:
// an unmasked /proc there exposes nothing of the host.
void proc_mount_baseline_1_35(const PodContext& context) {
  if (context.user_namespace) return;
  proc_mount_1_0(context);
}

// ---- seccompProfile_baseline -----------------------------------------------------------------

namespace {

constexpr std::string_view kSeccompPodAnnotation = "seccomp.security.alpha.kubernetes.io/pod";
constexpr std::string_view kSeccompContainerAnnotationPrefix =
    "container.seccomp.security.alpha.kubernetes.io/";

bool allowed_seccomp_annotation(std::string_view value) {
  return value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/");
}

bool has_container_named(const PodContext& context, std::string_view name) {
  for (const k8s::Container& container : context.pod.containers) {
    if (container.name == name) return true;
  }
  return false;
}

}  // namespace

// Before 1.19 the seccomp profile was set by alpha annotations; a set annotation must name the
// runtime default or a localhost profile. Only annotations of containers the pod has count.
void seccomp_profile_baseline_1_0(const PodContext& context) {
  if (context.annotations == nullptr) return;
  for (const doc::MapEntry& entry : context.annotations->entries()) {
    const bool pod_key = entry.key == kSeccompPodAnnotation;
    const bool container_key =
        entry.key.starts_with(kSeccompContainerAnnotationPrefix) &&
        has_container_named(context, entry.key.substr(kSeccompContainerAnnotationPrefix.size()));
    if (!pod_key && !container_key) continue;
    const std::string_view value = entry.value->text();
    if (allowed_seccomp_annotation(value)) continue;
    context.emitter.emit(CheckId::kPssSeccompProfileBaseline, entry.value,
                         annotation_path(context, entry.key),
                         fmt::format("forbidden annotation {}=\"{}\"", entry.key, value));
  }
}

namespace {

// From 1.19 the field decides: a seccompProfile that is set must be RuntimeDefault or Localhost.
void check_seccomp_field(const PodContext& context, const Setter& setter) {
  const doc::Node* profile = mapping_at(setter.security_context, "seccompProfile");
  if (profile == nullptr) return;
  const std::string_view type = text_at(profile, "type");
  if (type == "RuntimeDefault" || type == "Localhost") return;
  context.emitter.emit(CheckId::kPssSeccompProfileBaseline,
                       nearest(value_at(profile, "type"), profile),
                       setter.path(context, "seccompProfile.type"),
                       fmt::format("{} must not set securityContext.seccompProfile.type to \"{}\"",
                                   setter.name(), type));
}

}  // namespace

void seccomp_profile_baseline_1_19(const PodContext& context) {
  for_each_setter(context, [&](const Setter& setter) { check_seccomp_field(context, setter); });
}

// ---- sysctls ---------------------------------------------------------------------------------

namespace {

struct SafeSysctl {
  std::string_view name;
  int since;  // first policy version that allows it
};

// The safe sysctls: namespaced, and isolated from other pods on the node. The list only grows.
constexpr std::array<SafeSysctl, 14> kSafeSysctls{{
    {"kernel.shm_rmid_forced", 0},
    {"net.ipv4.ip_local_port_range", 0},
    {"net.ipv4.tcp_syncookies", 0},
    {"net.ipv4.ping_group_range", 0},
    {"net.ipv4.ip_unprivileged_port_start", 0},
    {"net.ipv4.ip_local_reserved_ports", 27},
    {"net.ipv4.tcp_keepalive_time", 29},
    {"net.ipv4.tcp_fin_timeout", 29},
    {"net.ipv4.tcp_keepalive_intvl", 29},
    {"net.ipv4.tcp_keepalive_probes", 29},
    {"net.ipv4.tcp_rmem", 32},
    {"net.ipv4.tcp_wmem", 32},
    {"net.ipv4.tcp_slow_start_after_idle", 37},
    {"net.ipv4.tcp_notsent_lowat", 37},
}};

bool safe_sysctl(std::string_view name, int minor) {
  for (const SafeSysctl& sysctl : kSafeSysctls) {
    if (sysctl.name == name) return sysctl.since <= minor;
  }
  return false;
}

// Sysctls can only be set for the whole pod (spec.securityContext.sysctls).
void check_sysctls(const PodContext& context, int minor) {
  const doc::Node* sysctls = value_at(context.security_context, "sysctls");
  if (sysctls == nullptr) return;
  size_t index = 0;
  for (const doc::Node* sysctl : sysctls->items()) {
    const std::string_view name = text_at(sysctl, "name");
    if (!safe_sysctl(name, minor)) {
      context.emitter.emit(
          CheckId::kPssSysctls, nearest(value_at(sysctl, "name"), sysctl),
          pod_setter(context).path(context, fmt::format("sysctls[{}].name", index)),
          fmt::format("pod must not set forbidden sysctl \"{}\"", name));
    }
    ++index;
  }
}

}  // namespace

// Each variant allows the sysctls declared safe up to its version.
void sysctls_1_0(const PodContext& context) {
  check_sysctls(context, 0);
}
void sysctls_1_27(const PodContext& context) {
  check_sysctls(context, 27);
}
void sysctls_1_29(const PodContext& context) {
  check_sysctls(context, 29);
}
void sysctls_1_32(const PodContext& context) {
  check_sysctls(context, 32);
}
void sysctls_1_37(const PodContext& context) {
  check_sysctls(context, 37);
}

// ---- windowsHostProcess ----------------------------------------------------------------------

namespace {

void check_host_process(const PodContext& context, const Setter& setter) {
  const doc::Node* host_process =
      value_at(mapping_at(setter.security_context, "windowsOptions"), "hostProcess");
  if (host_process == nullptr || !host_process->is_true()) return;
  context.emitter.emit(
      CheckId::kPssWindowsHostProcess, host_process,
      setter.path(context, "windowsOptions.hostProcess"),
      fmt::format("{} must not set securityContext.windowsOptions.hostProcess=true",
                  setter.name()));
}

}  // namespace

void windows_host_process_1_0(const PodContext& context) {
  for_each_setter(context, [&](const Setter& setter) { check_host_process(context, setter); });
}

// ---- hostProbesAndHostLifecycle --------------------------------------------------------------

namespace {

// A handler (probe or lifecycle hook) with httpGet.host or tcpSocket.host makes the kubelet
// connect to an arbitrary address from the node's network.
void check_handler_hosts(const PodContext& context, const k8s::Container& container,
                         const doc::Node* handler, std::string_view handler_path) {
  for (std::string_view action : {"httpGet", "tcpSocket"}) {
    const doc::Node* host = value_at(mapping_at(handler, action), "host");
    if (host == nullptr || host->text().empty()) continue;
    context.emitter.emit(CheckId::kPssHostProbesAndLifecycle, host,
                         fmt::format("{}.{}.{}.host", container.path, handler_path, action),
                         fmt::format("{} must not set {}.{}.host (\"{}\")", describe(container),
                                     handler_path, action, host->text()));
  }
}

}  // namespace

void host_probes_and_host_lifecycle_1_34(const PodContext& context) {
  for (const k8s::Container& container : context.pod.containers) {
    for (std::string_view probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
      check_handler_hosts(context, container, mapping_at(container.node, probe), probe);
    }
    const doc::Node* lifecycle = mapping_at(container.node, "lifecycle");
    if (lifecycle == nullptr) continue;
    check_handler_hosts(context, container, mapping_at(lifecycle, "postStart"),
                        "lifecycle.postStart");
    check_handler_hosts(context, container, mapping_at(lifecycle, "preStop"), "lifecycle.preStop");
  }
}

}  // namespace eksguard::pss::detail
