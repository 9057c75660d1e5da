// Kubernetes objects (JSON, as simdjson DOM elements) → Cedar values, for the admission webhook.
//
// The shape follows the AWS prototype's schema so its policies run unchanged: JSON objects are
// records, arrays are sets, strings, integers and booleans stay what they are, nulls are left
// out. Kubernetes maps (`map[string]string` such as labels, annotations, ConfigMap data, a
// Service selector, resource limits) become `Set<{key, value}>` (meta::v1::KeyValue), since a
// record cannot be searched by a key computed in a policy; `extra` maps of string lists become
// `Set<{key, value: Set<String>}>`. Which objects are maps is decided by a table of field names
// (see object_value.cpp), as the API types declare them.
//
// Unlike the prototype, no JSON value makes the conversion fail (a float made the prototype
// answer with an error, which its `failurePolicy: Ignore` turned into an allow): a number with
// a fraction, or an integer beyond 64 bits, becomes a Cedar decimal (four fraction digits,
// rounded) when it fits and otherwise the number's text as a String.
//
// Only the webhook sources include this header (it brings in simdjson).
#pragma once

#include <simdjson.h>

#include <string_view>
#include <vector>

#include "cedar/arena.h"
#include "cedar/value.h"
#include "common/result.h"

namespace eksguard::k8s_authz {

struct ObjectLimits {
  uint32_t max_depth = 64;        // nesting of objects and arrays inside one object
  size_t max_values = 1'000'000;  // JSON values per object
};

// A label of the converted object, for the entity's tags.
struct Label {
  std::string_view key;
  std::string_view value;
};

// Converts `object` (a JSON object) into a Cedar record in `arena`. `kind` is the object's
// Kind (e.g. "ConfigMap"), which decides a few kind-specific maps. The object's
// metadata.labels are appended to `labels` (strings in `arena`). Errors only for limits.
Result<cedar::Value> object_to_value(simdjson::dom::element object, std::string_view kind,
                                     cedar::Arena& arena, const ObjectLimits& limits,
                                     std::vector<Label>* labels);

// The element as an array or object; callers check the type first.
inline simdjson::dom::array as_array(simdjson::dom::element element) {
  simdjson::dom::array array;
  if (element.get(array) != simdjson::SUCCESS) return {};
  return array;
}
inline simdjson::dom::object as_object(simdjson::dom::element element) {
  simdjson::dom::object object;
  if (element.get(object) != simdjson::SUCCESS) return {};
  return object;
}

// A JSON number that is not an int64: decimal("…") when it fits, else its text.
cedar::Value number_to_value(simdjson::dom::element number, cedar::Arena& arena);

}  // namespace eksguard::k8s_authz
