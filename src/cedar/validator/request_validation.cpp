// Request validation (Cedar's RequestSchema::validate_request) and the value conformance check
// it uses for the context.
#include <fmt/format.h>

#include <algorithm>

#include "cedar/validator/types.h"
#include "cedar/validator/validator.h"

namespace eksguard::cedar {
namespace {

bool mismatch(std::string* why, const Value& value, const SchemaType& type) {
  if (why != nullptr) {
    *why = fmt::format("value `{}` does not have the type `{}`", to_cedar_string(value),
                       type.to_string());
  }
  return false;
}

bool record_conforms(const Value& value, const SchemaType& type, std::string* why) {
  for (const RecordEntry& entry : value.record_entries()) {
    const AttributeDef* attribute = type.find_attribute(entry.key);
    if (attribute == nullptr) {
      if (type.additional_attributes()) continue;
      if (why != nullptr) {
        *why = fmt::format("attribute `{}` is not declared in `{}`", entry.key, type.to_string());
      }
      return false;
    }
    if (!value_conforms(entry.value, attribute->type, why)) return false;
  }
  for (const AttributeDef& attribute : type.attributes()) {
    if (attribute.required && value.find(attribute.name) == nullptr) {
      if (why != nullptr) *why = fmt::format("required attribute `{}` is missing", attribute.name);
      return false;
    }
  }
  return true;
}

void add(std::vector<Diagnostic>& out, std::string code, std::string message) {
  out.push_back(make_diagnostic(std::move(code), std::move(message), "", 0, 0, 0));
}

// A principal or resource: its type is declared, listed by the action, and for an enumerated
// type the id is one of the declared ones.
void check_entity(const Schema& schema, const ActionDef& action, std::string_view role,
                  const EntityUid& uid, const std::vector<std::string>& allowed,
                  std::vector<Diagnostic>& out) {
  const EntityTypeDef* type = schema.find_entity_type(uid.type);
  if (type == nullptr) {
    add(out, fmt::format("request.undeclared-{}-type", role),
        fmt::format("{} type `{}` is not declared in the schema", role, uid.type));
    return;
  }
  if (type->is_enum && !type->is_enum_choice(uid.id)) {
    add(out, "request.invalid-enum-entity",
        fmt::format("entity `{}` is of an enumerated entity type, but `{}` is not declared as a "
                    "valid eid",
                    to_cedar_string(uid), quote_string(uid.id)));
  }
  if (!std::binary_search(allowed.begin(), allowed.end(), uid.type)) {
    add(out, fmt::format("request.invalid-{}-type", role),
        fmt::format("{} type `{}` is not valid for `{}`", role, uid.type, action.uid.to_string()));
  }
}

}  // namespace

bool value_conforms(const Value& value, const SchemaType& type, std::string* why) {
  switch (type.kind()) {
    case TypeKind::kBool:
      return value.is_bool() || mismatch(why, value, type);
    case TypeKind::kLong:
      return value.is_long() || mismatch(why, value, type);
    case TypeKind::kString:
      return value.is_string() || mismatch(why, value, type);
    case TypeKind::kEntity:
      return (value.is_entity() && value.as_entity().type == type.entity_type()) ||
             mismatch(why, value, type);
    case TypeKind::kExtension:
      return (value.is_extension() && validation::extension_type_of(value.as_extension().kind()) ==
                                          type.extension_type()) ||
             mismatch(why, value, type);
    case TypeKind::kSet:
      if (!value.is_set()) return mismatch(why, value, type);
      return std::all_of(
          value.set_items().begin(), value.set_items().end(),
          [&](const Value& item) { return value_conforms(item, type.element(), why); });
    case TypeKind::kRecord:
      if (!value.is_record()) return mismatch(why, value, type);
      return record_conforms(value, type, why);
  }
  return false;
}

std::vector<Diagnostic> validate_request_entities(const Schema& schema, const EntityUid& principal,
                                                  const EntityUid& action,
                                                  const EntityUid& resource) {
  std::vector<Diagnostic> out;
  const ActionDef* declared = schema.find_action(action.type, action.id);
  if (declared == nullptr) {
    add(out, "request.undeclared-action",
        fmt::format("request's action `{}` is not declared in the schema",
                    to_cedar_string(action)));
    return out;
  }
  check_entity(schema, *declared, "principal", principal, declared->principal_types, out);
  check_entity(schema, *declared, "resource", resource, declared->resource_types, out);
  return out;
}

std::vector<Diagnostic> validate_request(const Schema& schema, const EntityUid& principal,
                                         const EntityUid& action, const EntityUid& resource,
                                         const Value& context) {
  std::vector<Diagnostic> out = validate_request_entities(schema, principal, action, resource);
  const ActionDef* declared = schema.find_action(action.type, action.id);
  if (declared == nullptr) return out;
  std::string why;
  if (!value_conforms(context, declared->context, &why)) {
    add(out, "request.invalid-context",
        fmt::format("context `{}` is not valid for `{}`: {}", to_cedar_string(context),
                    declared->uid.to_string(), why));
  }
  return out;
}

}  // namespace eksguard::cedar
