#include "cedar/value_json.h"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "cedar/extension_functions.h"
#include "cedar/internal/names.h"

namespace eksguard::cedar {
namespace {

Unexpected<Error> fail_at(const doc::Node& node, std::string message) {
  return fail(std::move(message), node.position().line, node.position().column);
}

// Integers keep their exact spelling in the document model, so i64 values beyond 2^53 are exact.
Result<Value> long_from_json(const doc::Node& node) {
  const std::string_view text = node.text();
  int64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && end == text.data() + text.size()) return Value::from_long(number);
  if (text.find_first_of(".eE") != std::string_view::npos) {
    return fail_at(
        node, fmt::format("`{}` is not an integer; Cedar has no floating-point numbers", text));
  }
  return fail_at(node, fmt::format("`{}` is out of range for a Cedar long (64-bit integer)", text));
}

Result<std::string_view> string_member(const doc::Node& object, std::string_view key,
                                       std::string_view what) {
  const doc::Node* member = object.get(key);
  if (member == nullptr) {
    return fail_at(object, fmt::format("{} is missing the `{}` field", what, key));
  }
  if (!member->is_string()) {
    return fail_at(*member, fmt::format("`{}` of {} must be a string, not {}", key, what,
                                        doc::describe(member->kind(), /*json_terms=*/true)));
  }
  return member->text();
}

Status only_keys(const doc::Node& object, std::initializer_list<std::string_view> allowed,
                 std::string_view what) {
  for (const doc::MapEntry& entry : object.entries()) {
    bool known = false;
    for (std::string_view key : allowed) known = known || key == entry.key;
    if (!known) {
      return fail(fmt::format("unexpected field `{}` in {}", entry.key, what),
                  entry.key_position.line, entry.key_position.column);
    }
  }
  return Ok{};
}

// {"type": ..., "id": ...}; `what` names the object in messages.
Result<const EntityUid*> type_and_id(const doc::Node& object, Arena& arena, std::string_view what) {
  if (!object.is_mapping()) {
    return fail_at(object, fmt::format("{} must be an object with `type` and `id`, not {}", what,
                                       doc::describe(object.kind(), /*json_terms=*/true)));
  }
  if (auto keys = only_keys(object, {"type", "id"}, what); !keys) return Unexpected(keys.error());
  auto type = string_member(object, "type", what);
  if (!type) return Unexpected(type.error());
  auto id = string_member(object, "id", what);
  if (!id) return Unexpected(id.error());
  if (!internal::is_valid_entity_type_name(*type)) {
    return fail_at(*object.get("type"), fmt::format("`{}` is not a valid entity type", *type));
  }
  return make_uid(arena, *type, *id);
}

Result<Value> object_from_json(const doc::Node& node, Arena& arena);

Result<Value> extension_from_json(const doc::Node& escape, Arena& arena) {
  constexpr std::string_view kWhat = "an `__extn` escape";
  if (!escape.is_mapping()) {
    return fail_at(escape, "`__extn` must be an object with `fn` and `arg` or `args`");
  }
  if (auto keys = only_keys(escape, {"fn", "arg", "args"}, kWhat); !keys) {
    return Unexpected(keys.error());
  }
  auto name = string_member(escape, "fn", kWhat);
  if (!name) return Unexpected(name.error());
  const ExtensionFunction* function = find_extension_function(*name);
  if (function == nullptr) {
    return fail_at(escape, fmt::format("`{}` is not an extension function", *name));
  }
  const doc::Node* arg = escape.get("arg");
  const doc::Node* args = escape.get("args");
  if ((arg == nullptr) == (args == nullptr)) {
    return fail_at(escape, "`__extn` needs exactly one of `arg` and `args`");
  }
  std::vector<Value> values;
  if (arg != nullptr) {
    auto value = value_from_json(*arg, arena);
    if (!value) return value;
    values.push_back(*value);
  } else {
    if (!args->is_sequence()) return fail_at(*args, "`args` of `__extn` must be an array");
    for (const doc::Node* item : args->items()) {
      auto value = value_from_json(*item, arena);
      if (!value) return value;
      values.push_back(*value);
    }
  }
  Value result;
  ExtensionCallError call_error;
  if (!call_extension_function(*function, values, arena, result, call_error)) {
    return fail_at(escape, call_error.message);
  }
  return result;
}

Result<Value> object_from_json(const doc::Node& node, Arena& arena) {
  if (const doc::Node* entity = node.get("__entity")) {
    if (node.size() != 1) return fail_at(node, "an `__entity` escape must be the only field");
    auto uid = type_and_id(*entity, arena, "`__entity`");
    if (!uid) return Unexpected(uid.error());
    return Value::from_entity(*uid);
  }
  if (const doc::Node* extension = node.get("__extn")) {
    if (node.size() != 1) return fail_at(node, "an `__extn` escape must be the only field");
    return extension_from_json(*extension, arena);
  }
  if (node.get("__expr") != nullptr) {
    return fail_at(node, "the `__expr` escape is no longer supported; use `__entity` or `__extn`");
  }
  return record_from_json(node, arena);
}

std::string_view json_type(const doc::Node& node) {
  switch (node.kind()) {
    case doc::NodeKind::kBool:
      return "bool";
    case doc::NodeKind::kNumber:
      return "long";
    case doc::NodeKind::kString:
      return "string";
    case doc::NodeKind::kSequence:
      return "set";
    case doc::NodeKind::kMapping:
      if (node.get("__entity") != nullptr) return "entity";
      if (node.get("__extn") != nullptr) return "extension value";
      return "record";
    case doc::NodeKind::kNull:
      break;
  }
  return "null";
}

Unexpected<Error> mismatch(const doc::Node& node, const SchemaType& expected,
                           std::string_view actual) {
  return fail_at(node, fmt::format("type mismatch: value was expected to have type {}, but it "
                                   "actually has type {}",
                                   expected.to_string(), actual));
}

ExtensionKind kind_of(ExtensionType type) {
  switch (type) {
    case ExtensionType::kIpAddr:
      return ExtensionKind::kIpAddr;
    case ExtensionType::kDecimal:
      return ExtensionKind::kDecimal;
    case ExtensionType::kDatetime:
      return ExtensionKind::kDatetime;
    case ExtensionType::kDuration:
      break;
  }
  return ExtensionKind::kDuration;
}

std::string_view constructor_of(ExtensionType type) {
  switch (type) {
    case ExtensionType::kIpAddr:
      return "ip";
    case ExtensionType::kDecimal:
      return "decimal";
    case ExtensionType::kDatetime:
      return "datetime";
    case ExtensionType::kDuration:
      break;
  }
  return "duration";
}

// An extension value where `expected` (an extension type) is declared: the `__extn` escape, the
// bare {"fn", "arg"} object, or just the constructor's string argument.
Result<Value> typed_extension(const doc::Node& node, const SchemaType& expected, Arena& arena) {
  Result<Value> value = Value();
  if (node.is_string()) {
    const ExtensionFunction* constructor =
        find_extension_function(constructor_of(expected.extension_type()));
    const Value argument = Value::from_string(arena.copy(node.text()));
    Value result;
    ExtensionCallError call_error;
    if (!call_extension_function(*constructor, std::span<const Value>(&argument, 1), arena, result,
                                 call_error)) {
      return fail_at(node, call_error.message);
    }
    value = result;
  } else if (node.is_mapping() && node.get("__extn") != nullptr) {
    value = value_from_json(node, arena);
  } else if (node.is_mapping() && node.get("fn") != nullptr) {
    value = extension_from_json(node, arena);
  } else {
    return mismatch(node, expected, json_type(node));
  }
  if (!value) return value;
  if (!value->is_extension() ||
      value->as_extension().kind() != kind_of(expected.extension_type())) {
    return mismatch(node, expected, type_name(*value));
  }
  return value;
}

Result<Value> typed_record(const doc::Node& node, const SchemaType& expected, Arena& arena) {
  if (!node.is_mapping() || node.get("__entity") != nullptr || node.get("__extn") != nullptr) {
    return mismatch(node, expected, json_type(node));
  }
  std::vector<RecordEntry> entries;
  entries.reserve(node.size());
  for (const doc::MapEntry& entry : node.entries()) {
    const AttributeDef* attribute = expected.find_attribute(entry.key);
    if (attribute == nullptr && !expected.additional_attributes()) {
      return fail(
          fmt::format("record attribute `{}` should not exist according to the schema", entry.key),
          entry.key_position.line, entry.key_position.column);
    }
    auto value = attribute != nullptr ? value_from_json(*entry.value, attribute->type, arena)
                                      : value_from_json(*entry.value, arena);
    if (!value) {
      Error error = value.error();
      error.message = fmt::format("in `{}`: {}", entry.key, error.message);
      return Unexpected(std::move(error));
    }
    entries.push_back(RecordEntry{arena.copy(entry.key), *value});
  }
  for (const AttributeDef& attribute : expected.attributes()) {
    if (attribute.required && node.get(attribute.name) == nullptr) {
      return fail_at(node, fmt::format("expected the record to have an attribute `{}`, but it "
                                       "does not",
                                       attribute.name));
    }
  }
  return make_record(arena, entries);
}

}  // namespace

Result<Value> value_from_json(const doc::Node& node, const SchemaType& expected, Arena& arena) {
  switch (expected.kind()) {
    case TypeKind::kBool:
      if (!node.is_bool()) return mismatch(node, expected, json_type(node));
      return Value::from_bool(node.is_true());
    case TypeKind::kLong:
      if (!node.is_number()) return mismatch(node, expected, json_type(node));
      return long_from_json(node);
    case TypeKind::kString:
      if (!node.is_string()) return mismatch(node, expected, json_type(node));
      return Value::from_string(arena.copy(node.text()));
    case TypeKind::kSet: {
      if (!node.is_sequence()) return mismatch(node, expected, json_type(node));
      std::vector<Value> items;
      items.reserve(node.size());
      for (const doc::Node* item : node.items()) {
        auto value = value_from_json(*item, expected.element(), arena);
        if (!value) return value;
        items.push_back(*value);
      }
      return make_set(arena, items);
    }
    case TypeKind::kRecord:
      return typed_record(node, expected, arena);
    case TypeKind::kEntity: {
      if (!node.is_mapping() || node.get("__extn") != nullptr) {
        return mismatch(node, expected, json_type(node));
      }
      auto uid = entity_uid_from_json(node, arena);
      if (!uid) return Unexpected(uid.error());
      if ((*uid)->type != expected.entity_type()) {
        return mismatch(node, expected, fmt::format("(entity of type `{}`)", (*uid)->type));
      }
      return Value::from_entity(*uid);
    }
    case TypeKind::kExtension:
      return typed_extension(node, expected, arena);
  }
  return mismatch(node, expected, json_type(node));
}

Result<Value> empty_record(const SchemaType& expected) {
  for (const AttributeDef& attribute : expected.attributes()) {
    if (attribute.required) {
      return fail(fmt::format("expected the record to have an attribute `{}`, but it does not",
                              attribute.name));
    }
  }
  return Value::from_canonical_record({});
}

Result<Value> value_from_json(const doc::Node& node, Arena& arena) {
  switch (node.kind()) {
    case doc::NodeKind::kBool:
      return Value::from_bool(node.is_true());
    case doc::NodeKind::kNumber:
      return long_from_json(node);
    case doc::NodeKind::kString:
      return Value::from_string(arena.copy(node.text()));
    case doc::NodeKind::kSequence: {
      std::vector<Value> items;
      items.reserve(node.size());
      for (const doc::Node* item : node.items()) {
        auto value = value_from_json(*item, arena);
        if (!value) return value;
        items.push_back(*value);
      }
      return make_set(arena, items);
    }
    case doc::NodeKind::kMapping:
      return object_from_json(node, arena);
    case doc::NodeKind::kNull:
      break;
  }
  return fail_at(node, "null is not a Cedar value");
}

Result<Value> record_from_json(const doc::Node& node, Arena& arena) {
  if (!node.is_mapping()) {
    return fail_at(node, fmt::format("expected an object (a record), not {}",
                                     doc::describe(node.kind(), /*json_terms=*/true)));
  }
  std::vector<RecordEntry> entries;
  entries.reserve(node.size());
  for (const doc::MapEntry& entry : node.entries()) {
    auto value = value_from_json(*entry.value, arena);
    if (!value) {
      Error error = value.error();
      error.message = fmt::format("in `{}`: {}", entry.key, error.message);
      return Unexpected(std::move(error));
    }
    entries.push_back(RecordEntry{arena.copy(entry.key), *value});
  }
  return make_record(arena, entries);
}

Result<const EntityUid*> entity_uid_from_json(const doc::Node& node, Arena& arena) {
  if (node.is_mapping()) {
    if (const doc::Node* escaped = node.get("__entity")) {
      if (node.size() != 1) return fail_at(node, "an `__entity` escape must be the only field");
      return type_and_id(*escaped, arena, "`__entity`");
    }
  }
  return type_and_id(node, arena, "an entity uid");
}

}  // namespace eksguard::cedar
