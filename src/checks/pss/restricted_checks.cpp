// The restricted Pod Security Standards checks, one function per versioned variant of an upstream
// check (k8s.io/pod-security-admission policy/check_*.go). Where upstream reports a pod-level
// problem and the containers it affects together, each finding here names one place to fix.
#include <fmt/format.h>

#include <array>
#include <string_view>

#include "checks/pss/pss_internal.h"

namespace eksguard::pss::detail {

// ---- allowPrivilegeEscalation ----------------------------------------------------------------

// allowPrivilegeEscalation defaults to true, so only an explicit false is acceptable.
void allow_privilege_escalation_1_8(const PodContext& context) {
  for (const k8s::Container& container : context.pod.containers) {
    const Setter setter = container_setter(container);
    const doc::Node* allow = value_at(setter.security_context, "allowPrivilegeEscalation");
    if (allow != nullptr && allow->is_false()) continue;
    context.emitter.emit(
        CheckId::kPssAllowPrivilegeEscalation, setter.at(allow),
        setter.path(context, "allowPrivilegeEscalation"),
        fmt::format("{} must set securityContext.allowPrivilegeEscalation=false", setter.name()));
  }
}

// From 1.25 a pod that declares spec.os.name=windows is exempt: the field does not exist on
// Windows (API validation rejects it there).
void allow_privilege_escalation_1_25(const PodContext& context) {
  if (context.windows) return;
  allow_privilege_escalation_1_8(context);
}

// ---- capabilities_restricted -----------------------------------------------------------------

namespace {

bool drops_all(const doc::Node* drop) {
  if (drop == nullptr) return false;
  for (const doc::Node* capability : drop->items()) {
    if (capability->text() == "ALL") return true;
  }
  return false;
}

}  // namespace

// Every container must drop ALL capabilities and may add back only NET_BIND_SERVICE.
void capabilities_restricted_1_22(const PodContext& context) {
  for (const k8s::Container& container : context.pod.containers) {
    const Setter setter = container_setter(container);
    const doc::Node* capabilities = mapping_at(setter.security_context, "capabilities");
    const doc::Node* drop = value_at(capabilities, "drop");
    if (!drops_all(drop)) {
      context.emitter.emit(
          CheckId::kPssCapabilitiesRestricted, setter.at(nearest(drop, capabilities)),
          setter.path(context, "capabilities.drop"),
          fmt::format("{} must set securityContext.capabilities.drop=[\"ALL\"]", setter.name()));
    }
    const doc::Node* add = value_at(capabilities, "add");
    if (add == nullptr) continue;
    size_t index = 0;
    for (const doc::Node* capability : add->items()) {
      if (capability->text() != "NET_BIND_SERVICE") {
        context.emitter.emit(
            CheckId::kPssCapabilitiesRestricted, capability,
            setter.path(context, fmt::format("capabilities.add[{}]", index)),
            fmt::format("{} must not include \"{}\" in securityContext.capabilities.add",
                        setter.name(), capability->text()));
      }
      ++index;
    }
  }
}

// From 1.25 Windows pods are exempt: Linux capabilities do not apply to them.
void capabilities_restricted_1_25(const PodContext& context) {
  if (context.windows) return;
  capabilities_restricted_1_22(context);
}

// ---- procMount_restricted --------------------------------------------------------------------

// The strict procMount rule, kept at restricted when baseline relaxes it for user-namespace pods.
void proc_mount_restricted_1_35(const PodContext& context) {
  report_proc_mount(context, CheckId::kPssProcMountRestricted);
}

// ---- restrictedVolumes -----------------------------------------------------------------------

namespace {

// Volume sources the restricted policy allows: ephemeral or projected data, and storage that an
// administrator defined through PersistentVolumes/CSI. "image" was added to upstream's 1.0 variant
// (as the source appeared), so it is allowed at every version.
constexpr std::array<std::string_view, 9> kAllowedVolumeSources{
    "configMap", "csi",   "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim",
    "projected", "secret"};

bool is_allowed_source(std::string_view key) {
  for (std::string_view allowed : kAllowedVolumeSources) {
    if (key == allowed) return true;
  }
  return false;
}

// The source that makes a volume restricted, or null when it is allowed. A volume naming an
// allowed source passes, as upstream tests the allowed sources first; one with no source at all
// is defaulted to emptyDir by the API server. Any other source, including one this build does not
// know, is restricted: the policy is an allow-list.
const doc::MapEntry* restricted_source(const doc::Node& volume) {
  const doc::MapEntry* restricted = nullptr;
  for (const doc::MapEntry& entry : volume.entries()) {
    if (entry.key == "name" || entry.value->is_null()) continue;
    if (is_allowed_source(entry.key)) return nullptr;
    if (restricted == nullptr) restricted = &entry;
  }
  return restricted;
}

}  // namespace

void restricted_volumes_1_0(const PodContext& context) {
  const doc::Node* volumes = value_at(context.spec, "volumes");
  if (volumes == nullptr) return;
  size_t index = 0;
  for (const doc::Node* volume : volumes->items()) {
    if (const doc::MapEntry* source = restricted_source(*volume)) {
      context.emitter.emit(
          CheckId::kPssRestrictedVolumes, source->value,
          context.pod.field_path(fmt::format("volumes[{}].{}", index, source->key)),
          fmt::format("volume \"{}\" must not use the restricted volume type \"{}\"",
                      volume->string_at("name"), source->key));
    }
    ++index;
  }
}

// ---- runAsNonRoot ----------------------------------------------------------------------------

// The pod, or else every container, must set runAsNonRoot=true; nobody may set it to false.
void run_as_non_root_1_0(const PodContext& context) {
  const bool pod_set = value_at(context.security_context, "runAsNonRoot") != nullptr;
  for_each_setter(context, [&](const Setter& setter) {
    const doc::Node* value = value_at(setter.security_context, "runAsNonRoot");
    if (value != nullptr) {
      if (value->is_true()) return;
      context.emitter.emit(
          CheckId::kPssRunAsNonRoot, value, setter.path(context, "runAsNonRoot"),
          fmt::format("{} must not set securityContext.runAsNonRoot=false", setter.name()));
    } else if (setter.container != nullptr && !pod_set) {
      // Unset here and at the pod: the image decides, and it may run as root. (When the pod sets
      // false, the pod-level finding is the one place to fix.)
      context.emitter.emit(
          CheckId::kPssRunAsNonRoot, setter.at(nullptr), setter.path(context, "runAsNonRoot"),
          fmt::format("pod or {} must set securityContext.runAsNonRoot=true", setter.name()));
    }
  });
}

// From 1.35 a pod in its own user namespace (hostUsers: false) is exempt: its root is not the
// node's root.
void run_as_non_root_1_35(const PodContext& context) {
  if (context.user_namespace) return;
  run_as_non_root_1_0(context);
}

// ---- runAsUser -------------------------------------------------------------------------------

// Nobody may set runAsUser=0; leaving it unset is fine (runAsNonRoot covers the image default).
void run_as_user_1_23(const PodContext& context) {
  for_each_setter(context, [&](const Setter& setter) {
    const doc::Node* value = value_at(setter.security_context, "runAsUser");
    if (value == nullptr || value->as_int() != int64_t{0}) return;
    context.emitter.emit(CheckId::kPssRunAsUser, value, setter.path(context, "runAsUser"),
                         fmt::format("{} must not set securityContext.runAsUser=0", setter.name()));
  });
}

// From 1.35 user-namespace pods are exempt, as for runAsNonRoot: UID 0 maps to an unprivileged
// host UID.
void run_as_user_1_35(const PodContext& context) {
  if (context.user_namespace) return;
  run_as_user_1_23(context);
}

// ---- seccompProfile_restricted ---------------------------------------------------------------

namespace {

bool valid_seccomp_type(std::string_view type) {
  return type == "RuntimeDefault" || type == "Localhost";
}

// Reports an explicitly set seccompProfile whose type is not allowed; returns whether the
// profile is set at all (validly or not).
bool report_bad_seccomp(const PodContext& context, const Setter& setter) {
  const doc::Node* profile = mapping_at(setter.security_context, "seccompProfile");
  if (profile == nullptr) return false;
  const std::string_view type = text_at(profile, "type");
  if (!valid_seccomp_type(type)) {
    context.emitter.emit(
        CheckId::kPssSeccompProfileRestricted, nearest(value_at(profile, "type"), profile),
        setter.path(context, "seccompProfile.type"),
        fmt::format("{} must not set securityContext.seccompProfile.type to \"{}\"", setter.name(),
                    type));
  }
  return true;
}

}  // namespace

// The pod, or else every container, must set the seccomp profile type to RuntimeDefault or
// Localhost; nobody may set another type.
void seccomp_profile_restricted_1_19(const PodContext& context) {
  const bool pod_set = report_bad_seccomp(context, pod_setter(context));
  for (const k8s::Container& container : context.pod.containers) {
    const Setter setter = container_setter(container);
    if (report_bad_seccomp(context, setter) || pod_set) continue;
    // Unset here and at the pod: the container runs Unconfined. (When the pod sets a bad type,
    // the pod-level finding is the one place to fix.)
    context.emitter.emit(
        CheckId::kPssSeccompProfileRestricted, setter.at(nullptr),
        setter.path(context, "seccompProfile.type"),
        fmt::format("pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" "
                    "or \"Localhost\"",
                    setter.name()));
  }
}

// From 1.25 Windows pods are exempt: seccomp does not exist on Windows.
void seccomp_profile_restricted_1_25(const PodContext& context) {
  if (context.windows) return;
  seccomp_profile_restricted_1_19(context);
}

}  // namespace eksguard::pss::detail
