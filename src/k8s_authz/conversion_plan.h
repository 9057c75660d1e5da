// How Kubernetes object JSON becomes Cedar values, compiled once from a Cedar schema.
//
// The admission webhook converts request.object into the attributes of a `<group>::<version>::
// <Kind>` entity (object_value.h). So that the values have the types the schema declares (and a
// policy validated against it meets no type error), the conversion follows the schema: a plan
// holds, per entity type, a tree of attribute → how to convert it:
//   String          the JSON as text: a string as it is, a number or boolean as JSON spells it
//                   (an IntOrString `8080`, a Quantity `1`), an object or array as its compact
//                   JSON text (a RawExtension)
//   Long, Bool      as they are
//   decimal         any number as a decimal
//   record          field by field; an attribute the schema does not declare (a newer API
//                   field, a custom resource's) is converted generically
//   empty record    `{}` (meta::v1::FieldsV1): the contents are skipped
//   Set<T>          an array item by item; when T is a record of exactly `key: String` and
//                   `value: V` (meta::v1::KeyValue, KeyValueStringSlice), a JSON object is a
//                   Kubernetes map and becomes one {key, value} per entry
// Wherever the JSON does not have the declared shape, and for every type the schema does not
// declare, the conversion is generic: objects are records, arrays sets, strings, integers and
// booleans stay what they are, other numbers become decimals (object_value.h). An entity type
// the schema does not declare (a custom resource without a schema) still gets its `metadata`
// converted as meta::v1::ObjectMeta when the schema has that type, so labels are KeyValue sets
// for every object.
//
// A plan is immutable and shared by every review; the schema it was compiled from may go away.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cedar/schema/schema.h"

namespace eksguard::k8s_authz {

enum class PlanShape : uint8_t {
  kGeneric,
  kString,
  kLong,
  kBool,
  kDecimal,
  kRecord,
  kEmptyRecord,
  kSet,       // element: the items
  kSetOrMap,  // element: the items (an array); map_value: the values (an object)
};

struct PlanNode;

struct PlanField {
  std::string key;
  const PlanNode* node;
};

struct PlanNode {
  PlanShape shape = PlanShape::kGeneric;
  const PlanNode* element = nullptr;
  const PlanNode* map_value = nullptr;
  std::vector<PlanField> fields;  // kRecord, sorted by key

  // The plan of a record's field; nullptr when the schema does not declare it.
  const PlanNode* field(std::string_view key) const;
};

class ConversionPlan {
 public:
  static std::shared_ptr<const ConversionPlan> compile(const cedar::Schema& schema);

  // The plan of an entity type's attributes: its shape when the schema declares the type,
  // otherwise the generic object plan (metadata as meta::v1::ObjectMeta).
  const PlanNode* for_entity_type(std::string_view type) const;
  size_t node_count() const { return nodes_.size(); }

 private:
  friend class PlanCompiler;
  ConversionPlan() = default;

  std::deque<PlanNode> nodes_;                                         // stable addresses
  std::vector<std::pair<std::string, const PlanNode*>> entity_types_;  // sorted by name
  const PlanNode* generic_object_ = nullptr;
};

}  // namespace eksguard::k8s_authz
