// CustomResourceDefinitions → a Cedar schema fragment declaring their kinds, so policies about
// custom resources validate (`eksguard cedar schema crd`, then `eksguard serve --schema`).
//
// Input: YAML or JSON files, several documents each; a `List` (or any `*List` kind with items)
// is opened; objects of other kinds are counted and ignored (a chart's whole output can be
// given). Only apiextensions.k8s.io/v1 CRDs are read.
//
// Output, for every served version of every CRD, the entity type the admission webhook gives
// the kind (cedar_entity_type_for_kind: `cert-manager.io`/v1/Certificate →
// io::cert_manager::v1::Certificate), shaped as the built-in kinds are:
//   apiVersion?, kind?: String; metadata?: meta::v1::ObjectMeta; oldObject?: the kind itself;
//   the labels as entity tags (`tags __cedar::String`); the annotation `@admission`, which
//   adds the kind to the admission actions' resource types when merged (k8s_schema.h).
// The other top-level properties (spec, status, ...) come from openAPIV3Schema:
//   object with properties   → record; `required` → required attribute unless `nullable`
//   array with items          → Set of the items' type
//   string / integer / boolean → __cedar::String / Long / Bool
//   number                    → decimal (what the webhook makes of a number with a fraction)
//   x-kubernetes-int-or-string → __cedar::String
//   map of strings (additionalProperties: {type: string}) → Set<meta::v1::KeyValue>;
//   map of string lists → Set<meta::v1::KeyValueStringSlice>, as the built-in maps
//   left out, each named in a `// left out:` comment above its kind: free-form objects
//   (x-kubernetes-preserve-unknown-fields or no properties), maps of other values, untyped
//   schemas, arrays of left-out items, and anything nested deeper than the depth limit.
// Kinds the base schema (the built-in one) already declares are not redeclared.
//
// Malformed input is an error with a stable code (crd.*) and file:line:column; every CRD is
// checked and all errors are returned. Input size, schema depth and the number of attributes
// are bounded.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/diagnostic.h"
#include "cedar/schema/schema.h"
#include "common/result.h"

namespace eksguard::k8s_authz {

struct CrdSource {
  std::string file;
  std::string_view text;
};

struct CrdLimits {
  size_t max_input_bytes = size_t{32} << 20;  // per file
  uint32_t max_schema_depth = 32;             // nested objects and arrays translated
  size_t max_attributes = 200'000;            // attributes emitted over all kinds
  size_t max_crds = 10'000;
};

struct CrdSchemaFragment {
  std::string text;                       // Cedar schema syntax
  std::vector<std::string> entity_types;  // declared, sorted
  std::vector<std::string> built_in;      // kinds left to the base schema, sorted
  size_t crds = 0;                        // CustomResourceDefinitions read
  size_t ignored_objects = 0;             // objects of other kinds
};

Result<CrdSchemaFragment, cedar::Diagnostics> crd_schema_fragment(
    std::span<const CrdSource> sources, const cedar::Schema* base = nullptr,
    const CrdLimits& limits = {});

}  // namespace eksguard::k8s_authz
