// The API resources a query can name without a live cluster's discovery: the built-in
// Kubernetes resources (a table of the core API groups as of Kubernetes 1.31), CRDs found in the
// inputs, and resources named by rules in the inputs. Resolves `svc`, `deploy`, `pod`,
// `deployments.apps` and `foos.example.com` as kubectl does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/result.h"
#include "rbac/model.h"

namespace eksguard::rbac {

struct ApiResource {
  std::string group;     // "" for the core group
  std::string resource;  // plural, e.g. "deployments"
  std::string singular;
  std::vector<std::string> short_names;
  bool namespaced = true;
  // Where the entry comes from: "built-in", "CRD" or "rules" (a resource only named by rules,
  // whose scope is unknown and taken as namespaced).
  std::string_view origin = "built-in";

  // "deployments.apps", or "pods" for the core group.
  std::string qualified_name() const;
};

class ResourceCatalog {
 public:
  // The built-in resources only.
  ResourceCatalog();
  // Adds the CustomResourceDefinitions of the inputs, then the resources their rules name that
  // are not known yet (skipping `*` and subresources).
  void add_inputs(const Inputs& inputs);
  void add(ApiResource resource);

  // Resolves what a user typed: plural, singular or short name, optionally `.group`-qualified.
  // Resolution prefers the first entry in table order (core before the other groups), as
  // kubectl prefers the core group for `events`.
  Result<ApiResource> resolve(std::string_view name) const;

  const std::vector<ApiResource>& resources() const { return resources_; }

 private:
  std::vector<ApiResource> resources_;
  std::unordered_set<std::string> known_;  // "group/resource" of every entry
};

}  // namespace eksguard::rbac
