// Kubernetes objects (JSON, as simdjson DOM elements) → Cedar values, for the admission webhook.
//
// The conversion follows a plan compiled from the schema in force (conversion_plan.h), so the
// values have the types the schema declares: Kubernetes maps (labels, annotations, ConfigMap
// data, a Service selector, resource limits: whatever the schema types as
// Set<meta::v1::KeyValue> or another Set<{key, value}>) become sets of {key, value}, since a
// record cannot be searched by a key computed in a policy; String fields get text whatever the
// JSON held (an IntOrString 8080 is "8080"). Fields the schema does not know are converted
// generically as the AWS prototype does: JSON objects are records, arrays are sets, strings,
// integers and booleans stay what they are, nulls are left out.
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
#include "k8s_authz/conversion_plan.h"

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

// Converts `object` (a JSON object) into a Cedar record in `arena` as `plan` says
// (ConversionPlan::for_entity_type; nullptr converts generically). The object's
// metadata.labels are appended to `labels` (strings in `arena`). Errors only for limits.
Result<cedar::Value> object_to_value(simdjson::dom::element object, const PlanNode* plan,
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
