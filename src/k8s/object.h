// A Kubernetes object found in the inputs: identity (apiVersion, kind, namespace, name) and
// the document node it came from.
#pragma once

#include <string>
#include <string_view>

#include "doc/node.h"

namespace eksguard::k8s {

struct ObjectRef {
  std::string api_version;
  std::string kind;
  std::string namespace_;  // "" for cluster-scoped or unspecified
  std::string name;
};

struct Object {
  const doc::Node* root = nullptr;      // the object's mapping
  const doc::Node* metadata = nullptr;  // may be null
  std::string_view file;                // file the object came from
  ObjectRef ref;
  // Path prefix of the object inside its document ("" at top level, "items[3]" inside a List).
  std::string path_prefix;
};

// Reads apiVersion/kind/metadata from a mapping node. The namespace is left empty when the
// manifest does not set one (the scanner decides what that means).
// `default_kind`/`default_api_version` fill in what items of a typed list (a PodList from the
// API) may leave out.
Object make_object(const doc::Node& root, std::string_view file, std::string path_prefix = {},
                   std::string_view default_kind = {}, std::string_view default_api_version = {});

// Joins a path prefix and a field path with a dot ("" + "spec" = "spec").
std::string join_path(std::string_view prefix, std::string_view field);

}  // namespace eksguard::k8s
