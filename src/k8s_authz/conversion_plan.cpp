// Compiling a Cedar schema into a conversion plan (see conversion_plan.h).
#include "k8s_authz/conversion_plan.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace eksguard::k8s_authz {

const PlanNode* PlanNode::field(std::string_view key) const {
  const auto it = std::lower_bound(
      fields.begin(), fields.end(), key,
      [](const PlanField& field, std::string_view wanted) { return field.key < wanted; });
  return it != fields.end() && it->key == key ? it->node : nullptr;
}

class PlanCompiler {
 public:
  explicit PlanCompiler(ConversionPlan& plan) : plan_(plan) {}

  // Each common type is compiled once however often it is used (by its name: a reference may
  // be a node of its own), so the plan is as large as the schema's distinct types rather than
  // their expansion (PodSpec is in every workload kind).
  const PlanNode* compile(const cedar::SchemaType& type) {
    const std::string& name = type.common_type_name();
    if (!name.empty()) {
      if (const auto it = by_name_.find(name); it != by_name_.end()) return it->second;
    }
    const void* key = type.node().get();
    if (const auto it = by_node_.find(key); it != by_node_.end()) return it->second;
    const PlanNode* node = build(type);
    by_node_.emplace(key, node);
    if (!name.empty()) by_name_.emplace(name, node);
    return node;
  }

  const PlanNode* generic() {
    if (generic_ == nullptr) generic_ = add(PlanShape::kGeneric);
    return generic_;
  }

 private:
  PlanNode* add(PlanShape shape) {
    PlanNode& node = plan_.nodes_.emplace_back();
    node.shape = shape;
    return &node;
  }

  // A record of exactly `key: String` and `value: V`: the element of a Kubernetes map.
  static const cedar::SchemaType* map_value_type(const cedar::SchemaType& type) {
    const auto attributes = type.attributes();
    if (!type.is_record() || attributes.size() != 2) return nullptr;
    const cedar::AttributeDef& key = attributes[0];
    const cedar::AttributeDef& value = attributes[1];
    if (key.name != "key" || value.name != "value" || !key.required || !value.required ||
        key.type.kind() != cedar::TypeKind::kString) {
      return nullptr;
    }
    return &value.type;
  }

  const PlanNode* build(const cedar::SchemaType& type) {
    switch (type.kind()) {
      case cedar::TypeKind::kString:
        return add(PlanShape::kString);
      case cedar::TypeKind::kLong:
        return add(PlanShape::kLong);
      case cedar::TypeKind::kBool:
        return add(PlanShape::kBool);
      case cedar::TypeKind::kExtension:
        return type.extension_type() == cedar::ExtensionType::kDecimal ? add(PlanShape::kDecimal)
                                                                       : generic();
      case cedar::TypeKind::kEntity:
        return generic();
      case cedar::TypeKind::kSet: {
        const cedar::SchemaType& element = type.element();
        const cedar::SchemaType* value = map_value_type(element);
        PlanNode* node = add(value != nullptr ? PlanShape::kSetOrMap : PlanShape::kSet);
        node->element = compile(element);
        if (value != nullptr) node->map_value = compile(*value);
        return node;
      }
      case cedar::TypeKind::kRecord: {
        if (type.attributes().empty() && !type.additional_attributes()) {
          return add(PlanShape::kEmptyRecord);
        }
        PlanNode* node = add(PlanShape::kRecord);
        for (const cedar::AttributeDef& attribute : type.attributes()) {
          node->fields.push_back(PlanField{attribute.name, compile(attribute.type)});
        }
        return node;  // attributes() is sorted by name, and so are the fields
      }
    }
    return generic();
  }

  ConversionPlan& plan_;
  std::unordered_map<const void*, const PlanNode*> by_node_;
  std::unordered_map<std::string, const PlanNode*> by_name_;
  const PlanNode* generic_ = nullptr;
};

std::shared_ptr<const ConversionPlan> ConversionPlan::compile(const cedar::Schema& schema) {
  std::shared_ptr<ConversionPlan> plan(new ConversionPlan());
  PlanCompiler compiler(*plan);
  for (const cedar::EntityTypeDef& type : schema.entity_types()) {
    plan->entity_types_.emplace_back(type.name, compiler.compile(type.shape));
  }
  // entity_types() is sorted by name, and so is entity_types_.
  PlanNode& generic_object = plan->nodes_.emplace_back();
  generic_object.shape = PlanShape::kRecord;
  if (const cedar::CommonTypeDef* meta = schema.find_common_type("meta::v1::ObjectMeta")) {
    generic_object.fields.push_back(PlanField{"metadata", compiler.compile(meta->type)});
  }
  plan->generic_object_ = &generic_object;
  return plan;
}

const PlanNode* ConversionPlan::for_entity_type(std::string_view type) const {
  const auto it = std::lower_bound(
      entity_types_.begin(), entity_types_.end(), type,
      [](const auto& entry, std::string_view wanted) { return entry.first < wanted; });
  return it != entity_types_.end() && it->first == type ? it->second : generic_object_;
}

}  // namespace eksguard::k8s_authz
