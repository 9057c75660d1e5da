// Internals shared by the Pod Security Standards checks: the per-pod evaluation context, small
// accessors over the document tree, and the declarations of every versioned check implementation
// (registered with their minimum versions in pod_security.cpp).
#pragma once

#include <string>
#include <string_view>

#include "checks/emitter.h"
#include "doc/node.h"
#include "k8s/workload.h"

namespace eksguard::pss::detail {

// What every check needs, computed once per pod so that no check repeats the lookups.
struct PodContext {
  const k8s::PodTemplate& pod;
  FindingEmitter& emitter;
  const doc::Node* spec;              // the pod spec mapping (never null)
  const doc::Node* security_context;  // spec.securityContext mapping, or null
  const doc::Node* annotations;       // metadata.annotations mapping, or null
  bool windows;                       // spec.os.name == "windows"
  bool user_namespace;                // spec.hostUsers == false
};

PodContext make_context(const k8s::PodTemplate& pod, FindingEmitter& emitter);

// The child at `key` when it is present and not null. Kubernetes decodes an explicit null exactly
// like an absent field (a nil pointer), so every check treats the two the same way.
inline const doc::Node* value_at(const doc::Node* node, std::string_view key) {
  if (node == nullptr) return nullptr;
  const doc::Node* value = node->get(key);
  return value != nullptr && !value->is_null() ? value : nullptr;
}

// The child at `key` when it is a mapping. A struct field of another shape cannot be decoded by
// the API server, so for the checks it is as good as absent.
inline const doc::Node* mapping_at(const doc::Node* node, std::string_view key) {
  const doc::Node* value = value_at(node, key);
  return value != nullptr && value->is_mapping() ? value : nullptr;
}

// Scalar text at `key` ("" when absent, null or not a scalar).
inline std::string_view text_at(const doc::Node* node, std::string_view key) {
  const doc::Node* value = value_at(node, key);
  return value != nullptr ? value->text() : std::string_view{};
}

inline const doc::Node* container_security_context(const k8s::Container& container) {
  return mapping_at(container.node, "securityContext");
}

// The node a finding about a field points at: the field itself when it exists, else its nearest
// existing ancestor (e.g. the securityContext, else the container).
inline const doc::Node* nearest(const doc::Node* field, const doc::Node* parent) {
  return field != nullptr ? field : parent;
}
inline const doc::Node* nearest(const doc::Node* field, const doc::Node* parent,
                                const doc::Node* grandparent) {
  return nearest(field, nearest(parent, grandparent));
}

// `container "app"` / `initContainer "init"`, or the list position when the container is unnamed.
std::string describe(const k8s::Container& container);

// "<container path>.securityContext.<field>".
std::string security_context_path(const k8s::Container& container, std::string_view field);
// "<pod metadata path>.annotations['<key>']".
std::string annotation_path(const PodContext& context, std::string_view key);

// Where a securityContext field can be set: the pod (spec.securityContext) or one container.
// Names and paths are formatted only when a finding is emitted, never on the clean path.
struct Setter {
  const k8s::Container* container;    // null for the pod
  const doc::Node* security_context;  // its securityContext mapping, or null
  const doc::Node* owner;             // the container mapping, or the pod spec

  // "pod" or `container "app"`, as upstream's messages name them.
  std::string name() const;
  // Full path of securityContext.<field> of this setter.
  std::string path(const PodContext& context, std::string_view field) const;
  // The node for a finding about `field` of the securityContext (the field, else the nearest
  // existing ancestor).
  const doc::Node* at(const doc::Node* field) const {
    return nearest(field, security_context, owner);
  }
};

inline Setter pod_setter(const PodContext& context) {
  return Setter{nullptr, context.security_context, context.spec};
}
inline Setter container_setter(const k8s::Container& container) {
  return Setter{&container, container_security_context(container), container.node};
}

// Calls visit(setter) for the pod and then every container, in upstream's order.
template <typename Visit>
void for_each_setter(const PodContext& context, Visit&& visit) {
  visit(pod_setter(context));
  for (const k8s::Container& container : context.pod.containers) visit(container_setter(container));
}

// Reports every container whose procMount is anything but Default (which unmasks /proc). Shared
// by the baseline procMount check and procMount_restricted, which differ only in when they run.
void report_proc_mount(const PodContext& context, CheckId check);

// Baseline checks (baseline_checks.cpp). The suffix is the first policy version a variant
// applies to; the registry in pod_security.cpp decides which variant runs.
void privileged_1_0(const PodContext& context);
void host_namespaces_1_0(const PodContext& context);
void host_path_volumes_1_0(const PodContext& context);
void host_ports_1_0(const PodContext& context);
void capabilities_baseline_1_0(const PodContext& context);
void app_armor_profile_1_0(const PodContext& context);
void se_linux_options_1_0(const PodContext& context);
void se_linux_options_1_31(const PodContext& context);
void proc_mount_1_0(const PodContext& context);
void proc_mount_baseline_1_35(const PodContext& context);
void seccomp_profile_baseline_1_0(const PodContext& context);
void seccomp_profile_baseline_1_19(const PodContext& context);
void sysctls_1_0(const PodContext& context);
void sysctls_1_27(const PodContext& context);
void sysctls_1_29(const PodContext& context);
void sysctls_1_32(const PodContext& context);
void sysctls_1_37(const PodContext& context);
void windows_host_process_1_0(const PodContext& context);
void host_probes_and_host_lifecycle_1_34(const PodContext& context);

// Restricted checks (restricted_checks.cpp).
void allow_privilege_escalation_1_8(const PodContext& context);
void allow_privilege_escalation_1_25(const PodContext& context);
void capabilities_restricted_1_22(const PodContext& context);
void capabilities_restricted_1_25(const PodContext& context);
void proc_mount_restricted_1_35(const PodContext& context);
void restricted_volumes_1_0(const PodContext& context);
void run_as_non_root_1_0(const PodContext& context);
void run_as_non_root_1_35(const PodContext& context);
void run_as_user_1_23(const PodContext& context);
void run_as_user_1_35(const PodContext& context);
void seccomp_profile_restricted_1_19(const PodContext& context);
void seccomp_profile_restricted_1_25(const PodContext& context);

}  // namespace eksguard::pss::detail
