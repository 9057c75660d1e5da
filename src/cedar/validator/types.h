// The validator's type language, as Cedar 4's typechecker sees it (cedar-policy-core
// validator/types.rs): the bottom type Never, the singleton booleans True and False, Bool, Long,
// String, Set<T>, records (attributes required or optional, open or closed), entity types,
// action entity types, the "any entity" type and the extension types.
//
// Only strict validation is implemented, so an entity type is always a single named type: in
// strict mode the least upper bound of two different entity types does not exist.
//
// Types are small values; sets and records share their parts, so copying a type never copies
// a record's attributes. Names are views into the Schema or the policy text, which outlive a
// validation run.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cedar/schema/schema.h"
#include "cedar/value.h"

namespace eksguard::cedar::validation {

enum class Kind : uint8_t {
  kNever,  // bottom: a subtype of every type
  kTrue,   // the singleton type of `true`
  kFalse,  // the singleton type of `false`
  kBool,
  kLong,
  kString,
  kSet,  // element() may be null: "any set" (only as an expected type)
  kRecord,
  kEntity,     // a named, non-action entity type
  kAction,     // an action entity type (`Action`, `NS::Action`); actions have no attributes
  kAnyEntity,  // any entity (only as an expected type, or for an unlinked template slot)
  kExtension,
};

struct AttrType;

class Type {
 public:
  Type() = default;  // Never

  static Type never() { return Type(Kind::kNever); }
  static Type singleton(bool value) { return Type(value ? Kind::kTrue : Kind::kFalse); }
  static Type boolean() { return Type(Kind::kBool); }
  static Type long_type() { return Type(Kind::kLong); }
  static Type string_type() { return Type(Kind::kString); }
  static Type set_of(Type element);
  static Type any_set() { return Type(Kind::kSet); }
  // `attributes` sorted by name, names unique.
  static Type record(std::vector<AttrType> attributes, bool open);
  static Type any_record();  // defined below AttrType, which must be complete here
  static Type entity(std::string_view name);
  static Type action(std::string_view name);
  static Type any_entity() { return Type(Kind::kAnyEntity); }
  static Type extension(ExtensionType type);

  Kind kind() const { return kind_; }
  bool is(Kind kind) const { return kind_ == kind; }
  bool is_singleton() const { return kind_ == Kind::kTrue || kind_ == Kind::kFalse; }
  bool is_entity_like() const {
    return kind_ == Kind::kEntity || kind_ == Kind::kAction || kind_ == Kind::kAnyEntity;
  }
  // Set element type; nullptr for "any set".
  const Type* element() const { return element_.get(); }
  std::span<const AttrType> attributes() const;
  const AttrType* find_attribute(std::string_view name) const;
  bool open() const { return open_; }
  // Entity or action type name.
  std::string_view name() const { return name_; }
  ExtensionType extension_type() const { return extension_; }

  // Cedar's rendering in messages: `Long`, `Set<String>`, `{a: Long, b?: Bool}`, `User`.
  std::string to_string() const;

  friend bool operator==(const Type& a, const Type& b);

 private:
  explicit Type(Kind kind) : kind_(kind) {}

  Kind kind_ = Kind::kNever;
  bool open_ = false;
  ExtensionType extension_ = ExtensionType::kIpAddr;
  std::string_view name_;
  std::shared_ptr<const Type> element_;
  std::shared_ptr<const std::vector<AttrType>> attributes_;
};

struct AttrType {
  std::string_view name;
  Type type;
  bool required = true;
  friend bool operator==(const AttrType&, const AttrType&) = default;
};

inline Type Type::any_record() {
  return record({}, true);
}

// The schema's name for the kind of an extension value.
ExtensionType extension_type_of(ExtensionKind kind);

// Why two types have no least upper bound (Cedar's LubHelp), for the message.
enum class LubHelp : uint8_t {
  kNone,
  kAttributeQualifier,
  kRecordWidth,
  kEntityType,
  kEntityRecord
};
std::string_view lub_help_text(LubHelp help);

// Schema lookups the type algebra needs, with the conversion of schema types cached per schema
// node (a schema shares nodes between every use of a common type, so this is cheap).
class TypeContext {
 public:
  explicit TypeContext(const Schema& schema) : schema_(schema) {}
  TypeContext(const TypeContext&) = delete;
  TypeContext& operator=(const TypeContext&) = delete;

  const Schema& schema() const { return schema_; }
  Type convert(const SchemaType& type);
  // The attributes of an entity type as a record type (closed unless the schema declares
  // additional attributes); an open empty record for a type the schema does not declare.
  const Type& entity_attributes(std::string_view entity_type);
  // Whether an entity of this type may carry attributes the schema does not list.
  bool entity_open(std::string_view entity_type);

 private:
  const Schema& schema_;
  std::unordered_map<const void*, Type> converted_;
  std::unordered_map<std::string_view, Type> entity_records_;
};

enum class Mode : uint8_t { kStrict, kPermissive };

bool is_subtype(const Type& sub, const Type& super, Mode mode);
// The least upper bound in strict mode, or why there is none.
std::optional<Type> least_upper_bound(const Type& a, const Type& b, LubHelp* help = nullptr);

// Whether no value inhabits both types (only ever true for distinct entity types).
bool are_disjoint(const Type& a, const Type& b);

// An attribute's type when the type is known to declare it (required or optional).
std::optional<AttrType> lookup_attribute(TypeContext& context, const Type& type,
                                         std::string_view attribute);
// Whether a value of this type may have the attribute at all.
bool may_have_attribute(TypeContext& context, const Type& type, std::string_view attribute);
// The attribute names a type is known to have (for suggestions).
std::vector<std::string_view> known_attributes(TypeContext& context, const Type& type);

}  // namespace eksguard::cedar::validation
