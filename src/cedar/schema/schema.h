// The Cedar schema model: an immutable, validated Schema with every name fully qualified and
// every common type inlined, exactly as Cedar 4's ValidatorSchema sees it. Both syntaxes (the
// Cedar schema text, cedar_schema_parser.h, and the JSON schema, json_schema_parser.h) produce
// it; the validator, the entity/request parser and the printer consume it.
//
// A Schema is cheap to copy (shared, immutable data) and safe to share between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/diagnostic.h"
#include "common/result.h"

namespace eksguard::cedar {

enum class ExtensionType : uint8_t { kIpAddr, kDecimal, kDatetime, kDuration };

// "ipaddr", "decimal", "datetime", "duration".
std::string_view extension_type_name(ExtensionType type);
std::optional<ExtensionType> parse_extension_type_name(std::string_view name);

// An annotation `@key("value")`; `@key` alone has the value "".
struct Annotation {
  std::string key;
  std::string value;
  friend bool operator==(const Annotation&, const Annotation&) = default;
};
// Sorted by key; keys are unique.
using Annotations = std::vector<Annotation>;
const Annotation* find_annotation(const Annotations& annotations, std::string_view key);

enum class TypeKind : uint8_t { kBool, kLong, kString, kSet, kRecord, kEntity, kExtension };

struct AttributeDef;

// A schema type: Bool | Long | String | Set<T> | Record | Entity<name> | Extension<kind>.
// Nodes are shared, so inlining a common type costs nothing however often it is used.
class SchemaType {
 public:
  static SchemaType boolean();
  static SchemaType long_type();
  static SchemaType string_type();
  static SchemaType set_of(SchemaType element);
  // Attributes in any order, kept sorted by name; of repeated names the last one counts.
  static SchemaType record(std::vector<AttributeDef> attributes,
                           bool additional_attributes = false);
  static SchemaType entity(std::string name);  // fully qualified entity type name
  static SchemaType extension(ExtensionType type);

  TypeKind kind() const;
  bool is_record() const { return kind() == TypeKind::kRecord; }

  // The element type of a Set; the type itself for any other kind.
  const SchemaType& element() const;
  // A record's attributes, sorted by name (empty for other kinds).
  std::span<const AttributeDef> attributes() const;
  const AttributeDef* find_attribute(std::string_view name) const;
  bool additional_attributes() const;
  // An entity type's fully qualified name ("" for other kinds).
  const std::string& entity_type() const;
  // Meaningful for kExtension only.
  ExtensionType extension_type() const;

  // The fully qualified common type this type was written as ("" when written out), kept so
  // printers can show `Tasks` rather than its expansion. Never part of equality.
  const std::string& common_type_name() const;
  SchemaType named(std::string common_type_name) const;

  // Nesting depth: 0 for primitives, entities and extensions.
  uint32_t depth() const;
  // Cedar schema syntax with fully qualified names, e.g. `Set<{"a": Long, "b"?: k8s::User}>`;
  // common types inside the type show by name.
  std::string to_string() const;
  // Calls `visit` once per distinct entity type name reachable from this type.
  void for_each_entity_type(const std::function<void(const std::string&)>& visit) const;

  friend bool operator==(const SchemaType& a, const SchemaType& b);

  struct Node;  // opaque; defined in schema_type.cpp
  // For the implementation (schema_type.cpp).
  const std::shared_ptr<const Node>& node() const { return node_; }

 private:
  explicit SchemaType(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::string nested_text() const;
  std::shared_ptr<const Node> node_;
};

struct AttributeDef {
  std::string name;
  SchemaType type;
  bool required = true;
  Annotations annotations;
  friend bool operator==(const AttributeDef&, const AttributeDef&) = default;
};

// The uid of an action: `NS::Action::"id"` has type "NS::Action" and id "id".
struct ActionUid {
  std::string type;
  std::string id;
  // Cedar syntax, e.g. `k8s::Action::"get"`, with the id escaped as Cedar prints strings.
  std::string to_string() const;
  friend auto operator<=>(const ActionUid&, const ActionUid&) = default;
};

struct EntityTypeDef {
  std::string name;                           // fully qualified, e.g. "k8s::User"
  std::vector<std::string> member_of_types;   // direct parent types: sorted, unique
  SchemaType shape = SchemaType::record({});  // always a record (empty for enumerated types)
  std::optional<SchemaType> tags;             // nullopt: entities of this type have no tags
  bool is_enum = false;
  std::vector<std::string> enum_choices;  // the allowed entity ids when is_enum, in order
  Annotations annotations;
  // Derived: the transitive closure of member_of_types (sorted), and its inverse. A type is its
  // own ancestor only through a cycle (`entity Album in [Album]`).
  std::vector<std::string> ancestors;
  std::vector<std::string> descendants;

  const AttributeDef* find_attribute(std::string_view attribute) const {
    return shape.find_attribute(attribute);
  }
  bool has_ancestor(std::string_view type) const;
  bool is_enum_choice(std::string_view id) const;
  friend bool operator==(const EntityTypeDef&, const EntityTypeDef&) = default;
};

struct ActionDef {
  ActionUid uid;
  std::vector<ActionUid> member_of;             // direct parent action groups: sorted, unique
  std::vector<std::string> principal_types;     // sorted, unique; empty: applies to no request
  std::vector<std::string> resource_types;      // sorted, unique
  SchemaType context = SchemaType::record({});  // always a record
  Annotations annotations;
  // Derived: every group this action is transitively in (sorted), and the actions in it.
  std::vector<ActionUid> ancestors;
  std::vector<ActionUid> descendants;

  bool applies_to(std::string_view principal_type, std::string_view resource_type) const;
  bool has_ancestor(const ActionUid& group) const;
  friend bool operator==(const ActionDef&, const ActionDef&) = default;
};

struct CommonTypeDef {
  std::string name;  // fully qualified
  SchemaType type;
  Annotations annotations;
  friend bool operator==(const CommonTypeDef&, const CommonTypeDef&) = default;
};

struct NamespaceDef {
  std::string name;  // "" for the empty namespace
  Annotations annotations;
  friend bool operator==(const NamespaceDef&, const NamespaceDef&) = default;
};

// Guards against hostile input; exceeding one is an error naming the limit.
struct SchemaLimits {
  size_t max_input_bytes = size_t{32} << 20;
  uint32_t max_nesting_depth = 128;     // types and JSON objects as written
  uint32_t max_resolved_depth = 1024;   // types after inlining common types
  size_t max_declarations = 200'000;    // entity types + actions + common types
  size_t max_closure_size = 2'000'000;  // ancestor entries over all entity types and actions
};

// What Schema::assemble() checks and indexes; the derived fields (ancestors, descendants) are
// ignored and recomputed.
struct SchemaParts {
  std::vector<NamespaceDef> namespaces;
  std::vector<EntityTypeDef> entity_types;
  std::vector<ActionDef> actions;
  std::vector<CommonTypeDef> common_types;
  Diagnostics warnings;
};

class Schema {
 public:
  Schema();  // the empty schema

  // Validates `parts` (unique names, declared references, records where records belong, an
  // acyclic action hierarchy) and computes the hierarchy closures.
  static Result<Schema, Diagnostics> assemble(SchemaParts parts, const SchemaLimits& limits = {});

  std::span<const NamespaceDef> namespaces() const;
  std::span<const EntityTypeDef> entity_types() const;  // sorted by name
  std::span<const ActionDef> actions() const;           // sorted by uid
  std::span<const CommonTypeDef> common_types() const;  // sorted by name
  // Warnings met while building (e.g. a declaration shadowing a built-in type).
  std::span<const Diagnostic> warnings() const;

  const EntityTypeDef* find_entity_type(std::string_view name) const;
  const ActionDef* find_action(std::string_view type, std::string_view id) const;
  const ActionDef* find_action(const ActionUid& uid) const { return find_action(uid.type, uid.id); }
  const CommonTypeDef* find_common_type(std::string_view name) const;

  // Whether a request (principal_type, action, resource_type) is declared by the schema.
  bool action_applies(const ActionUid& action, std::string_view principal_type,
                      std::string_view resource_type) const;
  // Whether an entity of type `type` can be `in` an entity of type `ancestor` (reflexive, as
  // `e in e` is true).
  bool entity_type_in(std::string_view type, std::string_view ancestor) const;
  // Whether `action in group` can hold (reflexive).
  bool action_in(const ActionUid& action, const ActionUid& group) const;
  const AttributeDef* attribute(std::string_view entity_type, std::string_view attribute) const;
  const SchemaType* tags_type(std::string_view entity_type) const;
  const SchemaType* context_type(const ActionUid& action) const;

  // Same namespaces (bar the empty one), entity types, actions and common types; warnings and
  // the spelling of common type references do not count.
  friend bool operator==(const Schema& a, const Schema& b);

  struct Data;  // opaque; defined in schema.cpp

 private:
  explicit Schema(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

}  // namespace eksguard::cedar
