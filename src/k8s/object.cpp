#include "k8s/object.h"

namespace eksguard::k8s {

Object make_object(const doc::Node& root, std::string_view file, std::string path_prefix,
                   std::string_view default_kind, std::string_view default_api_version) {
  Object object;
  object.root = &root;
  object.file = file;
  object.path_prefix = std::move(path_prefix);
  object.ref.api_version = std::string(root.string_at("apiVersion"));
  object.ref.kind = std::string(root.string_at("kind"));
  if (object.ref.kind.empty()) object.ref.kind = std::string(default_kind);
  if (object.ref.api_version.empty()) object.ref.api_version = std::string(default_api_version);
  object.metadata = root.get("metadata");
  if (object.metadata != nullptr) {
    object.ref.name = std::string(object.metadata->string_at("name"));
    if (object.ref.name.empty()) {
      // generateName-only objects (Jobs from Helm hooks) still deserve a readable name.
      const std::string_view generate = object.metadata->string_at("generateName");
      if (!generate.empty()) object.ref.name = std::string(generate) + "*";
    }
    object.ref.namespace_ = std::string(object.metadata->string_at("namespace"));
  }
  return object;
}

std::string join_path(std::string_view prefix, std::string_view field) {
  if (prefix.empty()) return std::string(field);
  if (field.empty()) return std::string(prefix);
  std::string path;
  path.reserve(prefix.size() + 1 + field.size());
  path.append(prefix);
  if (field.front() != '[') path.push_back('.');
  path.append(field);
  return path;
}

}  // namespace eksguard::k8s
