// Workload extraction: the pod template of every kind that runs pods, with the path of each
// part so that findings can name the exact field.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "doc/node.h"
#include "k8s/object.h"

namespace eksguard::k8s {

enum class ContainerType : uint8_t { kInit, kRegular, kEphemeral };

struct Container {
  const doc::Node* node = nullptr;  // the container mapping
  ContainerType type = ContainerType::kRegular;
  uint32_t index = 0;     // index within its list
  std::string_view name;  // "" when unnamed
  std::string path;       // e.g. "spec.template.spec.containers[0]"

  // "container", "initContainer" or "ephemeralContainer", as PSS messages name them.
  std::string_view type_name() const;
};

struct PodTemplate {
  const doc::Node* metadata = nullptr;  // pod (template) metadata; may be null
  const doc::Node* spec = nullptr;      // pod spec mapping; never null in a valid template
  std::string metadata_path;            // e.g. "spec.template.metadata"
  std::string spec_path;                // e.g. "spec.template.spec"
  // Every container in the order Kubernetes validates them: initContainers, containers,
  // ephemeralContainers.
  std::vector<Container> containers;

  // Annotation value from the pod template metadata, nullopt when absent.
  std::optional<std::string_view> annotation(std::string_view key) const;
  // spec.<field> path, e.g. field_path("hostNetwork") = "spec.template.spec.hostNetwork".
  std::string field_path(std::string_view field) const;
};

// Kinds that carry a pod template: Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
// CronJob, ReplicationController, PodTemplate.
bool is_workload_kind(std::string_view kind);

// Extracts the pod template. Returns nullopt for kinds that have none; an Error (with the
// position of the offending node) when the object is a workload kind of the wrong shape.
Result<std::optional<PodTemplate>> extract_pod_template(const Object& object);

}  // namespace eksguard::k8s
