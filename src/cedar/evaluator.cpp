#include "cedar/evaluator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>

#include "cedar/extension_functions.h"
#include "cedar/internal/stack.h"

namespace eksguard::cedar {
namespace {

// Cedar names the "any entity" type like this in its type errors.
constexpr std::string_view kAnyEntity = "(entity of type `any_entity_type`)";

bool less_value(const Value& a, const Value& b) {
  return compare(a, b) < 0;
}

bool set_contains(std::span<const Value> set, const Value& value) {
  return std::binary_search(set.begin(), set.end(), value, less_value);
}

// For ordering operators: the datetime or duration inside `value`, as milliseconds.
std::optional<std::pair<ExtensionKind, int64_t>> ordered_extension(const Value& value) {
  if (!value.is_extension()) return std::nullopt;
  const ExtensionValue& extension = value.as_extension();
  if (const auto* datetime = std::get_if<ext::Datetime>(&extension.value)) {
    return std::pair{ExtensionKind::kDatetime, datetime->millis()};
  }
  if (const auto* duration = std::get_if<ext::Duration>(&extension.value)) {
    return std::pair{ExtensionKind::kDuration, duration->millis()};
  }
  return std::nullopt;
}

std::string_view verb_of(ExprKind kind) {
  switch (kind) {
    case ExprKind::kAdd:
      return "add";
    case ExprKind::kSub:
      return "subtract";
    default:
      return "multiply";
  }
}

}  // namespace

bool wildcard_match(std::string_view text, std::span<const PatternPart> pattern) {
  size_t pos = 0;
  size_t i = 0;
  // Patterns alternate literal runs and single wildcards (the parser merges neighbours). Byte
  // matching is exact on UTF-8: a literal can only match at a character boundary.
  if (i < pattern.size() && !pattern[i].wildcard) {
    if (!text.starts_with(pattern[i].text)) return false;
    pos = pattern[i].text.size();
    ++i;
  }
  if (i == pattern.size()) return pos == text.size();
  while (i < pattern.size()) {
    while (i < pattern.size() && pattern[i].wildcard) ++i;
    if (i == pattern.size()) return true;
    const std::string_view literal = pattern[i].text;
    if (i + 1 == pattern.size()) {
      // The last literal must end the text, after what earlier literals consumed.
      return text.size() - pos >= literal.size() && text.ends_with(literal);
    }
    // Matching a middle literal at its leftmost occurrence never loses a match.
    const size_t found = text.find(literal, pos);
    if (found == std::string_view::npos) return false;
    pos = found + literal.size();
    ++i;
  }
  return true;
}

Evaluator::Evaluator(const Request& request, const Entities& entities, Arena& scratch)
    : request_(request),
      entities_(entities),
      scratch_(scratch),
      principal_(Value::from_entity(&request.principal())),
      action_(Value::from_entity(&request.action())),
      resource_(Value::from_entity(&request.resource())) {}

bool Evaluator::fail(EvalErrorKind kind, std::string message, SourceSpan span) {
  error_.kind = kind;
  error_.message = std::move(message);
  error_.span = span;
  return false;
}

bool Evaluator::type_error(std::string_view expected, const Value& actual, SourceSpan span,
                           std::string_view advice) {
  std::string message = fmt::format("type error: expected {}, got {}", expected, type_name(actual));
  if (!advice.empty()) message += fmt::format(" ({})", advice);
  return fail(EvalErrorKind::kTypeError, std::move(message), span);
}

bool Evaluator::evaluate(const Expr& expr, Value& out) {
  return eval(expr, out);
}

Evaluator::Outcome Evaluator::evaluate_conditions(const Policy& policy) {
  for (const Condition& condition : policy.conditions) {
    bool holds = false;
    if (!eval_bool(*condition.expr, holds)) return Outcome::kError;
    if (holds != condition.is_when) return Outcome::kNotSatisfied;
  }
  return Outcome::kSatisfied;
}

bool Evaluator::eval_bool(const Expr& expr, bool& out) {
  Value value;
  if (!eval(expr, value)) return false;
  if (!value.is_bool()) return type_error("bool", value, expr.span);
  out = value.as_bool();
  return true;
}

bool Evaluator::eval(const Expr& expr, Value& out) {
  if (internal::stack_is_low()) {
    return fail(EvalErrorKind::kRecursionLimit, "recursion limit reached", expr.span);
  }
  switch (expr.kind) {
    case ExprKind::kLiteral:
      out = expr.literal;
      return true;
    case ExprKind::kVar:
      switch (expr.var()) {
        case Var::kPrincipal:
          out = principal_;
          return true;
        case Var::kAction:
          out = action_;
          return true;
        case Var::kResource:
          out = resource_;
          return true;
        case Var::kContext:
          out = request_.context();
          return true;
      }
      return true;
    case ExprKind::kSlot:
      return fail(EvalErrorKind::kUnlinkedSlot,
                  fmt::format("template slot `{}` was not linked", to_string(expr.slot())),
                  expr.span);
    case ExprKind::kIf: {
      bool condition = false;
      if (!eval_bool(*expr.a, condition)) return false;
      return eval(condition ? *expr.b : *expr.c, out);
    }
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      bool left = false;
      if (!eval_bool(*expr.a, left)) return false;
      // `false && x` and `true || x` never look at x.
      if (left == (expr.kind == ExprKind::kOr)) {
        out = Value::from_bool(left);
        return true;
      }
      bool right = false;
      if (!eval_bool(*expr.b, right)) return false;
      out = Value::from_bool(right);
      return true;
    }
    case ExprKind::kNot: {
      bool value = false;
      if (!eval_bool(*expr.a, value)) return false;
      out = Value::from_bool(!value);
      return true;
    }
    case ExprKind::kNeg: {
      Value value;
      if (!eval(*expr.a, value)) return false;
      if (!value.is_long()) return type_error("long", value, expr.a->span);
      if (value.as_long() == std::numeric_limits<int64_t>::min()) {
        return fail(EvalErrorKind::kIntegerOverflow,
                    fmt::format("integer overflow while attempting to negate the value `{}`",
                                value.as_long()),
                    expr.span);
      }
      out = Value::from_long(-value.as_long());
      return true;
    }
    case ExprKind::kIsEmpty: {
      Value value;
      if (!eval(*expr.a, value)) return false;
      if (!value.is_set()) return type_error("set", value, expr.a->span);
      out = Value::from_bool(value.set_items().empty());
      return true;
    }
    case ExprKind::kGetAttr:
      return eval_get_attr(expr, out);
    case ExprKind::kHasAttr:
      return eval_has_attr(expr, out);
    case ExprKind::kLike:
      return eval_like(expr, out);
    case ExprKind::kIs:
      return eval_is(expr, out);
    case ExprKind::kSet:
      return eval_set(expr, out);
    case ExprKind::kRecord:
      return eval_record(expr, out);
    case ExprKind::kExtensionCall:
      return eval_extension_call(expr, out);
    default:
      return eval_binary(expr, out);
  }
}

bool Evaluator::eval_binary(const Expr& expr, Value& out) {
  Value left;
  Value right;
  if (!eval(*expr.a, left) || !eval(*expr.b, right)) return false;
  switch (expr.kind) {
    case ExprKind::kEq:
      out = Value::from_bool(left == right);
      return true;
    case ExprKind::kNotEq:
      out = Value::from_bool(!(left == right));
      return true;
    case ExprKind::kLess:
    case ExprKind::kLessEq:
    case ExprKind::kGreater:
    case ExprKind::kGreaterEq:
      return eval_comparison(expr, left, right, out);
    case ExprKind::kAdd:
    case ExprKind::kSub:
    case ExprKind::kMul:
      return eval_arithmetic(expr, left, right, out);
    case ExprKind::kIn:
      return eval_in(expr, left, right, out);
    case ExprKind::kContains:
    case ExprKind::kContainsAll:
    case ExprKind::kContainsAny:
      return eval_set_operation(expr, left, right, out);
    case ExprKind::kGetTag:
    case ExprKind::kHasTag:
      return eval_tag(expr, left, right, out);
    default:
      return fail(EvalErrorKind::kTypeError, "unsupported operator", expr.span);
  }
}

bool Evaluator::eval_comparison(const Expr& expr, const Value& left, const Value& right,
                                Value& out) {
  std::strong_ordering order = std::strong_ordering::equal;
  if (left.is_long() && right.is_long()) {
    order = left.as_long() <=> right.as_long();
  } else {
    const auto a = ordered_extension(left);
    const auto b = ordered_extension(right);
    if (a && b && a->first == b->first) {
      order = a->second <=> b->second;
    } else if (left.is_long()) {
      return type_error("long", right, expr.b->span);
    } else if (a) {
      return type_error(extension_type_name(a->first), right, expr.b->span);
    } else {
      return type_error("one of [long, datetime, duration]", left, expr.a->span,
                        fmt::format("operation `{}` should have integer, datetime or duration "
                                    "operands",
                                    expr.kind == ExprKind::kLess      ? "<"
                                    : expr.kind == ExprKind::kLessEq  ? "<="
                                    : expr.kind == ExprKind::kGreater ? ">"
                                                                      : ">="));
    }
  }
  switch (expr.kind) {
    case ExprKind::kLess:
      out = Value::from_bool(order < 0);
      break;
    case ExprKind::kLessEq:
      out = Value::from_bool(order <= 0);
      break;
    case ExprKind::kGreater:
      out = Value::from_bool(order > 0);
      break;
    default:
      out = Value::from_bool(order >= 0);
  }
  return true;
}

bool Evaluator::eval_arithmetic(const Expr& expr, const Value& left, const Value& right,
                                Value& out) {
  if (!left.is_long()) return type_error("long", left, expr.a->span);
  if (!right.is_long()) return type_error("long", right, expr.b->span);
  int64_t result = 0;
  bool overflow = false;
  switch (expr.kind) {
    case ExprKind::kAdd:
      overflow = __builtin_add_overflow(left.as_long(), right.as_long(), &result);
      break;
    case ExprKind::kSub:
      overflow = __builtin_sub_overflow(left.as_long(), right.as_long(), &result);
      break;
    default:
      overflow = __builtin_mul_overflow(left.as_long(), right.as_long(), &result);
  }
  if (overflow) {
    return fail(EvalErrorKind::kIntegerOverflow,
                fmt::format("integer overflow while attempting to {} the values `{}` and `{}`",
                            verb_of(expr.kind), left.as_long(), right.as_long()),
                expr.span);
  }
  out = Value::from_long(result);
  return true;
}

bool Evaluator::entity_in(const EntityUid& uid, const EntityUid& target,
                          const Entity* entity) const {
  return uid == target || (entity != nullptr && entities_.has_ancestor(*entity, target));
}

bool Evaluator::eval_in(const Expr& expr, const Value& left, const Value& right, Value& out) {
  if (!left.is_entity()) {
    std::string_view advice;
    if (right.is_set()) {
      advice =
          "`in` is for checking the entity hierarchy; use `.contains()` to test set membership";
    } else if (right.is_record()) {
      advice = "`in` is for checking the entity hierarchy; use `has` to test if a record has a key";
    }
    return type_error(kAnyEntity, left, expr.a->span, advice);
  }
  const EntityUid& uid = left.as_entity();
  if (right.is_entity()) {
    out = Value::from_bool(entity_in(uid, right.as_entity(), entities_.find(uid)));
    return true;
  }
  if (!right.is_set()) {
    return type_error(fmt::format("one of [set, {}]", kAnyEntity), right, expr.b->span);
  }
  // Every element must be an entity, even when an earlier one already matched.
  for (const Value& item : right.set_items()) {
    if (!item.is_entity()) return type_error(kAnyEntity, item, expr.b->span);
  }
  const Entity* entity = entities_.find(uid);
  bool found = false;
  for (const Value& item : right.set_items()) {
    if (entity_in(uid, item.as_entity(), entity)) {
      found = true;
      break;
    }
  }
  out = Value::from_bool(found);
  return true;
}

bool Evaluator::eval_set_operation(const Expr& expr, const Value& left, const Value& right,
                                   Value& out) {
  if (!left.is_set()) return type_error("set", left, expr.a->span);
  const auto haystack = left.set_items();
  if (expr.kind == ExprKind::kContains) {
    out = Value::from_bool(set_contains(haystack, right));
    return true;
  }
  if (!right.is_set()) return type_error("set", right, expr.b->span);
  const auto needles = right.set_items();
  if (expr.kind == ExprKind::kContainsAll) {
    out = Value::from_bool(std::includes(haystack.begin(), haystack.end(), needles.begin(),
                                         needles.end(), less_value));
    return true;
  }
  bool any = false;
  for (const Value& needle : needles) {
    if (set_contains(haystack, needle)) {
      any = true;
      break;
    }
  }
  out = Value::from_bool(any);
  return true;
}

bool Evaluator::eval_tag(const Expr& expr, const Value& left, const Value& right, Value& out) {
  if (!left.is_entity()) return type_error(kAnyEntity, left, expr.a->span);
  if (!right.is_string()) return type_error("string", right, expr.b->span);
  const EntityUid& uid = left.as_entity();
  const Entity* entity = entities_.find(uid);
  const Value* tag = entity != nullptr ? entity->tags.find(right.as_string()) : nullptr;
  if (expr.kind == ExprKind::kHasTag) {
    out = Value::from_bool(tag != nullptr);
    return true;
  }
  if (entity == nullptr) {
    return fail(EvalErrorKind::kEntityDoesNotExist,
                fmt::format("entity `{}` does not exist", to_cedar_string(uid)), expr.a->span);
  }
  if (tag == nullptr) {
    return fail(
        EvalErrorKind::kTagDoesNotExist,
        fmt::format("`{}` does not have the tag `{}`", to_cedar_string(uid), right.as_string()),
        expr.span);
  }
  out = *tag;
  return true;
}

bool Evaluator::attributes_of(const Value& value, const Expr& at, const Value*& attrs) {
  if (value.is_record()) {
    attrs = &value;
    return true;
  }
  if (value.is_entity()) {
    const Entity* entity = entities_.find(value.as_entity());
    attrs = entity != nullptr ? &entity->attrs : nullptr;
    return true;
  }
  return type_error(fmt::format("one of [record, {}]", kAnyEntity), value, at.span);
}

bool Evaluator::eval_get_attr(const Expr& expr, Value& out) {
  Value target;
  if (!eval(*expr.a, target)) return false;
  const Value* attrs = nullptr;
  if (!attributes_of(target, *expr.a, attrs)) return false;
  if (attrs == nullptr) {
    return fail(EvalErrorKind::kEntityDoesNotExist,
                fmt::format("entity `{}` does not exist", to_cedar_string(target.as_entity())),
                expr.a->span);
  }
  const Value* found = attrs->find(expr.name);
  if (found == nullptr) {
    if (target.is_entity()) {
      return fail(EvalErrorKind::kAttributeDoesNotExist,
                  fmt::format("`{}` does not have the attribute `{}`",
                              to_cedar_string(target.as_entity()), expr.name),
                  expr.span);
    }
    return fail(EvalErrorKind::kAttributeDoesNotExist,
                fmt::format("record does not have the attribute `{}`", expr.name), expr.span);
  }
  out = *found;
  return true;
}

// `e has a.b.c` means `e has a && e.a has b && e.a.b has c`; walking the path once is the same.
bool Evaluator::eval_has_attr(const Expr& expr, Value& out) {
  Value current;
  if (!eval(*expr.a, current)) return false;
  for (size_t i = 0; i < expr.path.size(); ++i) {
    const Value* attrs = nullptr;
    if (!attributes_of(current, i == 0 ? *expr.a : expr, attrs)) return false;
    const Value* found = attrs != nullptr ? attrs->find(expr.path[i]) : nullptr;
    if (found == nullptr) {
      out = Value::from_bool(false);
      return true;
    }
    current = *found;
  }
  out = Value::from_bool(true);
  return true;
}

bool Evaluator::eval_like(const Expr& expr, Value& out) {
  Value target;
  if (!eval(*expr.a, target)) return false;
  if (!target.is_string()) return type_error("string", target, expr.a->span);
  out = Value::from_bool(wildcard_match(target.as_string(), expr.pattern));
  return true;
}

// `e is T` and `e is T in E` (which Cedar defines as `e is T && e in E`).
bool Evaluator::eval_is(const Expr& expr, Value& out) {
  Value target;
  if (!eval(*expr.a, target)) return false;
  if (!target.is_entity()) return type_error(kAnyEntity, target, expr.a->span);
  if (target.as_entity().type != expr.name || expr.b == nullptr) {
    out = Value::from_bool(target.as_entity().type == expr.name);
    return true;
  }
  Value scope;
  if (!eval(*expr.b, scope)) return false;
  return eval_in(expr, target, scope, out);
}

bool Evaluator::eval_set(const Expr& expr, Value& out) {
  Value* items = scratch_.allocate_array<Value>(expr.items.size());
  for (size_t i = 0; i < expr.items.size(); ++i) {
    new (items + i) Value();
    if (!eval(*expr.items[i], items[i])) return false;
  }
  std::span<Value> span(items, expr.items.size());
  std::sort(span.begin(), span.end(), less_value);
  const auto end = std::unique(span.begin(), span.end(),
                               [](const Value& a, const Value& b) { return compare(a, b) == 0; });
  out = Value::from_canonical_set({items, static_cast<size_t>(end - span.begin())});
  return true;
}

bool Evaluator::eval_record(const Expr& expr, Value& out) {
  // The parser sorted the fields by key, so the entries come out canonical.
  RecordEntry* entries = scratch_.allocate_array<RecordEntry>(expr.fields.size());
  for (size_t i = 0; i < expr.fields.size(); ++i) {
    new (entries + i) RecordEntry{expr.fields[i].key, Value()};
    if (!eval(*expr.fields[i].value, entries[i].value)) return false;
  }
  out = Value::from_canonical_record({entries, expr.fields.size()});
  return true;
}

bool Evaluator::eval_extension_call(const Expr& expr, Value& out) {
  std::array<Value, 4> small;
  Value* args = expr.items.size() <= small.size()
                    ? small.data()
                    : scratch_.allocate_array<Value>(expr.items.size());
  for (size_t i = 0; i < expr.items.size(); ++i) {
    new (args + i) Value();
    if (!eval(*expr.items[i], args[i])) return false;
  }
  const ExtensionFunction& function =
      extension_function(static_cast<ExtensionFunctionId>(expr.tag));
  ExtensionCallError call_error;
  if (call_extension_function(function, {args, expr.items.size()}, scratch_, out, call_error)) {
    return true;
  }
  switch (call_error.kind) {
    case ExtensionCallError::Kind::kTypeError:
      return fail(EvalErrorKind::kTypeError, std::move(call_error.message), expr.span);
    case ExtensionCallError::Kind::kWrongArity:
      return fail(EvalErrorKind::kWrongArity, std::move(call_error.message), expr.span);
    case ExtensionCallError::Kind::kFailed:
      break;
  }
  return fail(EvalErrorKind::kExtensionError, std::move(call_error.message), expr.span);
}

}  // namespace eksguard::cedar
