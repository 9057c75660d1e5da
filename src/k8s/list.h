// Splitting a parsed document into Kubernetes objects: a single object, or a `List`/`*List`
// (`kubectl get -o json` dumps, API list responses) whose items may leave out the kind and
// apiVersion the list's own kind and apiVersion imply. Shared by the scanner and the RBAC loader
// so both read the same objects with the same errors.
#pragma once

#include <functional>
#include <string_view>

#include "doc/node.h"
#include "findings/finding.h"
#include "k8s/object.h"

namespace eksguard::k8s {

// Calls `on_object` for each object of `root` (read from `file`) in document order and
// `on_error` for what is not one (not a mapping, no kind/apiVersion, items not a list).
void for_each_object(const doc::Node& root, std::string_view file,
                     const std::function<void(const Object&)>& on_object,
                     const std::function<void(InputError)>& on_error);

// True when `root` is a list of objects (a `*List` kind, or no kind, with `items`).
bool is_list(const doc::Node& root);

}  // namespace eksguard::k8s
