// Reads the JSON schema syntax (json_schema_parser.h) from the document model into the
// RawSchema that schema_builder.cpp resolves. Like Cedar's serde deserializer, it stops at the
// first format error.
#include "cedar/schema/json_schema_parser.h"

#include <algorithm>
#include <initializer_list>

#include "cedar/schema/names.h"
#include "cedar/schema/raw_schema.h"
#include "doc/loader.h"

namespace eksguard::cedar {
namespace schema_internal {
namespace {

using doc::MapEntry;
using doc::Node;

Span span_at(doc::Position position, size_t length = 1) {
  return Span{position.line, position.column, static_cast<uint32_t>(length)};
}

Span key_span(const MapEntry& entry) {
  return span_at(entry.key_position, entry.key.size() + 2);
}

std::string list_fields(std::initializer_list<std::string_view> fields) {
  std::string out;
  for (std::string_view field : fields) {
    if (!out.empty()) out += ", ";
    out += backticked(field);
  }
  return out.empty() ? "no fields" : out;
}

// Which fields a type object may carry besides its own.
enum class TypeSite : uint8_t {
  kPlain,      // a Set element, an entity shape or tags, an action context
  kAttribute,  // a record attribute: "required" and "annotations" too
  kCommon,     // a common type definition: "annotations" too
};

// The fields of one type object, gathered before interpreting "type".
struct TypeFields {
  const Node* type = nullptr;
  const Node* element = nullptr;
  const Node* attributes = nullptr;
  const Node* additional_attributes = nullptr;
  const Node* name = nullptr;
};

class JsonReader {
 public:
  JsonReader(std::string_view file, const SchemaLimits& limits) : file_(file), limits_(limits) {}

  std::optional<RawSchema> read(const Node& root) {
    RawSchema schema;
    if (!require_object(root, "the schema (namespace names mapped to namespace definitions)")) {
      return std::nullopt;
    }
    for (const MapEntry& entry : root.entries()) {
      if (!read_namespace(entry, schema.namespaces.emplace_back())) return std::nullopt;
    }
    return schema;
  }

  Diagnostics take_errors() { return std::move(errors_); }

 private:
  bool fail(std::string code, std::string message, Span span) {
    errors_.push_back(make_diagnostic(std::move(code), std::move(message), file_, span.line,
                                      span.column, span.length));
    return false;
  }

  bool require_object(const Node& node, std::string_view what) {
    if (node.is_mapping()) return true;
    return fail("schema.json.expected-object", "expected " + std::string(what) + " to be an object",
                span_at(node.position()));
  }

  bool require_array(const Node& node, std::string_view what) {
    if (node.is_sequence()) return true;
    return fail("schema.json.expected-array", "expected " + std::string(what) + " to be an array",
                span_at(node.position()));
  }

  bool read_string(const Node& node, std::string_view what, std::string& out) {
    if (!node.is_string()) {
      return fail("schema.json.expected-string",
                  "expected " + std::string(what) + " to be a string", span_at(node.position()));
    }
    out = std::string(node.text());
    return true;
  }

  bool read_bool(const Node& node, std::string_view what, bool& out) {
    if (!node.is_bool()) {
      return fail("schema.json.expected-boolean",
                  "expected " + std::string(what) + " to be true or false",
                  span_at(node.position()));
    }
    out = node.is_true();
    return true;
  }

  bool check_fields(const Node& object, std::string_view what,
                    std::initializer_list<std::string_view> allowed) {
    for (const MapEntry& entry : object.entries()) {
      if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
      return fail("schema.json.unknown-field",
                  "unknown field " + backticked(entry.key) + " in " + std::string(what) +
                      "; expected " + list_fields(allowed),
                  key_span(entry));
    }
    return true;
  }

  bool missing(std::string_view field, std::string_view what, const Node& object) {
    return fail("schema.json.missing-field",
                "missing field " + backticked(field) + " in " + std::string(what),
                span_at(object.position()));
  }

  // A name as Cedar writes type references: `A::B::C`, each part an identifier.
  bool read_path(const Node& node, std::string_view what, RawName& out) {
    if (!read_string(node, what, out.text)) return false;
    out.span = span_at(node.position(), out.text.size() + 2);
    if (is_path(out.text)) return true;
    return fail("schema.json.invalid-name",
                "invalid " + std::string(what) + " " + backticked(out.text) +
                    ": expected identifiers separated by `::`",
                out.span);
  }

  bool read_paths(const Node& node, std::string_view what, std::vector<RawName>& out) {
    if (!require_array(node, what)) return false;
    for (const Node* item : node.items()) {
      if (!read_path(*item, what, out.emplace_back())) return false;
    }
    return true;
  }

  // {"<key>": "<value>" | null}; keys are identifiers (keywords allowed).
  bool read_annotations(const Node& node, Annotations& out) {
    if (!require_object(node, "`annotations`")) return false;
    for (const MapEntry& entry : node.entries()) {
      if (!is_any_identifier(entry.key)) {
        return fail("schema.json.invalid-name",
                    "invalid annotation key " + backticked(entry.key) + ": expected an identifier",
                    key_span(entry));
      }
      Annotation annotation{std::string(entry.key), ""};
      if (!entry.value->is_null() &&
          !read_string(*entry.value, "an annotation value", annotation.value)) {
        return false;
      }
      out.push_back(std::move(annotation));
    }
    std::sort(out.begin(), out.end(),
              [](const Annotation& a, const Annotation& b) { return a.key < b.key; });
    return true;
  }

  // ---- Namespaces -----------------------------------------------------------------------------

  bool read_namespace(const MapEntry& entry, RawNamespace& ns) {
    ns.name = std::string(entry.key);
    ns.span = key_span(entry);
    if (!ns.name.empty() && !is_path(ns.name)) {
      return fail(
          "schema.json.invalid-name",
          "invalid namespace " + backticked(ns.name) + ": expected identifiers separated by `::`",
          ns.span);
    }
    const Node& body = *entry.value;
    const std::string what = "namespace " + backticked(ns.name);
    if (!require_object(body, what) ||
        !check_fields(body, what, {"commonTypes", "entityTypes", "actions", "annotations"})) {
      return false;
    }
    if (const Node* annotations = body.get("annotations")) {
      if (ns.name.empty()) {
        return fail("schema.json.empty-namespace-annotations",
                    "annotations are not allowed on the empty namespace",
                    span_at(annotations->position()));
      }
      if (!read_annotations(*annotations, ns.annotations)) return false;
    }
    const Node* entity_types = body.get("entityTypes");
    const Node* actions = body.get("actions");
    if (entity_types == nullptr) return missing("entityTypes", what, body);
    if (actions == nullptr) return missing("actions", what, body);
    const Node* common_types = body.get("commonTypes");
    return (common_types == nullptr || read_common_types(*common_types, ns)) &&
           read_entity_types(*entity_types, ns) && read_actions(*actions, ns);
  }

  bool read_common_types(const Node& node, RawNamespace& ns) {
    if (!require_object(node, "`commonTypes`")) return false;
    for (const MapEntry& entry : node.entries()) {
      RawCommonType& common = ns.common_types.emplace_back();
      common.name = std::string(entry.key);
      common.span = key_span(entry);
      if (!is_identifier(common.name)) {
        return fail(
            "schema.json.invalid-name",
            "invalid common type name " + backticked(common.name) + ": expected an identifier",
            common.span);
      }
      if (!read_type(*entry.value, 0, TypeSite::kCommon, common.type, nullptr,
                     &common.annotations)) {
        return false;
      }
    }
    return true;
  }

  // ---- Entity types ---------------------------------------------------------------------------

  bool read_entity_types(const Node& node, RawNamespace& ns) {
    if (!require_object(node, "`entityTypes`")) return false;
    for (const MapEntry& entry : node.entries()) {
      RawEntityType& entity = ns.entity_types.emplace_back();
      entity.name = std::string(entry.key);
      entity.span = key_span(entry);
      if (!is_identifier(entity.name)) {
        return fail(
            "schema.json.invalid-name",
            "invalid entity type name " + backticked(entity.name) + ": expected an identifier",
            entity.span);
      }
      if (!read_entity_type(*entry.value, entity)) return false;
    }
    return true;
  }

  bool read_entity_type(const Node& node, RawEntityType& entity) {
    const std::string what = "entity type " + backticked(entity.name);
    if (!require_object(node, what) ||
        !check_fields(node, what, {"memberOfTypes", "shape", "tags", "enum", "annotations"})) {
      return false;
    }
    if (const Node* annotations = node.get("annotations")) {
      if (!read_annotations(*annotations, entity.annotations)) return false;
    }
    if (const Node* choices = node.get("enum")) return read_enum(node, *choices, what, entity);
    if (const Node* parents = node.get("memberOfTypes")) {
      if (!read_paths(*parents, "`memberOfTypes` entry", entity.member_of)) return false;
    }
    if (const Node* shape = node.get("shape")) {
      if (!read_type(*shape, 0, TypeSite::kPlain, entity.shape.emplace())) return false;
    }
    if (const Node* tags = node.get("tags")) {
      if (!read_type(*tags, 0, TypeSite::kPlain, entity.tags.emplace())) return false;
    }
    return true;
  }

  // With "enum" the entity type is enumerated and takes no parents, shape or tags.
  bool read_enum(const Node& node, const Node& choices, const std::string& what,
                 RawEntityType& entity) {
    for (std::string_view field : {"memberOfTypes", "shape", "tags"}) {
      if (const MapEntry* extra = node.find_entry(field)) {
        return fail("schema.json.unexpected-field",
                    "enumerated " + what + " cannot have " + backticked(field), key_span(*extra));
      }
    }
    if (!require_array(choices, "`enum`")) return false;
    if (choices.items().empty()) {
      return fail("schema.json.empty-enum", "`enum` of " + what + " needs at least one choice",
                  span_at(choices.position()));
    }
    std::vector<std::string>& out = entity.enum_choices.emplace();
    for (const Node* choice : choices.items()) {
      if (!read_string(*choice, "an `enum` choice", out.emplace_back())) return false;
    }
    return true;
  }

  // ---- Actions --------------------------------------------------------------------------------

  bool read_actions(const Node& node, RawNamespace& ns) {
    if (!require_object(node, "`actions`")) return false;
    for (const MapEntry& entry : node.entries()) {
      RawAction& action = ns.actions.emplace_back();
      action.name = std::string(entry.key);
      action.span = key_span(entry);
      if (!read_action(*entry.value, action)) return false;
    }
    return true;
  }

  bool read_action(const Node& node, RawAction& action) {
    const std::string what = "action " + quote_cedar_string(action.name);
    if (!require_object(node, what) ||
        !check_fields(node, what, {"attributes", "appliesTo", "memberOf", "annotations"})) {
      return false;
    }
    if (const MapEntry* attributes = node.find_entry("attributes")) {
      if (!attributes->value->is_null()) action.attributes = key_span(*attributes);
    }
    if (const Node* annotations = node.get("annotations")) {
      if (!read_annotations(*annotations, action.annotations)) return false;
    }
    const Node* applies_to = node.get("appliesTo");
    if (applies_to != nullptr && !applies_to->is_null() && !read_applies_to(*applies_to, action)) {
      return false;
    }
    const Node* member_of = node.get("memberOf");
    return member_of == nullptr || member_of->is_null() || read_member_of(*member_of, action);
  }

  bool read_applies_to(const Node& node, RawAction& action) {
    const std::string what = "`appliesTo` of action " + quote_cedar_string(action.name);
    if (!require_object(node, what) ||
        !check_fields(node, what, {"resourceTypes", "principalTypes", "context"})) {
      return false;
    }
    const Node* principals = node.get("principalTypes");
    const Node* resources = node.get("resourceTypes");
    if (resources == nullptr) return missing("resourceTypes", what, node);
    if (principals == nullptr) return missing("principalTypes", what, node);
    if (!read_paths(*resources, "`resourceTypes` entry", action.resource_types) ||
        !read_paths(*principals, "`principalTypes` entry", action.principal_types)) {
      return false;
    }
    const Node* context = node.get("context");
    return context == nullptr || read_type(*context, 0, TypeSite::kPlain, action.context.emplace());
  }

  // [{"id": "<id>", "type"?: "<path>"}]; no type means `Action`.
  bool read_member_of(const Node& node, RawAction& action) {
    if (!require_array(node, "`memberOf`")) return false;
    for (const Node* item : node.items()) {
      RawActionRef& parent = action.member_of.emplace_back();
      parent.span = span_at(item->position());
      if (!require_object(*item, "a `memberOf` entry") ||
          !check_fields(*item, "a `memberOf` entry", {"id", "type"})) {
        return false;
      }
      const Node* id = item->get("id");
      if (id == nullptr) return missing("id", "a `memberOf` entry", *item);
      if (!read_string(*id, "`id`", parent.id)) return false;
      const Node* type = item->get("type");
      if (type != nullptr && !type->is_null()) {
        RawName path;
        if (!read_path(*type, "action type", path)) return false;
        parent.type = std::move(path.text);
      }
    }
    return true;
  }

  // ---- Types ----------------------------------------------------------------------------------

  bool gather_type_fields(const Node& node, TypeSite site, TypeFields& fields, bool* required,
                          Annotations* annotations) {
    for (const MapEntry& entry : node.entries()) {
      const Node* value = entry.value;
      if (entry.key == "type") {
        fields.type = value;
        continue;
      }
      if (entry.key == "required" && site == TypeSite::kAttribute) {
        if (!read_bool(*value, "`required`", *required)) return false;
        continue;
      }
      if (entry.key == "annotations" && site != TypeSite::kPlain) {
        if (!read_annotations(*value, *annotations)) return false;
        continue;
      }
      const Node** slot = entry.key == "element"                ? &fields.element
                          : entry.key == "attributes"           ? &fields.attributes
                          : entry.key == "additionalAttributes" ? &fields.additional_attributes
                          : entry.key == "name"                 ? &fields.name
                                                                : nullptr;
      if (slot == nullptr) {
        return fail("schema.json.unknown-field",
                    "unknown field " + backticked(entry.key) + " in a type", key_span(entry));
      }
      *slot = value;
    }
    return true;
  }

  // Only `allowed` of the type-specific fields may appear with this "type".
  bool only_fields(const Node& node, std::string_view type,
                   std::initializer_list<std::string_view> allowed) {
    for (std::string_view field : {"element", "attributes", "additionalAttributes", "name"}) {
      if (std::find(allowed.begin(), allowed.end(), field) != allowed.end()) continue;
      if (const MapEntry* extra = node.find_entry(field)) {
        return fail("schema.json.unknown-field",
                    "unknown field " + backticked(field) + " for type " + backticked(type) +
                        "; expected " + list_fields(allowed),
                    key_span(*extra));
      }
    }
    return true;
  }

  bool read_type(const Node& node, uint32_t depth, TypeSite site, RawType& out,
                 bool* required = nullptr, Annotations* annotations = nullptr) {
    if (!require_object(node, "a type")) return false;
    if (depth >= limits_.max_nesting_depth) {
      return fail("schema.limit.nesting",
                  "types nest deeper than " + std::to_string(limits_.max_nesting_depth) + " levels",
                  span_at(node.position()));
    }
    TypeFields fields;
    if (!gather_type_fields(node, site, fields, required, annotations)) return false;
    if (fields.type == nullptr) return missing("type", "a type", node);
    std::string type;
    if (!read_string(*fields.type, "`type`", type)) return false;
    out.span = span_at(fields.type->position(), type.size() + 2);
    return read_type_body(node, type, fields, depth, out);
  }

  bool read_type_body(const Node& node, const std::string& type, const TypeFields& fields,
                      uint32_t depth, RawType& out) {
    if (type == "String" || type == "Long" || type == "Boolean") {
      out.kind = type == "String" ? RawTypeKind::kString
                 : type == "Long" ? RawTypeKind::kLong
                                  : RawTypeKind::kBool;
      return only_fields(node, type, {});
    }
    if (type == "Set") {
      if (!only_fields(node, type, {"element"})) return false;
      if (fields.element == nullptr) return missing("element", "a `Set` type", node);
      out.kind = RawTypeKind::kSet;
      auto element = std::make_shared<RawType>();
      if (!read_type(*fields.element, depth + 1, TypeSite::kPlain, *element)) return false;
      out.element = std::move(element);
      return true;
    }
    if (type == "Record") return read_record(node, fields, depth, out);
    if (type == "Entity" || type == "EntityOrCommon" || type == "Extension") {
      return read_named_type(node, type, fields, out);
    }
    // Any other "type" names a common type.
    if (!only_fields(node, type, {})) return false;
    out.kind = RawTypeKind::kCommon;
    out.name = type;
    if (is_path(type)) return true;
    return fail(
        "schema.json.invalid-name",
        "invalid common type " + backticked(type) + ": expected identifiers separated by `::`",
        out.span);
  }

  bool read_named_type(const Node& node, const std::string& type, const TypeFields& fields,
                       RawType& out) {
    if (!only_fields(node, type, {"name"})) return false;
    if (fields.name == nullptr) return missing("name", "a type " + backticked(type), node);
    if (!read_string(*fields.name, "`name`", out.name)) return false;
    out.span = span_at(fields.name->position(), out.name.size() + 2);
    if (type == "Extension") {
      out.kind = RawTypeKind::kExtension;
      if (is_identifier(out.name) && out.name != kCedarNamespace) return true;
    } else {
      out.kind = type == "Entity" ? RawTypeKind::kEntity : RawTypeKind::kEntityOrCommon;
      if (is_path(out.name)) return true;
    }
    return fail("schema.json.invalid-name", "invalid type name " + backticked(out.name), out.span);
  }

  bool read_record(const Node& node, const TypeFields& fields, uint32_t depth, RawType& out) {
    if (!only_fields(node, "Record", {"attributes", "additionalAttributes"})) return false;
    if (fields.attributes == nullptr) return missing("attributes", "a `Record` type", node);
    out.kind = RawTypeKind::kRecord;
    if (fields.additional_attributes != nullptr &&
        !read_bool(*fields.additional_attributes, "`additionalAttributes`",
                   out.additional_attributes)) {
      return false;
    }
    if (!require_object(*fields.attributes, "`attributes`")) return false;
    for (const MapEntry& entry : fields.attributes->entries()) {
      RawAttribute& attribute = out.attributes.emplace_back();
      attribute.name = std::string(entry.key);
      attribute.span = key_span(entry);
      if (!read_type(*entry.value, depth + 1, TypeSite::kAttribute, attribute.type,
                     &attribute.required, &attribute.annotations)) {
        return false;
      }
    }
    return true;
  }

  std::string file_;
  const SchemaLimits& limits_;
  Diagnostics errors_;
};

doc::Position position_of(std::string_view text, size_t offset) {
  doc::Position position{1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

Unexpected<Diagnostics> fail_with(Diagnostic diagnostic) {
  return Unexpected<Diagnostics>(Diagnostics{std::move(diagnostic)});
}

}  // namespace

Result<RawSchema, Diagnostics> parse_json_schema_raw(std::string_view text, std::string_view file,
                                                     const SchemaLimits& limits) {
  if (text.size() > limits.max_input_bytes) {
    return fail_with(make_diagnostic(
        "schema.limit.size",
        "the schema is larger than " + std::to_string(limits.max_input_bytes) + " bytes", file, 0,
        0, 0));
  }
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{') {
    const doc::Position at = position_of(text, first == std::string_view::npos ? 0 : first);
    return fail_with(make_diagnostic("schema.json.expected-object",
                                     "a JSON schema must be a JSON object", file, at.line,
                                     at.column));
  }
  doc::Limits doc_limits;
  doc_limits.max_input_bytes = limits.max_input_bytes;
  doc_limits.max_depth = std::max<size_t>(doc_limits.max_depth, 4 * limits.max_nesting_depth + 8);
  doc_limits.reject_duplicate_keys = true;  // Cedar refuses a key given twice anywhere
  auto documents = doc::load_all(text, file, doc_limits);
  if (!documents) {
    const Error& error = documents.error();
    const bool duplicate = error.code == doc::kDuplicateKeyCode;
    return fail_with(make_diagnostic(duplicate ? "schema.json.duplicate-key" : "schema.json.syntax",
                                     error.message, file, error.line, error.column));
  }
  if (documents->size() != 1 || documents->front().root() == nullptr) {
    return fail_with(
        make_diagnostic("schema.json.syntax", "expected exactly one JSON value", file, 1, 1));
  }
  JsonReader reader(file, limits);
  std::optional<RawSchema> raw = reader.read(*documents->front().root());
  if (!raw) return Unexpected<Diagnostics>(reader.take_errors());
  return std::move(*raw);
}

}  // namespace schema_internal

Result<Schema, Diagnostics> json_schema_from_node(const doc::Node& root, std::string_view file,
                                                  const SchemaLimits& limits) {
  schema_internal::JsonReader reader(file, limits);
  std::optional<schema_internal::RawSchema> raw = reader.read(root);
  if (!raw) return Unexpected<Diagnostics>(reader.take_errors());
  return schema_internal::build_schema(*raw, file, limits);
}

Result<Schema, Diagnostics> parse_json_schema(std::string_view text, std::string_view file,
                                              const SchemaLimits& limits) {
  auto raw = schema_internal::parse_json_schema_raw(text, file, limits);
  if (!raw) return Unexpected<Diagnostics>(std::move(raw.error()));
  return schema_internal::build_schema(*raw, file, limits);
}

}  // namespace eksguard::cedar
