// Reading RBAC objects from documents, with the API server's validation
// (pkg/apis/rbac/validation): an object it would refuse cannot exist in a cluster, so it is
// reported with its position and left out, and the rest of the input goes on.
#include "rbac/model.h"

#include <fmt/format.h>

#include <algorithm>

#include "k8s/list.h"
#include "k8s/object.h"
#include "scan/scanner.h"

namespace eksguard::rbac {
namespace {

constexpr std::string_view kRbacGroup = "rbac.authorization.k8s.io";

bool is_rbac_api_version(std::string_view api_version) {
  return api_version.starts_with(kRbacGroup) && api_version.size() > kRbacGroup.size() &&
         api_version[kRbacGroup.size()] == '/';
}

// Reads one object's fields, collecting every problem; the object is kept only when none.
class ObjectReader {
 public:
  ObjectReader(const k8s::Object& object, uint32_t file, Inputs& inputs)
      : object_(object), file_(file), inputs_(inputs) {}

  bool ok() const { return ok_; }
  size_t errors() const { return errors_; }
  Origin origin() const {
    return Origin{file_, object_.root->position().line, object_.root->position().column};
  }

  void error(const doc::Node* at, std::string_view code, std::string_view message) {
    ok_ = false;
    ++errors_;
    const doc::Position where = (at != nullptr ? at : object_.root)->position();
    const std::string name = object_.ref.name.empty() ? "<unnamed>" : object_.ref.name;
    inputs_.errors.push_back(
        InputError{inputs_.files[file_], where.line, where.column,
                   fmt::format("{}: {} \"{}\": {}; the API server would reject it, so it is left "
                               "out",
                               code, object_.ref.kind, name, message)});
  }

  // A list of strings at `key` of `parent` (absent or null: empty).
  std::vector<std::string> strings(const doc::Node& parent, std::string_view key,
                                   std::string_view path) {
    std::vector<std::string> out;
    const doc::Node* list = parent.get(key);
    if (list == nullptr || list->is_null()) return out;
    if (!list->is_sequence()) {
      error(list, "rbac.shape",
            fmt::format("{}{} must be a list of strings, found {}", path, key,
                        doc::describe(list->kind())));
      return out;
    }
    out.reserve(list->size());
    for (const doc::Node* item : list->items()) {
      const auto text = item->as_string();
      if (!text) {
        error(item, "rbac.shape",
              fmt::format("{}{} must hold strings, found {}", path, key,
                          doc::describe(item->kind())));
        continue;
      }
      out.emplace_back(*text);
    }
    return out;
  }

  // A mapping (or absent/null) at `key`; anything else is a shape error.
  const doc::Node* mapping(const doc::Node& parent, std::string_view key, std::string_view path) {
    const doc::Node* node = parent.get(key);
    if (node == nullptr || node->is_null()) return nullptr;
    if (!node->is_mapping()) {
      error(
          node, "rbac.shape",
          fmt::format("{}{} must be a mapping, found {}", path, key, doc::describe(node->kind())));
      return nullptr;
    }
    return node;
  }

  // A sequence (or absent/null: nullptr) at `key`.
  const doc::Node* sequence(const doc::Node& parent, std::string_view key, std::string_view path) {
    const doc::Node* node = parent.get(key);
    if (node == nullptr || node->is_null()) return nullptr;
    if (!node->is_sequence()) {
      error(node, "rbac.shape",
            fmt::format("{}{} must be a list, found {}", path, key, doc::describe(node->kind())));
      return nullptr;
    }
    return node;
  }

  // A string at `key` ("" when absent or null).
  std::string string(const doc::Node& parent, std::string_view key, std::string_view path) {
    const doc::Node* node = parent.get(key);
    if (node == nullptr || node->is_null()) return {};
    const auto text = node->as_string();
    if (!text) {
      error(node, "rbac.shape",
            fmt::format("{}{} must be a string, found {}", path, key, doc::describe(node->kind())));
      return {};
    }
    return std::string(*text);
  }

  const k8s::Object& object() const { return object_; }

 private:
  const k8s::Object& object_;
  uint32_t file_;
  Inputs& inputs_;
  bool ok_ = true;
  size_t errors_ = 0;
};

void read_rule(ObjectReader& reader, const doc::Node& node, size_t index, bool namespaced,
               std::vector<PolicyRule>& rules) {
  const std::string path = fmt::format("rules[{}].", index);
  if (!node.is_mapping()) {
    reader.error(
        &node, "rbac.shape",
        fmt::format("rules[{}] must be a mapping, found {}", index, doc::describe(node.kind())));
    return;
  }
  PolicyRule rule;
  const size_t errors_before = reader.errors();
  rule.verbs = reader.strings(node, "verbs", path);
  const bool verbs_malformed = reader.errors() != errors_before;
  rule.api_groups = reader.strings(node, "apiGroups", path);
  rule.resources = reader.strings(node, "resources", path);
  rule.resource_names = reader.strings(node, "resourceNames", path);
  rule.non_resource_urls = reader.strings(node, "nonResourceURLs", path);
  if (rule.verbs.empty() && !verbs_malformed) {
    reader.error(&node, "rbac.rule.verbs",
                 fmt::format("rules[{}]: at least one verb is required", index));
  }
  if (!rule.non_resource_urls.empty()) {
    if (namespaced) {
      reader.error(
          node.get("nonResourceURLs"), "rbac.rule.non-resource",
          fmt::format("rules[{}]: namespaced rules cannot apply to non-resource URLs", index));
    } else if (!rule.api_groups.empty() || !rule.resources.empty() ||
               !rule.resource_names.empty()) {
      reader.error(&node, "rbac.rule.non-resource",
                   fmt::format("rules[{}]: rules cannot apply to both regular resources and "
                               "non-resource URLs",
                               index));
    }
  } else {
    if (rule.api_groups.empty()) {
      reader.error(
          &node, "rbac.rule.api-groups",
          fmt::format("rules[{}]: resource rules must supply at least one api group", index));
    }
    if (rule.resources.empty()) {
      reader.error(
          &node, "rbac.rule.resources",
          fmt::format("rules[{}]: resource rules must supply at least one resource", index));
    }
  }
  rules.push_back(std::move(rule));
}

std::optional<LabelSelector> read_selector(ObjectReader& reader, const doc::Node& node,
                                           std::string_view path) {
  if (!node.is_mapping()) {
    reader.error(
        &node, "rbac.shape",
        fmt::format("{} must be a label selector, found {}", path, doc::describe(node.kind())));
    return std::nullopt;
  }
  LabelSelector selector;
  const std::string prefix = std::string(path) + ".";
  if (const doc::Node* labels = reader.mapping(node, "matchLabels", prefix)) {
    for (const doc::MapEntry& entry : labels->entries()) {
      const auto value = entry.value->as_string();
      if (!value) {
        reader.error(entry.value, "rbac.shape",
                     fmt::format("{}matchLabels.{} must be a string", prefix, entry.key));
        continue;
      }
      selector.requirements.push_back(
          {std::string(entry.key), LabelRequirement::Op::kIn, {std::string(*value)}});
    }
  }
  if (const doc::Node* expressions = reader.sequence(node, "matchExpressions", prefix)) {
    for (const doc::Node* expression : expressions->items()) {
      if (!expression->is_mapping()) {
        reader.error(expression, "rbac.shape", prefix + "matchExpressions must hold mappings");
        continue;
      }
      LabelRequirement requirement;
      requirement.key = reader.string(*expression, "key", prefix);
      requirement.values = reader.strings(*expression, "values", prefix);
      const std::string op = reader.string(*expression, "operator", prefix);
      if (op == "In" || op == "NotIn") {
        requirement.op = op == "In" ? LabelRequirement::Op::kIn : LabelRequirement::Op::kNotIn;
        if (requirement.values.empty())
          reader.error(expression, "rbac.selector", "In and NotIn need at least one value");
      } else if (op == "Exists" || op == "DoesNotExist") {
        requirement.op =
            op == "Exists" ? LabelRequirement::Op::kExists : LabelRequirement::Op::kDoesNotExist;
        if (!requirement.values.empty())
          reader.error(expression, "rbac.selector", "Exists and DoesNotExist take no values");
      } else {
        reader.error(expression, "rbac.selector",
                     fmt::format("unknown operator `{}` (In, NotIn, Exists, DoesNotExist)", op));
      }
      selector.requirements.push_back(std::move(requirement));
    }
  }
  return selector;
}

std::vector<std::pair<std::string, std::string>> read_labels(ObjectReader& reader) {
  std::vector<std::pair<std::string, std::string>> labels;
  const doc::Node* metadata = reader.object().metadata;
  if (metadata == nullptr || !metadata->is_mapping()) return labels;
  const doc::Node* node = reader.mapping(*metadata, "labels", "metadata.");
  if (node == nullptr) return labels;
  for (const doc::MapEntry& entry : node->entries()) {
    const auto value = entry.value->as_string();
    if (!value) {
      reader.error(entry.value, "rbac.shape",
                   fmt::format("metadata.labels.{} must be a string", entry.key));
      continue;
    }
    labels.emplace_back(entry.key, *value);
  }
  return labels;
}

// Roles and RoleBindings without a namespace go where `kubectl apply` puts them.
std::string object_namespace(const k8s::Object& object, bool namespaced) {
  if (!namespaced) return {};
  return object.ref.namespace_.empty() ? std::string("default") : object.ref.namespace_;
}

void read_role(ObjectReader& reader, bool namespaced, Inputs& inputs) {
  const k8s::Object& object = reader.object();
  Role role;
  role.kind = namespaced ? RoleKind::kRole : RoleKind::kClusterRole;
  role.name = object.ref.name;
  role.namespace_ = object_namespace(object, namespaced);
  role.origin = reader.origin();
  role.platform = is_platform_object(object);
  role.labels = read_labels(reader);
  if (const doc::Node* rules = reader.sequence(*object.root, "rules", "")) {
    size_t index = 0;
    for (const doc::Node* rule : rules->items())
      read_rule(reader, *rule, index++, namespaced, role.rules);
  }
  if (!namespaced) {
    if (const doc::Node* aggregation = reader.mapping(*object.root, "aggregationRule", "")) {
      std::vector<LabelSelector> selectors;
      if (const doc::Node* list =
              reader.sequence(*aggregation, "clusterRoleSelectors", "aggregationRule.")) {
        size_t index = 0;
        for (const doc::Node* item : list->items()) {
          auto selector = read_selector(
              reader, *item, fmt::format("aggregationRule.clusterRoleSelectors[{}]", index++));
          if (selector) selectors.push_back(std::move(*selector));
        }
      }
      role.aggregation = std::move(selectors);
    }
  }
  if (reader.ok()) inputs.roles.push_back(std::move(role));
}

std::optional<SubjectKind> parse_subject_kind(std::string_view kind) {
  if (kind == "User") return SubjectKind::kUser;
  if (kind == "Group") return SubjectKind::kGroup;
  if (kind == "ServiceAccount") return SubjectKind::kServiceAccount;
  return std::nullopt;
}

void read_subject(ObjectReader& reader, const doc::Node& node, size_t index, bool namespaced,
                  std::vector<Subject>& subjects) {
  const std::string path = fmt::format("subjects[{}].", index);
  if (!node.is_mapping()) {
    reader.error(
        &node, "rbac.shape",
        fmt::format("subjects[{}] must be a mapping, found {}", index, doc::describe(node.kind())));
    return;
  }
  const std::string kind = reader.string(node, "kind", path);
  const std::string api_group = reader.string(node, "apiGroup", path);
  Subject subject;
  subject.name = reader.string(node, "name", path);
  subject.namespace_ = reader.string(node, "namespace", path);
  if (subject.name.empty())
    reader.error(&node, "rbac.subject", fmt::format("subjects[{}]: name is required", index));
  const auto parsed = parse_subject_kind(kind);
  if (!parsed) {
    reader.error(
        &node, "rbac.subject",
        fmt::format("subjects[{}]: kind `{}` is not ServiceAccount, User or Group", index, kind));
    return;
  }
  subject.kind = *parsed;
  if (subject.kind == SubjectKind::kServiceAccount) {
    if (!api_group.empty())
      reader.error(&node, "rbac.subject",
                   fmt::format("subjects[{}]: a ServiceAccount's apiGroup must be empty, not `{}`",
                               index, api_group));
    if (!namespaced && subject.namespace_.empty())
      reader.error(&node, "rbac.subject",
                   fmt::format("subjects[{}]: a ServiceAccount in a ClusterRoleBinding needs a "
                               "namespace",
                               index));
  } else if (api_group != kRbacGroup) {
    reader.error(&node, "rbac.subject",
                 fmt::format("subjects[{}]: a {}'s apiGroup must be `{}`, not `{}`", index, kind,
                             kRbacGroup, api_group));
  }
  subjects.push_back(std::move(subject));
}

void read_role_ref(ObjectReader& reader, bool namespaced, Binding& binding) {
  const doc::Node* root = reader.object().root;
  const doc::Node* ref = reader.mapping(*root, "roleRef", "");
  if (ref == nullptr) {
    reader.error(root, "rbac.role-ref", "roleRef is required");
    return;
  }
  const std::string api_group = reader.string(*ref, "apiGroup", "roleRef.");
  const std::string kind = reader.string(*ref, "kind", "roleRef.");
  binding.role_name = reader.string(*ref, "name", "roleRef.");
  if (api_group != kRbacGroup)
    reader.error(ref, "rbac.role-ref",
                 fmt::format("roleRef.apiGroup must be `{}`, not `{}`", kRbacGroup, api_group));
  if (kind == "ClusterRole") {
    binding.role_kind = RoleKind::kClusterRole;
  } else if (kind == "Role" && namespaced) {
    binding.role_kind = RoleKind::kRole;
  } else {
    reader.error(ref, "rbac.role-ref",
                 fmt::format("roleRef.kind must be {}, not `{}`",
                             namespaced ? "Role or ClusterRole" : "ClusterRole", kind));
  }
  if (binding.role_name.empty()) reader.error(ref, "rbac.role-ref", "roleRef.name is required");
}

void read_binding(ObjectReader& reader, bool namespaced, Inputs& inputs) {
  const k8s::Object& object = reader.object();
  Binding binding;
  binding.kind = namespaced ? BindingKind::kRoleBinding : BindingKind::kClusterRoleBinding;
  binding.name = object.ref.name;
  binding.namespace_ = object_namespace(object, namespaced);
  binding.origin = reader.origin();
  binding.platform = is_platform_object(object);
  read_role_ref(reader, namespaced, binding);
  if (const doc::Node* subjects = reader.sequence(*object.root, "subjects", "")) {
    size_t index = 0;
    for (const doc::Node* subject : subjects->items())
      read_subject(reader, *subject, index++, namespaced, binding.subjects);
  }
  if (reader.ok()) inputs.bindings.push_back(std::move(binding));
}

// A CRD's group, names and scope; other fields are not needed for naming resources.
void read_custom_resource(const k8s::Object& object, uint32_t file, Inputs& inputs) {
  ObjectReader reader(object, file, inputs);
  const doc::Node* spec = reader.mapping(*object.root, "spec", "");
  const doc::Node* names = spec != nullptr ? reader.mapping(*spec, "names", "spec.") : nullptr;
  if (names == nullptr) {
    reader.error(spec, "rbac.crd", "spec.names is required");
    return;
  }
  CustomResource resource;
  resource.group = reader.string(*spec, "group", "spec.");
  resource.plural = reader.string(*names, "plural", "spec.names.");
  resource.singular = reader.string(*names, "singular", "spec.names.");
  resource.short_names = reader.strings(*names, "shortNames", "spec.names.");
  resource.namespaced = reader.string(*spec, "scope", "spec.") != "Cluster";
  if (resource.plural.empty()) reader.error(names, "rbac.crd", "spec.names.plural is required");
  if (reader.ok()) inputs.custom_resources.push_back(std::move(resource));
}

void add_object_at(const k8s::Object& object, uint32_t file, Inputs& inputs) {
  ++inputs.objects;
  if (object.ref.kind == "CustomResourceDefinition" &&
      object.ref.api_version.starts_with("apiextensions.k8s.io/")) {
    read_custom_resource(object, file, inputs);
    return;
  }
  if (!is_rbac_api_version(object.ref.api_version)) return;
  const std::string& kind = object.ref.kind;
  const bool role = kind == "Role" || kind == "ClusterRole";
  const bool binding = kind == "RoleBinding" || kind == "ClusterRoleBinding";
  if (!role && !binding) return;
  ObjectReader reader(object, file, inputs);
  if (object.ref.name.empty() || object.ref.name.ends_with('*')) {
    reader.error(object.metadata, "rbac.name", "metadata.name is required");
    return;
  }
  const bool namespaced = kind == "Role" || kind == "RoleBinding";
  if (role) {
    read_role(reader, namespaced, inputs);
  } else {
    read_binding(reader, namespaced, inputs);
  }
}

uint32_t file_index(Inputs& inputs, std::string_view name) {
  if (inputs.files.empty() || inputs.files.back() != name) inputs.files.emplace_back(name);
  return static_cast<uint32_t>(inputs.files.size() - 1);
}

}  // namespace

bool LabelSelector::matches(const std::vector<std::pair<std::string, std::string>>& labels) const {
  auto find = [&](const std::string& key) -> const std::string* {
    for (const auto& [k, v] : labels)
      if (k == key) return &v;
    return nullptr;
  };
  return std::all_of(requirements.begin(), requirements.end(), [&](const LabelRequirement& r) {
    const std::string* value = find(r.key);
    const bool listed =
        value != nullptr && std::find(r.values.begin(), r.values.end(), *value) != r.values.end();
    switch (r.op) {
      case LabelRequirement::Op::kIn:
        return listed;
      case LabelRequirement::Op::kNotIn:
        return !listed;
      case LabelRequirement::Op::kExists:
        return value != nullptr;
      case LabelRequirement::Op::kDoesNotExist:
        return value == nullptr;
    }
    return false;
  });
}

std::string_view to_string(RoleKind kind) {
  return kind == RoleKind::kRole ? "Role" : "ClusterRole";
}

std::string_view to_string(SubjectKind kind) {
  switch (kind) {
    case SubjectKind::kUser:
      return "User";
    case SubjectKind::kGroup:
      return "Group";
    case SubjectKind::kServiceAccount:
      return "ServiceAccount";
  }
  return "User";
}

std::string_view to_string(BindingKind kind) {
  return kind == BindingKind::kRoleBinding ? "RoleBinding" : "ClusterRoleBinding";
}

void add_document(const doc::Document& document, Inputs& inputs) {
  const uint32_t file = file_index(inputs, document.file());
  k8s::for_each_object(
      *document.root(), inputs.files[file],
      [&](const k8s::Object& object) { add_object_at(object, file, inputs); },
      [&](InputError error) { inputs.errors.push_back(std::move(error)); });
}

void add_object(const k8s::Object& object, Inputs& inputs) {
  add_object_at(object, file_index(inputs, object.file), inputs);
}

void merge(Inputs& into, Inputs&& part) {
  // Documents of one file arrive one by one: their file is the one already last.
  std::vector<uint32_t> file_ids;
  file_ids.reserve(part.files.size());
  for (std::string& file : part.files) {
    if (into.files.empty() || into.files.back() != file) into.files.push_back(std::move(file));
    file_ids.push_back(static_cast<uint32_t>(into.files.size() - 1));
  }
  for (Role& role : part.roles) {
    role.origin.file = file_ids[role.origin.file];
    into.roles.push_back(std::move(role));
  }
  for (Binding& binding : part.bindings) {
    binding.origin.file = file_ids[binding.origin.file];
    into.bindings.push_back(std::move(binding));
  }
  std::move(part.custom_resources.begin(), part.custom_resources.end(),
            std::back_inserter(into.custom_resources));
  std::move(part.errors.begin(), part.errors.end(), std::back_inserter(into.errors));
  into.objects += part.objects;
  part = Inputs{};
}

bool is_platform_object(const k8s::Object& object) {
  const std::string& name = object.ref.name;
  if (name.starts_with("eks:") || name == "aws-node") return true;
  const doc::Node* metadata = object.metadata;
  if (metadata == nullptr || !metadata->is_mapping()) return false;
  if (const doc::Node* labels = metadata->get("labels");
      labels != nullptr && labels->is_mapping() && labels->get("eks.amazonaws.com/component"))
    return true;
  const doc::Node* annotations = metadata->get("annotations");
  const bool autoupdate =
      annotations != nullptr && annotations->is_mapping() &&
      annotations->string_at("rbac.authorization.kubernetes.io/autoupdate") == "true";
  return autoupdate && (name.starts_with("system:") || name == "cluster-admin" || name == "admin" ||
                        name == "edit" || name == "view");
}

void add_text(std::string_view text, std::string_view name, Inputs& inputs,
              const doc::Limits& limits) {
  file_index(inputs, name);
  for (const Error& error : doc::load_text(
           text, name, limits, [&](doc::Document& document) { add_document(document, inputs); })) {
    inputs.errors.push_back(InputError{std::string(name), error.line, error.column, error.message});
  }
}

Inputs load_inputs(const std::vector<std::string>& paths, const doc::Limits& limits) {
  Inputs inputs;
  for (const std::string& path : paths) {
    for (const std::string& file : scan::expand_path(path, inputs.errors)) {
      const std::string name = file == "-" ? "stdin" : file;
      auto text = doc::read_input(file, limits);
      if (!text) {
        inputs.errors.push_back(
            InputError{name, text.error().line, text.error().column, text.error().message});
        continue;
      }
      file_index(inputs, name);
      for (const Error& error : doc::load_padded(*text, name, limits, [&](doc::Document& document) {
             add_document(document, inputs);
           })) {
        inputs.errors.push_back(InputError{name, error.line, error.column, error.message});
      }
    }
  }
  return inputs;
}

}  // namespace eksguard::rbac
