// The published Cedar schema for Kubernetes authorization and admission (k8s.cedarschema in
// this folder, compiled into the binary; `eksguard cedar schema k8s` prints it).
//
// It is a superset of the AWS prototype's schema for the parts it declares: the `k8s` namespace
// (principals, k8s::Resource, k8s::NonResourceURL, the impersonation targets and every
// authorization action) is the same, `k8s::admission` declares create/update/delete/connect as
// members of the action group "all", and the object kinds live in one namespace per API group
// and version (`core::v1::Pod`, `apps::v1::Deployment`, `rbac::v1::ClusterRole`) with
// `metadata` as meta::v1::ObjectMeta (labels and annotations as Set<meta::v1::KeyValue>),
// `oldObject`, and entity tags holding the object's labels. The kinds' specs declare the
// fields policies commonly use; see the file for the coverage.
#pragma once

#include <string_view>

#include "cedar/schema/schema.h"
#include "common/result.h"

namespace eksguard::k8s_authz {

// The schema text (Cedar schema syntax).
std::string_view k8s_schema_text();

// The schema, parsed (once per call; callers keep it).
Result<cedar::Schema> k8s_schema();

}  // namespace eksguard::k8s_authz
