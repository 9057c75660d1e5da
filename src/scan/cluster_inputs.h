// The cluster-wide inputs of a scan or an `rbac` query: RBAC objects (compact records, see
// rbac/model.h) and cluster-access inputs (aws-auth, access entries, describe-cluster; see
// identity/inputs.h), gathered document by document so no document tree outlives its file.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/loader.h"
#include "identity/inputs.h"
#include "k8s/object.h"
#include "rbac/model.h"

namespace eksguard::scan {

// Offers one document: AWS CLI output (no kind) goes to `identity`; otherwise each object (List
// items split) goes to `identity` and `rbac` and then to `on_object` (may be empty).
// `source` is the text of the document's file (positions inside aws-auth's block scalars).
void collect_document(const doc::Document& document, std::string_view source, rbac::Inputs& rbac,
                      identity::IdentityCollector& identity,
                      const std::function<void(const k8s::Object&)>& on_object,
                      std::vector<InputError>& errors);

struct ClusterInputs {
  rbac::Inputs rbac;  // errors: unreadable inputs, parse errors, invalid RBAC objects
  identity::IdentityInputs identity;
};

// Reads files, directories and "-" as the scanner does (input and identity errors end up in
// rbac.errors, in input order).
ClusterInputs load_cluster_inputs(const std::vector<std::string>& paths,
                                  const doc::Limits& limits = {});

}  // namespace eksguard::scan
