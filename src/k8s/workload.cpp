#include "k8s/workload.h"

#include <fmt/format.h>

#include <array>

namespace eksguard::k8s {
namespace {

// Where each kind keeps its pod template, relative to the object.
struct TemplateLocation {
  std::string_view kind;
  std::array<std::string_view, 4> spec_keys;  // path of keys to the pod template (or pod spec)
  bool is_pod;                                // the object itself is the pod
};

constexpr std::array<TemplateLocation, 9> kLocations{{
    {"Pod", {}, true},
    {"PodTemplate", {"template"}, false},
    {"Deployment", {"spec", "template"}, false},
    {"ReplicaSet", {"spec", "template"}, false},
    {"StatefulSet", {"spec", "template"}, false},
    {"DaemonSet", {"spec", "template"}, false},
    {"Job", {"spec", "template"}, false},
    {"ReplicationController", {"spec", "template"}, false},
    {"CronJob", {"spec", "jobTemplate", "spec", "template"}, false},
}};

const TemplateLocation* find_location(std::string_view kind) {
  for (const TemplateLocation& location : kLocations) {
    if (location.kind == kind) return &location;
  }
  return nullptr;
}

Error shape_error(const Object& object, const doc::Node& node, std::string_view path,
                  std::string_view expected) {
  return Error{fmt::format("{} {}: {} must be {}, found {}", object.ref.kind,
                           object.ref.name.empty() ? "<unnamed>" : object.ref.name, path, expected,
                           doc::describe(node.kind())),
               node.position().line, node.position().column};
}

}  // namespace

std::string_view Container::type_name() const {
  switch (type) {
    case ContainerType::kInit:
      return "initContainer";
    case ContainerType::kRegular:
      return "container";
    case ContainerType::kEphemeral:
      return "ephemeralContainer";
  }
  return "container";
}

std::optional<std::string_view> PodTemplate::annotation(std::string_view key) const {
  if (metadata == nullptr) return std::nullopt;
  const doc::Node* annotations = metadata->get("annotations");
  if (annotations == nullptr) return std::nullopt;
  const doc::Node* value = annotations->get(key);
  if (value == nullptr || !value->is_scalar()) return std::nullopt;
  return value->text();
}

std::string PodTemplate::field_path(std::string_view field) const {
  return join_path(spec_path, field);
}

bool is_workload_kind(std::string_view kind) {
  return find_location(kind) != nullptr;
}

Result<std::optional<PodTemplate>> extract_pod_template(const Object& object) {
  const TemplateLocation* location = find_location(object.ref.kind);
  if (location == nullptr || object.root == nullptr) return std::optional<PodTemplate>{};

  PodTemplate pod;
  const doc::Node* holder = object.root;  // the node holding "metadata" and "spec" of the pod
  std::string path = object.path_prefix;
  for (std::string_view key : location->spec_keys) {
    if (key.empty()) break;
    const doc::Node* next = holder->get(key);
    path = join_path(path, key);
    if (next == nullptr || next->is_null()) {
      // A controller without a template (e.g. a Deployment stub) has no pod to check.
      return fail(fmt::format("{} {}: missing {}", object.ref.kind,
                              object.ref.name.empty() ? "<unnamed>" : object.ref.name, path),
                  holder->position().line, holder->position().column);
    }
    if (!next->is_mapping()) return Unexpected(shape_error(object, *next, path, "a mapping"));
    holder = next;
  }
  pod.metadata = holder->get("metadata");
  if (pod.metadata != nullptr && !pod.metadata->is_mapping() && !pod.metadata->is_null()) {
    return Unexpected(shape_error(object, *pod.metadata, join_path(path, "metadata"), "a mapping"));
  }
  pod.metadata_path = join_path(path, "metadata");
  pod.spec_path = join_path(path, "spec");
  pod.spec = holder->get("spec");
  if (pod.spec == nullptr || pod.spec->is_null()) {
    return fail(fmt::format("{} {}: missing {}", object.ref.kind,
                            object.ref.name.empty() ? "<unnamed>" : object.ref.name, pod.spec_path),
                holder->position().line, holder->position().column);
  }
  if (!pod.spec->is_mapping()) {
    return Unexpected(shape_error(object, *pod.spec, pod.spec_path, "a mapping"));
  }

  constexpr std::array<std::pair<std::string_view, ContainerType>, 3> kLists{{
      {"initContainers", ContainerType::kInit},
      {"containers", ContainerType::kRegular},
      {"ephemeralContainers", ContainerType::kEphemeral},
  }};
  for (const auto& [key, type] : kLists) {
    const doc::Node* list = pod.spec->get(key);
    if (list == nullptr || list->is_null()) continue;
    const std::string list_path = pod.field_path(key);
    if (!list->is_sequence()) return Unexpected(shape_error(object, *list, list_path, "a list"));
    uint32_t index = 0;
    for (const doc::Node* item : list->items()) {
      const std::string item_path = fmt::format("{}[{}]", list_path, index);
      if (!item->is_mapping())
        return Unexpected(shape_error(object, *item, item_path, "a mapping"));
      pod.containers.push_back(Container{item, type, index, item->string_at("name"), item_path});
      ++index;
    }
  }
  return std::optional<PodTemplate>(std::move(pod));
}

}  // namespace eksguard::k8s
