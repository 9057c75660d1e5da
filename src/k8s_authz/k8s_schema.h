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
//
// Custom resources: schema fragments (Cedar or JSON syntax, e.g. from `eksguard cedar schema
// crd`) add to it. Cedar merges the fragments' namespaces, but a fragment cannot add resource
// types to an action another fragment declares, and the admission actions must list every kind.
// So the merged schema extends them itself: every entity type a fragment declares with the
// annotation `@admission` is added to the resource types of k8s::admission::Action::"all",
// "create", "update" and "delete" (custom resources have no CONNECT).
#pragma once

#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "cedar/schema/fragments.h"
#include "cedar/schema/schema.h"
#include "common/result.h"

namespace eksguard::k8s_authz {

// The schema text (Cedar schema syntax).
std::string_view k8s_schema_text();

// The schema, parsed (once per call; callers keep it).
Result<cedar::Schema> k8s_schema();

// `schema` with every entity type annotated `@admission` added to the admission actions (see
// above); the schema itself when none is.
Result<cedar::Schema> extend_admission_actions(const cedar::Schema& schema);

// The built-in schema merged with `fragments`, the admission actions extended (see above). An
// error lists every diagnostic, each naming its file, line and column.
Result<cedar::Schema> k8s_schema_with(std::span<const cedar::SchemaFragment> fragments);

// The same with fragments read from files (each at most `max_file_bytes`; the syntax is
// detected from the text).
Result<cedar::Schema> k8s_schema_with_files(const std::vector<std::filesystem::path>& files,
                                            size_t max_file_bytes = size_t{16} << 20);

}  // namespace eksguard::k8s_authz
