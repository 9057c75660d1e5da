// The schema as written, before name resolution: what both syntaxes parse into (Cedar's
// json_schema::Fragment<RawName>), and the builder that turns it into a Schema. Internal to
// src/cedar/schema.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/diagnostic.h"
#include "cedar/schema/schema.h"
#include "common/result.h"

namespace eksguard::cedar::schema_internal {

// Where something is written: 1-based line, byte column and byte length (0 when unknown), and
// in which of the fragments being merged (an index into the file names build_schema gets).
struct Span {
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t length = 0;
  uint32_t source = 0;
};

enum class RawTypeKind : uint8_t {
  kBool,
  kLong,
  kString,
  kSet,
  kRecord,
  kEntity,          // must name an entity type (JSON "Entity")
  kEntityOrCommon,  // a common type if one is declared under the name, else an entity type
  kCommon,          // must name a common type (JSON `{"type": "Name"}`, Cedar `context: Name`)
  kExtension,       // JSON "Extension"; the name is checked against the known extensions
};

struct RawAttribute;

struct RawType {
  RawTypeKind kind = RawTypeKind::kBool;
  std::string name;                        // as written, for references and extensions
  std::shared_ptr<const RawType> element;  // kSet (shared: `entity A, B = {...}` copies types)
  std::vector<RawAttribute> attributes;    // kRecord: unique names
  bool additional_attributes = false;      // kRecord (JSON only)
  Span span;
};

struct RawAttribute {
  std::string name;
  RawType type;
  bool required = true;
  Annotations annotations;
  Span span;
};

struct RawName {
  std::string text;  // a path as written, maybe unqualified
  Span span;
};

struct RawEntityType {
  std::string name;
  Span span;
  std::vector<RawName> member_of;
  std::optional<RawType> shape;  // nullopt: the empty record
  std::optional<RawType> tags;
  std::optional<std::vector<std::string>> enum_choices;
  Annotations annotations;
};

struct RawActionRef {
  std::optional<std::string> type;  // nullopt: `Action`
  std::string id;
  Span span;
};

struct RawAction {
  std::string name;
  Span span;
  std::vector<RawActionRef> member_of;
  std::vector<RawName> principal_types;
  std::vector<RawName> resource_types;
  std::optional<RawType> context;  // nullopt: the empty record
  std::optional<Span> attributes;  // JSON "attributes" (action attributes are unsupported)
  Annotations annotations;
};

struct RawCommonType {
  std::string name;
  Span span;
  RawType type;
  Annotations annotations;
};

struct RawNamespace {
  std::string name;  // "" for the empty namespace
  Span span;
  Annotations annotations;
  std::vector<RawEntityType> entity_types;
  std::vector<RawAction> actions;
  std::vector<RawCommonType> common_types;
};

struct RawSchema {
  std::vector<RawNamespace> namespaces;
  Diagnostics warnings;  // from parsing, passed on to the Schema
  // Cedar warns about declarations shadowing built-in types only for the Cedar syntax.
  bool warn_on_shadowing = false;
};

// Resolves every name and common type and validates the result as Cedar's
// ValidatorSchema::from_schema_fragments does. Diagnostics name `file`.
Result<Schema, Diagnostics> build_schema(const RawSchema& raw, std::string_view file,
                                         const SchemaLimits& limits);
// The same for merged fragments: a diagnostic names files[span.source].
Result<Schema, Diagnostics> build_schema(const RawSchema& raw,
                                         const std::vector<std::string>& files,
                                         const SchemaLimits& limits);

// The syntaxes as written, before resolution (the first steps of parse_cedar_schema and
// parse_json_schema).
Result<RawSchema, Diagnostics> parse_cedar_schema_raw(std::string_view text, std::string_view file,
                                                      const SchemaLimits& limits);
Result<RawSchema, Diagnostics> parse_json_schema_raw(std::string_view text, std::string_view file,
                                                     const SchemaLimits& limits);

// Cedar's merge of schema fragments: `fragments[i]`'s spans get source i; a namespace declared
// by several fragments becomes one, so a name declared twice is reported as a duplicate. A
// namespace repeated inside one fragment stays repeated (and is reported as such).
RawSchema merge_raw_schemas(std::vector<RawSchema> fragments);

}  // namespace eksguard::cedar::schema_internal
