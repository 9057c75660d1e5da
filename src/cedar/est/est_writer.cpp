#include "cedar/est/est_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "cedar/extension_functions.h"

namespace eksguard::cedar::est {
namespace {

using report::JsonWriter;

// The JSON key of an operator node: Cedar's operator or method spelling, `!` and `neg`.
std::string_view operator_key(ExprKind kind) {
  if (kind == ExprKind::kNot) return "!";
  if (kind == ExprKind::kNeg) return "neg";
  const std::string_view op = binary_operator(kind);
  return op.empty() ? method_name(kind) : op;
}

void write_uid(JsonWriter& json, const EntityUid& uid) {
  json.begin_object().member("type", uid.type).member("id", uid.id).end_object();
}

// A Value in Cedar's JSON value syntax (the entity and extension escapes included).
void write_value(JsonWriter& json, const Value& value) {
  switch (value.kind()) {
    case ValueKind::kBool:
      json.value(value.as_bool());
      return;
    case ValueKind::kLong:
      json.value(value.as_long());
      return;
    case ValueKind::kString:
      json.value(value.as_string());
      return;
    case ValueKind::kEntity:
      json.begin_object().key("__entity");
      write_uid(json, value.as_entity());
      json.end_object();
      return;
    case ValueKind::kSet:
      json.begin_array();
      for (const Value& item : value.set_items()) write_value(json, item);
      json.end_array();
      return;
    case ValueKind::kRecord:
      json.begin_object();
      for (const RecordEntry& entry : value.record_entries()) {
        json.key(entry.key);
        write_value(json, entry.value);
      }
      json.end_object();
      return;
    case ValueKind::kExtension: {
      const ExtensionValue& extension = value.as_extension();
      json.begin_object().key("__extn").begin_object();
      json.member("fn", extension_constructor(extension.kind()))
          .member("arg", extension_to_string(extension));
      json.end_object().end_object();
      return;
    }
  }
}

// Byte length of the UTF-8 character starting with `lead` (1 for anything malformed).
size_t utf8_char_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// Cedar writes one pattern element per character: {"Literal": "a"} or "Wildcard".
void write_pattern(JsonWriter& json, std::span<const PatternPart> pattern) {
  json.begin_array();
  for (const PatternPart& part : pattern) {
    if (part.wildcard) {
      json.value("Wildcard");
      continue;
    }
    for (size_t i = 0; i < part.text.size();) {
      const size_t length = std::min(utf8_char_length(static_cast<unsigned char>(part.text[i])),
                                     part.text.size() - i);
      json.begin_object().member("Literal", part.text.substr(i, length)).end_object();
      i += length;
    }
  }
  json.end_array();
}

void write_record(JsonWriter& json, std::span<const RecordField> fields) {
  std::vector<const RecordField*> sorted;
  sorted.reserve(fields.size());
  for (const RecordField& field : fields) sorted.push_back(&field);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const RecordField* x, const RecordField* y) { return x->key < y->key; });
  json.begin_object();
  for (const RecordField* field : sorted) {
    json.key(field->key);
    write_expr(json, *field->value);
  }
  json.end_object();
}

void write_operands(JsonWriter& json, const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kNot:
    case ExprKind::kNeg:
    case ExprKind::kIsEmpty:
      json.begin_object().key("arg");
      write_expr(json, *expr.a);
      json.end_object();
      return;
    default:
      json.begin_object().key("left");
      write_expr(json, *expr.a);
      json.key("right");
      write_expr(json, *expr.b);
      json.end_object();
  }
}

// {"principal": ...}-style constraint target: {"entity": uid} or {"slot": "?principal"}.
void write_target(JsonWriter& json, const ScopeConstraint& constraint) {
  if (constraint.slot) {
    json.member("slot", to_string(*constraint.slot));
  } else if (constraint.entity != nullptr) {
    json.key("entity");
    write_uid(json, *constraint.entity);
  }
}

void write_scope(JsonWriter& json, const ScopeConstraint& constraint) {
  json.begin_object();
  switch (constraint.op) {
    case ScopeConstraint::Op::kAny:
      json.member("op", "All");
      break;
    case ScopeConstraint::Op::kEq:
      json.member("op", "==");
      write_target(json, constraint);
      break;
    case ScopeConstraint::Op::kIn:
      json.member("op", "in");
      write_target(json, constraint);
      break;
    case ScopeConstraint::Op::kIs:
      json.member("op", "is").member("entity_type", constraint.entity_type);
      break;
    case ScopeConstraint::Op::kIsIn:
      json.member("op", "is").member("entity_type", constraint.entity_type).key("in");
      json.begin_object();
      write_target(json, constraint);
      json.end_object();
      break;
  }
  json.end_object();
}

void write_action(JsonWriter& json, const ActionConstraint& constraint) {
  json.begin_object();
  switch (constraint.op) {
    case ActionConstraint::Op::kAny:
      json.member("op", "All");
      break;
    case ActionConstraint::Op::kEq:
      json.member("op", "==").key("entity");
      write_uid(json, *constraint.entities[0]);
      break;
    case ActionConstraint::Op::kIn:
      json.member("op", "in");
      // Cedar writes a one-element list as a single entity.
      if (constraint.entities.size() == 1) {
        json.key("entity");
        write_uid(json, *constraint.entities[0]);
        break;
      }
      json.key("entities").begin_array();
      for (const EntityUid* uid : constraint.entities) write_uid(json, *uid);
      json.end_array();
      break;
  }
  json.end_object();
}

void write_annotations(JsonWriter& json, std::span<const PolicyAnnotation> annotations) {
  std::vector<const PolicyAnnotation*> sorted;
  for (const PolicyAnnotation& annotation : annotations) sorted.push_back(&annotation);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* x, const auto* y) { return x->key < y->key; });
  json.begin_object();
  for (const PolicyAnnotation* annotation : sorted) {
    json.key(annotation->key);
    if (annotation->has_value) {
      json.value(annotation->value);
    } else {
      json.null();
    }
  }
  json.end_object();
}

void write_uid_value(JsonWriter& json, const std::pair<std::string, std::string>& uid) {
  json.begin_object().member("type", uid.first).member("id", uid.second).end_object();
}

}  // namespace

void write_expr(JsonWriter& json, const Expr& expr) {
  json.begin_object();
  switch (expr.kind) {
    case ExprKind::kLiteral:
      json.key("Value");
      write_value(json, expr.literal);
      break;
    case ExprKind::kVar:
      json.member("Var", to_string(expr.var()));
      break;
    case ExprKind::kSlot:
      json.member("Slot", to_string(expr.slot()));
      break;
    case ExprKind::kIf:
      json.key("if-then-else").begin_object().key("if");
      write_expr(json, *expr.a);
      json.key("then");
      write_expr(json, *expr.b);
      json.key("else");
      write_expr(json, *expr.c);
      json.end_object();
      break;
    case ExprKind::kGetAttr:
    case ExprKind::kHasAttr:
      json.key(expr.kind == ExprKind::kGetAttr ? "." : "has").begin_object().key("left");
      write_expr(json, *expr.a);
      if (expr.kind == ExprKind::kGetAttr) {
        json.member("attr", expr.name);
      } else if (expr.path.size() == 1) {
        json.member("attr", expr.path[0]);
      } else {
        json.key("attr").begin_array();
        for (std::string_view attribute : expr.path) json.value(attribute);
        json.end_array();
      }
      json.end_object();
      break;
    case ExprKind::kLike:
      json.key("like").begin_object().key("left");
      write_expr(json, *expr.a);
      json.key("pattern");
      write_pattern(json, expr.pattern);
      json.end_object();
      break;
    case ExprKind::kIs:
      json.key("is").begin_object().key("left");
      write_expr(json, *expr.a);
      json.member("entity_type", expr.name);
      if (expr.b != nullptr) {
        json.key("in");
        write_expr(json, *expr.b);
      }
      json.end_object();
      break;
    case ExprKind::kSet:
      json.key("Set").begin_array();
      for (const Expr* item : expr.items) write_expr(json, *item);
      json.end_array();
      break;
    case ExprKind::kRecord:
      json.key("Record");
      write_record(json, expr.fields);
      break;
    case ExprKind::kExtensionCall:
      json.key(extension_function(static_cast<ExtensionFunctionId>(expr.tag)).name).begin_array();
      for (const Expr* arg : expr.items) write_expr(json, *arg);
      json.end_array();
      break;
    default:
      json.key(operator_key(expr.kind));
      write_operands(json, expr);
  }
  json.end_object();
}

void write_policy(JsonWriter& json, const Policy& policy) {
  json.begin_object();
  json.member("effect", policy.effect == Effect::kPermit ? "permit" : "forbid");
  json.key("principal");
  write_scope(json, policy.principal);
  json.key("action");
  write_action(json, policy.action);
  json.key("resource");
  write_scope(json, policy.resource);
  json.key("conditions").begin_array();
  for (const Condition& condition : policy.conditions) {
    json.begin_object().member("kind", condition.is_when ? "when" : "unless").key("body");
    write_expr(json, *condition.expr);
    json.end_object();
  }
  json.end_array();
  if (!policy.annotations.empty()) {
    json.key("annotations");
    write_annotations(json, policy.annotations);
  }
  json.end_object();
}

Status write_policy_set(JsonWriter& json, std::span<const Policy> policies,
                        std::span<const TemplateLink> links) {
  std::set<std::string_view> ids;
  for (const Policy& policy : policies) {
    if (!ids.insert(PolicySet::display_id(policy)).second) {
      return fail(fmt::format("two policies have the id `{}`", PolicySet::display_id(policy)));
    }
  }
  // A link may name its template by `@id` or by `policyN`; the output names it by its key.
  std::vector<std::string_view> link_templates;
  for (const TemplateLink& link : links) {
    const auto it = std::find_if(policies.begin(), policies.end(), [&](const Policy& policy) {
      return policy.is_template &&
             (PolicySet::display_id(policy) == link.template_id || policy.id == link.template_id);
    });
    if (it == policies.end())
      return fail(fmt::format("no template with id `{}`", link.template_id));
    link_templates.push_back(PolicySet::display_id(*it));
  }
  json.begin_object();
  for (const bool templates : {false, true}) {
    json.key(templates ? "templates" : "staticPolicies").begin_object();
    for (const Policy& policy : policies) {
      if (policy.is_template != templates) continue;
      json.key(PolicySet::display_id(policy));
      write_policy(json, policy);
    }
    json.end_object();
  }
  json.key("templateLinks").begin_array();
  for (size_t i = 0; i < links.size(); ++i) {
    json.begin_object()
        .member("templateId", link_templates[i])
        .member("newId", links[i].new_id)
        .key("values")
        .begin_object();
    if (links[i].principal) {
      json.key("?principal");
      write_uid_value(json, *links[i].principal);
    }
    if (links[i].resource) {
      json.key("?resource");
      write_uid_value(json, *links[i].resource);
    }
    json.end_object().end_object();
  }
  json.end_array();
  json.end_object();
  return Ok{};
}

}  // namespace eksguard::cedar::est
