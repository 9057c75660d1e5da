// SchemaType: shared immutable nodes, structural equality, printing.
#include <algorithm>
#include <array>
#include <set>
#include <unordered_set>
#include <utility>

#include "cedar/schema/names.h"
#include "cedar/schema/schema.h"

namespace eksguard::cedar {

struct SchemaType::Node {
  TypeKind kind = TypeKind::kBool;
  ExtensionType extension = ExtensionType::kIpAddr;
  bool additional_attributes = false;
  uint32_t depth = 0;
  std::string entity;                    // kEntity
  std::string common_name;               // see common_type_name()
  std::optional<SchemaType> element;     // kSet
  std::vector<AttributeDef> attributes;  // kRecord, sorted by name
};

namespace {

constexpr std::array<std::string_view, 4> kExtensionNames = {"ipaddr", "decimal", "datetime",
                                                             "duration"};

using Node = SchemaType::Node;

bool attribute_less(const AttributeDef& a, const AttributeDef& b) {
  return a.name < b.name;
}

Node node_of(TypeKind kind) {
  Node node;
  node.kind = kind;
  return node;
}

}  // namespace

std::string_view extension_type_name(ExtensionType type) {
  return kExtensionNames[static_cast<size_t>(type)];
}

std::optional<ExtensionType> parse_extension_type_name(std::string_view name) {
  for (size_t i = 0; i < kExtensionNames.size(); ++i) {
    if (kExtensionNames[i] == name) return static_cast<ExtensionType>(i);
  }
  return std::nullopt;
}

const Annotation* find_annotation(const Annotations& annotations, std::string_view key) {
  const auto it = std::lower_bound(
      annotations.begin(), annotations.end(), key,
      [](const Annotation& a, std::string_view k) { return std::string_view(a.key) < k; });
  return it != annotations.end() && it->key == key ? &*it : nullptr;
}

// Primitive and extension nodes are built once and shared by every schema.
SchemaType SchemaType::boolean() {
  static const auto node = std::make_shared<const Node>(node_of(TypeKind::kBool));
  return SchemaType(node);
}

SchemaType SchemaType::long_type() {
  static const auto node = std::make_shared<const Node>(node_of(TypeKind::kLong));
  return SchemaType(node);
}

SchemaType SchemaType::string_type() {
  static const auto node = std::make_shared<const Node>(node_of(TypeKind::kString));
  return SchemaType(node);
}

SchemaType SchemaType::extension(ExtensionType type) {
  static const std::array<std::shared_ptr<const Node>, 4> nodes = [] {
    std::array<std::shared_ptr<const Node>, 4> all;
    for (size_t i = 0; i < all.size(); ++i) {
      Node node = node_of(TypeKind::kExtension);
      node.extension = static_cast<ExtensionType>(i);
      all[i] = std::make_shared<const Node>(std::move(node));
    }
    return all;
  }();
  return SchemaType(nodes[static_cast<size_t>(type)]);
}

SchemaType SchemaType::set_of(SchemaType element) {
  Node node = node_of(TypeKind::kSet);
  node.depth = element.depth() + 1;
  node.element = std::move(element);
  return SchemaType(std::make_shared<const Node>(std::move(node)));
}

SchemaType SchemaType::record(std::vector<AttributeDef> attributes, bool additional_attributes) {
  Node node = node_of(TypeKind::kRecord);
  node.additional_attributes = additional_attributes;
  std::stable_sort(attributes.begin(), attributes.end(), attribute_less);
  // A repeated name keeps its last declaration, as a map built from the list would.
  const auto same_name = [](const AttributeDef& a, const AttributeDef& b) {
    return a.name == b.name;
  };
  attributes.erase(attributes.begin(),
                   std::unique(attributes.rbegin(), attributes.rend(), same_name).base());
  for (const AttributeDef& attribute : attributes) {
    node.depth = std::max(node.depth, attribute.type.depth() + 1);
  }
  node.attributes = std::move(attributes);
  return SchemaType(std::make_shared<const Node>(std::move(node)));
}

SchemaType SchemaType::entity(std::string name) {
  Node node = node_of(TypeKind::kEntity);
  node.entity = std::move(name);
  return SchemaType(std::make_shared<const Node>(std::move(node)));
}

TypeKind SchemaType::kind() const {
  return node_->kind;
}

const SchemaType& SchemaType::element() const {
  return node_->element ? *node_->element : *this;
}

std::span<const AttributeDef> SchemaType::attributes() const {
  return node_->attributes;
}

const AttributeDef* SchemaType::find_attribute(std::string_view name) const {
  const auto& attributes = node_->attributes;
  const auto it = std::lower_bound(
      attributes.begin(), attributes.end(), name,
      [](const AttributeDef& a, std::string_view n) { return std::string_view(a.name) < n; });
  return it != attributes.end() && it->name == name ? &*it : nullptr;
}

bool SchemaType::additional_attributes() const {
  return node_->additional_attributes;
}
const std::string& SchemaType::entity_type() const {
  return node_->entity;
}
ExtensionType SchemaType::extension_type() const {
  return node_->extension;
}
const std::string& SchemaType::common_type_name() const {
  return node_->common_name;
}
uint32_t SchemaType::depth() const {
  return node_->depth;
}

SchemaType SchemaType::named(std::string common_type_name) const {
  Node copy = *node_;  // children stay shared
  copy.common_name = std::move(common_type_name);
  return SchemaType(std::make_shared<const Node>(std::move(copy)));
}

// Inside a type, a common type is shown by name: inlining shares nodes, so expanding every
// use could print exponentially much.
std::string SchemaType::nested_text() const {
  return node_->common_name.empty() ? to_string() : node_->common_name;
}

std::string SchemaType::to_string() const {
  switch (kind()) {
    case TypeKind::kBool:
      return "Bool";
    case TypeKind::kLong:
      return "Long";
    case TypeKind::kString:
      return "String";
    case TypeKind::kEntity:
      return node_->entity;
    case TypeKind::kExtension:
      return std::string(extension_type_name(node_->extension));
    case TypeKind::kSet:
      return "Set<" + element().nested_text() + ">";
    case TypeKind::kRecord:
      break;
  }
  std::string out = "{";
  for (const AttributeDef& attribute : node_->attributes) {
    if (out.size() > 1) out += ", ";
    out += quote_cedar_string(attribute.name);
    if (!attribute.required) out += '?';
    out += ": " + attribute.type.nested_text();
  }
  return out + "}";
}

void SchemaType::for_each_entity_type(const std::function<void(const std::string&)>& visit) const {
  // Iterative, and once per node: inlined common types make a DAG that may be deep and wide.
  std::unordered_set<const Node*> seen;
  std::unordered_set<std::string_view> names;
  std::vector<const Node*> stack = {node_.get()};
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    if (!seen.insert(node).second) continue;
    if (node->kind == TypeKind::kEntity && names.insert(node->entity).second) visit(node->entity);
    if (node->element) stack.push_back(node->element->node_.get());
    for (const AttributeDef& attribute : node->attributes) {
      stack.push_back(attribute.type.node_.get());
    }
  }
}

namespace {

// Pairs of nodes already found equal. Inlined common types share nodes, so without this a
// comparison could walk the same sub-DAG exponentially often.
using EqualPairs = std::set<std::pair<const SchemaType::Node*, const SchemaType::Node*>>;

bool equal_nodes(const SchemaType::Node& x, const SchemaType::Node& y, EqualPairs& equal);

bool equal_attributes(const std::vector<AttributeDef>& x, const std::vector<AttributeDef>& y,
                      EqualPairs& equal) {
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].name != y[i].name || x[i].required != y[i].required ||
        x[i].annotations != y[i].annotations ||
        !equal_nodes(*x[i].type.node(), *y[i].type.node(), equal)) {
      return false;
    }
  }
  return true;
}

bool equal_nodes(const SchemaType::Node& x, const SchemaType::Node& y, EqualPairs& equal) {
  if (&x == &y || equal.contains({&x, &y})) return true;
  if (x.kind != y.kind) return false;
  bool same = true;
  switch (x.kind) {
    case TypeKind::kBool:
    case TypeKind::kLong:
    case TypeKind::kString:
      break;
    case TypeKind::kExtension:
      same = x.extension == y.extension;
      break;
    case TypeKind::kEntity:
      same = x.entity == y.entity;
      break;
    case TypeKind::kSet:
      same = equal_nodes(*x.element->node(), *y.element->node(), equal);
      break;
    case TypeKind::kRecord:
      same = x.additional_attributes == y.additional_attributes &&
             equal_attributes(x.attributes, y.attributes, equal);
      break;
  }
  if (same) equal.insert({&x, &y});
  return same;
}

}  // namespace

bool operator==(const SchemaType& a, const SchemaType& b) {
  EqualPairs equal;
  return equal_nodes(*a.node(), *b.node(), equal);
}

}  // namespace eksguard::cedar
