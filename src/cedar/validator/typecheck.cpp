#include "cedar/validator/typecheck.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "cedar/ext/extensions.h"
#include "cedar/extension_functions.h"
#include "cedar/internal/names.h"
#include "cedar/validator/suggest.h"

namespace eksguard::cedar::validation {
namespace {

// ---- Expression shapes -------------------------------------------------------------------------
// Cedar compares the targets of capabilities by shape: the same expression tree, positions
// ignored.

bool same_shape(const Expr* a, const Expr* b);

bool same_items(std::span<const Expr* const> a, std::span<const Expr* const> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), same_shape);
}

bool same_fields(std::span<const RecordField> a, std::span<const RecordField> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const RecordField& x, const RecordField& y) {
                      return x.key == y.key && same_shape(x.value, y.value);
                    });
}

bool same_pattern(std::span<const PatternPart> a, std::span<const PatternPart> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const PatternPart& x, const PatternPart& y) {
                      return x.wildcard == y.wildcard && x.text == y.text;
                    });
}

bool same_shape(const Expr* a, const Expr* b) {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  if (a->kind != b->kind || a->tag != b->tag || a->name != b->name) return false;
  if (a->kind == ExprKind::kLiteral && !(a->literal == b->literal)) return false;
  return std::equal(a->path.begin(), a->path.end(), b->path.begin(), b->path.end()) &&
         same_items(a->items, b->items) && same_fields(a->fields, b->fields) &&
         same_pattern(a->pattern, b->pattern) && same_shape(a->a, b->a) && same_shape(a->b, b->b) &&
         same_shape(a->c, b->c);
}

// An expression as a base and a chain of attribute accesses on it: `principal.a.b` is
// (principal, [a, b]). `e has a.b` talks about `e.a` without an Expr for it, so capability
// targets are kept in this form.
struct Shape {
  const Expr* base = nullptr;
  std::vector<std::string_view> path;

  static Shape of(const Expr& expr) {
    Shape shape;
    const Expr* node = &expr;
    while (node->kind == ExprKind::kGetAttr) {
      shape.path.push_back(node->name);
      node = node->a;
    }
    std::reverse(shape.path.begin(), shape.path.end());
    shape.base = node;
    return shape;
  }
  Shape then(std::string_view attribute) const {
    Shape next = *this;
    next.path.push_back(attribute);
    return next;
  }
  friend bool operator==(const Shape& x, const Shape& y) {
    return x.path == y.path && same_shape(x.base, y.base);
  }
};

// Knowledge that an attribute (or a tag) exists on an expression, granted by `has`/`hasTag`.
struct Capability {
  Shape target;
  std::string_view attribute;  // for attributes
  const Expr* tag = nullptr;   // for tags: the key expression

  friend bool operator==(const Capability& x, const Capability& y) {
    if ((x.tag == nullptr) != (y.tag == nullptr)) return false;
    if (x.tag != nullptr ? !same_shape(x.tag, y.tag) : x.attribute != y.attribute) return false;
    return x.target == y.target;
  }
};

class Caps {
 public:
  Caps() = default;
  explicit Caps(Capability capability) { items_.push_back(std::move(capability)); }

  bool contains(const Capability& capability) const {
    return std::find(items_.begin(), items_.end(), capability) != items_.end();
  }
  Caps united(const Caps& other) const {
    Caps out = *this;
    for (const Capability& capability : other.items_) {
      if (!out.contains(capability)) out.items_.push_back(capability);
    }
    return out;
  }
  Caps intersected(const Caps& other) const {
    Caps out;
    for (const Capability& capability : items_) {
      if (other.contains(capability)) out.items_.push_back(capability);
    }
    return out;
  }

 private:
  std::vector<Capability> items_;
};

// ---- Answers -----------------------------------------------------------------------------------
// Cedar's TypecheckAnswer: success with a type and the capabilities that hold when the
// expression is true, or failure with a recovery type (which later rules still look at).

struct Answer {
  bool ok = false;
  std::optional<Type> type;
  Caps caps;
};

Answer success(std::optional<Type> type, Caps caps = {}) {
  return Answer{true, std::move(type), std::move(caps)};
}
Answer failure(std::optional<Type> type) {
  return Answer{false, std::move(type), {}};
}

// Cedar's `then_typecheck`: the continuation always runs (so errors further in are still
// found), but after a failure it sees no capabilities and its answer becomes a failure.
template <typename F>
Answer then(Answer answer, F&& next) {
  if (answer.ok) return next(std::move(answer.type), std::move(answer.caps));
  Answer out = next(std::move(answer.type), Caps{});
  out.ok = false;
  out.caps = Caps{};
  return out;
}

using OptType = std::optional<Type>;

// ---- Help texts for unexpected types -------------------------------------------------------

enum class Help : uint8_t {
  kNone,
  kTryLike,
  kTryContains,
  kTrySingleContains,
  kTryHas,
  kTryIs,
  kTryIn,
  kTryEqEmptyString,
  kTypeTest,
  kConcatenation,
  kSetOperations,
};

std::string_view help_text(Help help) {
  switch (help) {
    case Help::kTryLike:
      return "try using `like` to examine the contents of a string";
    case Help::kTryContains:
      return "try using `contains`, `containsAny`, or `containsAll` to examine the contents of "
             "a set";
    case Help::kTrySingleContains:
      return "try using `contains` to test if a single element is in a set";
    case Help::kTryHas:
      return "try using `has` to test for an attribute";
    case Help::kTryIs:
      return "try using `is` to test for an entity type";
    case Help::kTryIn:
      return "try using `in` for entity hierarchy membership";
    case Help::kTryEqEmptyString:
      return "try using `== \"\"` to test if a string is empty";
    case Help::kTypeTest:
      return "Cedar only supports run time type tests for entities";
    case Help::kConcatenation:
      return "Cedar does not support string concatenation";
    case Help::kSetOperations:
      return "Cedar does not support computing the union, intersection, or difference of sets";
    case Help::kNone:
      break;
  }
  return {};
}

using HelpFn = Help (*)(const Type&);
Help no_help(const Type&) {
  return Help::kNone;
}
Help help_for_has(const Type& actual) {
  if (actual.is(Kind::kSet)) return Help::kTryContains;
  if (actual.is(Kind::kString)) return Help::kTryLike;
  return Help::kNone;
}
Help help_for_set_receiver(const Type& actual) {
  if (actual.is_entity_like()) return Help::kTryIn;
  if (actual.is(Kind::kRecord)) return Help::kTryHas;
  if (actual.is(Kind::kString)) return Help::kTryLike;
  return Help::kNone;
}
Help help_for_like(const Type& actual) {
  return actual.is_entity_like() ? Help::kTryIs : Help::kNone;
}
Help help_single_contains(const Type&) {
  return Help::kTrySingleContains;
}
Help help_try_contains(const Type&) {
  return Help::kTryContains;
}
Help help_type_test(const Type&) {
  return Help::kTypeTest;
}
Help help_is_empty(const Type& actual) {
  return actual.is(Kind::kString) ? Help::kTryEqEmptyString : Help::kNone;
}
Help help_add(const Type& actual) {
  if (actual.is(Kind::kString)) return Help::kConcatenation;
  return actual.is(Kind::kSet) ? Help::kSetOperations : Help::kNone;
}
Help help_arithmetic(const Type& actual) {
  return actual.is(Kind::kSet) ? Help::kSetOperations : Help::kNone;
}

enum class LubContext : uint8_t {
  kSet,
  kConditional,
  kEquality,
  kContains,
  kContainsAnyAll,
  kGetTag
};

std::string_view lub_context_text(LubContext context) {
  switch (context) {
    case LubContext::kSet:
      return "elements of a set";
    case LubContext::kConditional:
      return "both branches of a conditional";
    case LubContext::kEquality:
      return "both operands to a `==` expression";
    case LubContext::kContains:
      return "elements of the first operand and the second operand to a `contains` expression";
    case LubContext::kContainsAnyAll:
      return "elements of both set operands to a `containsAll` or `containsAny` expression";
    case LubContext::kGetTag:
      break;
  }
  return "tag types for a `.getTag()` operation";
}

// "A", "A and B", "A, B, and C".
std::string join_with_and(const std::vector<std::string>& items) {
  if (items.size() <= 2) {
    return items.empty() ? std::string() : fmt::format("{}", fmt::join(items, " and "));
  }
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    out += items[i];
    if (i + 2 < items.size()) out += ", ";
    if (i + 2 == items.size()) out += ", and ";
  }
  return out;
}

// ---- Extension function signatures -------------------------------------------------------

struct Signature {
  std::vector<Type> arguments;
  Type result;
  bool constructor = false;
};

Signature signature(ExtensionFunctionId id) {
  const Type decimal = Type::extension(ExtensionType::kDecimal);
  const Type ip = Type::extension(ExtensionType::kIpAddr);
  const Type datetime = Type::extension(ExtensionType::kDatetime);
  const Type duration = Type::extension(ExtensionType::kDuration);
  const Type text = Type::string_type();
  using Id = ExtensionFunctionId;
  switch (id) {
    case Id::kDecimal:
      return {{text}, decimal, true};
    case Id::kLessThan:
    case Id::kLessThanOrEqual:
    case Id::kGreaterThan:
    case Id::kGreaterThanOrEqual:
      return {{decimal, decimal}, Type::boolean()};
    case Id::kIp:
      return {{text}, ip, true};
    case Id::kIsIpv4:
    case Id::kIsIpv6:
    case Id::kIsLoopback:
    case Id::kIsMulticast:
      return {{ip}, Type::boolean()};
    case Id::kIsInRange:
      return {{ip, ip}, Type::boolean()};
    case Id::kDatetime:
      return {{text}, datetime, true};
    case Id::kDuration:
      return {{text}, duration, true};
    case Id::kOffset:
      return {{datetime, duration}, datetime};
    case Id::kDurationSince:
      return {{datetime, datetime}, duration};
    case Id::kToDate:
      return {{datetime}, datetime};
    case Id::kToTime:
      return {{datetime}, duration};
    case Id::kToMilliseconds:
    case Id::kToSeconds:
    case Id::kToMinutes:
    case Id::kToHours:
    case Id::kToDays:
      return {{duration}, Type::long_type()};
  }
  return {{}, Type::never()};
}

// Why a constructor's literal argument does not parse, or "" when it does.
std::string constructor_literal_error(ExtensionFunctionId id, std::string_view text) {
  using Id = ExtensionFunctionId;
  const std::string quoted = quote_string(text);
  switch (id) {
    case Id::kDecimal:
      return ext::Decimal::parse(text) ? "" : "failed to parse as a decimal value: " + quoted;
    case Id::kIp:
      return ext::IpAddr::parse(text) ? "" : "failed to parse as an IP address: " + quoted;
    case Id::kDatetime:
      return ext::Datetime::parse(text) ? "" : "failed to parse as a datetime value: " + quoted;
    case Id::kDuration:
      return ext::Duration::parse(text) ? "" : "failed to parse as a duration value: " + quoted;
    default:
      return "";
  }
}

// Whether `<` and friends apply: Long, and the extension types with operator overloading.
bool comparable(const Type& type) {
  if (type.is(Kind::kLong)) return true;
  return type.is(Kind::kExtension) && (type.extension_type() == ExtensionType::kDatetime ||
                                       type.extension_type() == ExtensionType::kDuration);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
                           text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Whether `text` has a `(` outside string literals: the parser folded a call into the value.
bool has_call(std::string_view text) {
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\') ++i;
      if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      return true;
    }
  }
  return false;
}

std::string_view span_text(std::string_view source, SourceSpan span) {
  if (span.offset > source.size()) return {};
  return source.substr(span.offset, span.length);
}

// The text of a literal without the parentheses and whitespace around it.
std::string_view literal_core(std::string_view text) {
  text = trim(text);
  while (text.size() >= 2 && text.front() == '(' && text.back() == ')') {
    text = trim(text.substr(1, text.size() - 2));
  }
  return text;
}

}  // namespace

bool is_plain_literal(const Expr& expr, std::string_view source) {
  if (expr.kind != ExprKind::kLiteral) return false;
  switch (expr.literal.kind()) {
    case ValueKind::kString:
    case ValueKind::kEntity:
      return true;  // no extension function returns these
    case ValueKind::kBool:
    case ValueKind::kLong:
      return expr.span.length == 0 || !has_call(literal_core(span_text(source, expr.span)));
    default:
      return false;
  }
}

// ---- The typechecker ---------------------------------------------------------------------------

struct Typechecker::State {
  TypeContext& context;
  const Schema& schema;
  std::string_view source;
  const RequestEnv& env;
  std::vector<TypeError>& errors;
  EntityUid action_uid;  // the environment's action, for `action == ...` and `action in ...`

  // Expected types (expect_one_of_types arguments), built once.
  struct Expected {
    Type any_entity = Type::any_entity();
    Type any_record = Type::any_record();
    Type any_set = Type::any_set();
    Type entity_set = Type::set_of(Type::any_entity());
    Type boolean = Type::boolean();
    Type long_type = Type::long_type();
    Type string_type = Type::string_type();
  };
  static const Expected& expected() {
    static const Expected types;
    return types;
  }
  const Type& any_entity = expected().any_entity;
  const Type& any_record = expected().any_record;
  const Type& any_set = expected().any_set;
  const Type& entity_set = expected().entity_set;
  const Type& boolean = expected().boolean;
  const Type& long_type = expected().long_type;
  const Type& string_type = expected().string_type;

  State(TypeContext& type_context, std::string_view text, const RequestEnv& request,
        std::vector<TypeError>& out)
      : context(type_context),
        schema(type_context.schema()),
        source(text),
        env(request),
        errors(out) {
    const ActionUid& uid = env.action->uid;
    action_uid = EntityUid{uid.type, uid.id, EntityUid::hash_of(uid.type, uid.id)};
  }

  // -- errors --

  void error(std::string_view code, SourceSpan span, std::string message, std::string help = {}) {
    TypeError error{std::string(code), std::move(message), std::move(help), span};
    if (std::find(errors.begin(), errors.end(), error) == errors.end()) {
      errors.push_back(std::move(error));
    }
  }

  void unexpected_type(SourceSpan span, std::initializer_list<const Type*> expected,
                       const Type& actual, Help help) {
    std::vector<std::string> names;
    for (const Type* type : expected) names.push_back(type->to_string());
    error("validation.unexpected-type", span,
          fmt::format("unexpected type: expected {} but saw {}", fmt::join(names, ", or "),
                      actual.to_string()),
          std::string(help_text(help)));
  }

  void incompatible_types(SourceSpan span, const std::vector<Type>& types, LubHelp hint,
                          LubContext where) {
    std::vector<std::string> names;
    for (const Type& type : types) {
      std::string name = type.to_string();
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    error("validation.incompatible-types", span,
          fmt::format("the types {} are not compatible", join_with_and(names)),
          fmt::format("{} must have compatible types. {}", lub_context_text(where),
                      lub_help_text(hint)));
  }

  // -- expect --

  Answer expect_answer(Answer answer, SourceSpan span, std::initializer_list<const Type*> expected,
                       HelpFn help) {
    if (!answer.type) return failure(std::nullopt);
    for (const Type* type : expected) {
      if (is_subtype(*answer.type, *type, Mode::kPermissive)) return answer;
    }
    unexpected_type(span, expected, *answer.type, help(*answer.type));
    return failure(std::nullopt);
  }

  Answer expect(const Caps& prior, const Expr& expr, std::initializer_list<const Type*> expected,
                HelpFn help = no_help) {
    return expect_answer(check(prior, expr), expr.span, expected, help);
  }

  Answer expect_bool(const Caps& prior, const Expr& expr) {
    return expect(prior, expr, {&boolean});
  }

  // -- dispatch --

  Answer check(const Caps& prior, const Expr& expr) {
    switch (expr.kind) {
      case ExprKind::kLiteral:
        return literal(expr);
      case ExprKind::kVar:
        return variable(expr.var());
      case ExprKind::kSlot:
        return slot(expr.slot());
      case ExprKind::kIf:
        return conditional(prior, expr);
      case ExprKind::kAnd:
        return conjoin(
            prior, [&](const Caps& p) { return expect_bool(p, *expr.a); },
            [&](const Caps& p) { return expect_bool(p, *expr.b); });
      case ExprKind::kOr:
        return disjoin(prior, expr);
      case ExprKind::kNot:
        return negate(expect_bool(prior, *expr.a));
      case ExprKind::kNeg:
        return then(expect(prior, *expr.a, {&long_type}),
                    [](OptType, Caps) { return success(Type::long_type()); });
      case ExprKind::kIsEmpty:
        return then(expect(prior, *expr.a, {&any_set}, help_is_empty),
                    [](OptType, Caps) { return success(Type::boolean()); });
      case ExprKind::kEq:
        return equality(prior, *expr.a, *expr.b, expr.span);
      case ExprKind::kNotEq:
        // Cedar writes `a != b` as `!(a == b)`.
        return negate(expect_answer(equality(prior, *expr.a, *expr.b, expr.span), expr.span,
                                    {&boolean}, no_help));
      case ExprKind::kLess:
      case ExprKind::kLessEq:
        return comparison(prior, *expr.a, *expr.b);
      case ExprKind::kGreater:
      case ExprKind::kGreaterEq:
        // Cedar writes `a > b` as `b < a` and `a >= b` as `b <= a`.
        return comparison(prior, *expr.b, *expr.a);
      case ExprKind::kAdd:
      case ExprKind::kSub:
      case ExprKind::kMul:
        return arithmetic(prior, expr);
      case ExprKind::kIn:
        return membership(prior, *expr.a, *expr.b);
      case ExprKind::kContains:
        return contains(prior, expr);
      case ExprKind::kContainsAll:
      case ExprKind::kContainsAny:
        return contains_all_any(prior, expr);
      case ExprKind::kHasTag:
        return has_tag(prior, expr);
      case ExprKind::kGetTag:
        return get_tag(prior, expr);
      case ExprKind::kGetAttr:
        return get_attr(prior, expect(prior, *expr.a, {&any_entity, &any_record}),
                        Shape::of(*expr.a), expr.name, expr.span);
      case ExprKind::kHasAttr:
        return has_attr_path(prior, expr);
      case ExprKind::kLike:
        return then(expect(prior, *expr.a, {&string_type}, help_for_like),
                    [](OptType, Caps) { return success(Type::boolean()); });
      case ExprKind::kIs:
        return is_expression(prior, expr);
      case ExprKind::kSet:
        return set_expression(prior, expr);
      case ExprKind::kRecord:
        return record_expression(prior, expr);
      case ExprKind::kExtensionCall:
        return extension_call(prior, expr);
    }
    return failure(std::nullopt);
  }

  // -- leaves --

  Answer literal(const Expr& expr) {
    // Inside a folded collection, booleans computed by extension methods are not literals.
    const bool plain = expr.span.length == 0 || !has_call(span_text(source, expr.span));
    if (expr.literal.is_bool()) {
      return success(is_plain_literal(expr, source) ? Type::singleton(expr.literal.as_bool())
                                                    : Type::boolean());
    }
    return value(expr.literal, plain, expr.span);
  }

  Answer value(const Value& v, bool plain, SourceSpan span) {
    switch (v.kind()) {
      case ValueKind::kBool:
        return success(plain ? Type::singleton(v.as_bool()) : Type::boolean());
      case ValueKind::kLong:
        return success(Type::long_type());
      case ValueKind::kString:
        return success(Type::string_type());
      case ValueKind::kEntity:
        return entity_literal(v.as_entity());
      case ValueKind::kExtension:
        return success(Type::extension(extension_type_of(v.as_extension().kind())));
      case ValueKind::kSet: {
        std::vector<Answer> items;
        for (const Value& item : v.set_items()) items.push_back(value(item, plain, span));
        return set_of(std::move(items), span);
      }
      case ValueKind::kRecord: {
        std::vector<std::string_view> keys;
        std::vector<Answer> items;
        for (const RecordEntry& entry : v.record_entries()) {
          keys.push_back(entry.key);
          items.push_back(value(entry.value, plain, span));
        }
        return record_of(keys, std::move(items));
      }
    }
    return failure(std::nullopt);
  }

  // Unknown entity types and actions fail without an error: those are reported once per policy
  // by the scope and literal checks (validator.cpp).
  Answer entity_literal(const EntityUid& uid) {
    if (internal::is_action_type(uid.type)) {
      const ActionDef* action = schema.find_action(uid.type, uid.id);
      return action != nullptr ? success(Type::action(action->uid.type)) : failure(std::nullopt);
    }
    const EntityTypeDef* type = schema.find_entity_type(uid.type);
    return type != nullptr ? success(Type::entity(type->name)) : failure(std::nullopt);
  }

  Answer variable(Var var) {
    switch (var) {
      case Var::kPrincipal:
        return success(Type::entity(env.principal));
      case Var::kAction:
        return success(Type::action(env.action->uid.type));
      case Var::kResource:
        return success(Type::entity(env.resource));
      case Var::kContext:
        break;
    }
    return success(*env.context);
  }

  Answer slot(SlotId id) {
    const auto& bound = id == SlotId::kPrincipal ? env.principal_slot : env.resource_slot;
    return success(bound ? Type::entity(*bound) : Type::any_entity());
  }

  // -- collections --

  std::optional<Type> lub_or_error(const std::vector<Type>& types, SourceSpan span,
                                   LubContext where) {
    Type lub = Type::never();
    for (const Type& type : types) {
      LubHelp hint = LubHelp::kNone;
      auto next = least_upper_bound(lub, type, &hint);
      if (!next) {
        incompatible_types(span, types, hint, where);
        return std::nullopt;
      }
      lub = std::move(*next);
    }
    return lub;
  }

  Answer set_of(std::vector<Answer> items, SourceSpan span) {
    bool failed = false;
    bool typed = true;
    std::vector<Type> types;
    for (Answer& item : items) {
      failed = failed || !item.ok;
      if (item.type) {
        types.push_back(*item.type);
      } else {
        typed = false;
      }
    }
    std::optional<Type> lub;
    if (typed) lub = lub_or_error(types, span, LubContext::kSet);
    Answer out;
    if (items.empty()) {
      error("validation.empty-set-forbidden", span, "empty set literals are forbidden in policies");
      out = failure(std::nullopt);
    } else {
      out = lub ? success(Type::set_of(*lub)) : failure(std::nullopt);
    }
    if (failed) out = failure(out.type);
    return out;
  }

  Answer record_of(const std::vector<std::string_view>& keys, std::vector<Answer> items) {
    bool failed = false;
    bool typed = true;
    std::vector<AttrType> attributes;
    for (size_t i = 0; i < items.size(); ++i) {
      failed = failed || !items[i].ok;
      if (!items[i].type) {
        typed = false;
        continue;
      }
      attributes.push_back({keys[i], *items[i].type, true});
    }
    if (!typed) return failure(std::nullopt);
    Type record = Type::record(std::move(attributes), false);
    return failed ? failure(std::move(record)) : success(std::move(record));
  }

  Answer set_expression(const Caps& prior, const Expr& expr) {
    std::vector<Answer> items;
    for (const Expr* item : expr.items) items.push_back(check(prior, *item));
    return set_of(std::move(items), expr.span);
  }

  Answer record_expression(const Caps& prior, const Expr& expr) {
    std::vector<std::string_view> keys;
    std::vector<Answer> items;
    for (const RecordField& field : expr.fields) {
      keys.push_back(field.key);
      items.push_back(check(prior, *field.value));
    }
    return record_of(keys, std::move(items));
  }

  // -- boolean structure --

  static Answer flip(OptType type) {
    if (!type) return failure(Type::boolean());
    if (type->is(Kind::kTrue)) return success(Type::singleton(false));
    if (type->is(Kind::kFalse)) return success(Type::singleton(true));
    return success(Type::boolean());
  }

  // `!e`, given e's answer (already expected to be boolean).
  static Answer negate(Answer operand) {
    return then(std::move(operand), [](OptType type, Caps) { return flip(std::move(type)); });
  }

  // `left && right`; each side is a function of the prior capabilities returning an answer
  // already expected to be boolean.
  template <typename Left, typename Right>
  Answer conjoin(const Caps& prior, Left&& left, Right&& right) {
    return then(left(prior), [&](OptType lhs, Caps lhs_caps) {
      // `false && e` is false without looking at `e`.
      if (lhs && lhs->is(Kind::kFalse)) return success(std::move(lhs));
      // The right side only runs when the left is true, so it may use the left's knowledge.
      return then(right(prior.united(lhs_caps)), [&](OptType rhs, Caps rhs_caps) {
        if (!lhs || !rhs) return failure(Type::boolean());
        if (rhs->is(Kind::kFalse)) return success(Type::singleton(false));
        if (rhs->is(Kind::kTrue)) return success(lhs, lhs_caps.united(rhs_caps));
        if (lhs->is(Kind::kTrue)) return success(rhs, rhs_caps);
        return success(Type::boolean(), lhs_caps.united(rhs_caps));
      });
    });
  }

  Answer disjoin(const Caps& prior, const Expr& expr) {
    return then(expect_bool(prior, *expr.a), [&](OptType lhs, Caps lhs_caps) {
      // `true || e` is true without looking at `e`.
      if (lhs && lhs->is(Kind::kTrue)) return success(std::move(lhs), std::move(lhs_caps));
      // Either side may have been the true one: the right side learns nothing from the left.
      return then(expect_bool(prior, *expr.b), [&](OptType rhs, Caps rhs_caps) {
        if (!lhs || !rhs) return failure(Type::boolean());
        if (rhs->is(Kind::kTrue)) return success(Type::singleton(true), rhs_caps);
        if (rhs->is(Kind::kFalse)) return success(lhs, lhs_caps);
        if (lhs->is(Kind::kFalse)) return success(rhs, rhs_caps);
        return success(Type::boolean(), rhs_caps.intersected(lhs_caps));
      });
    });
  }

  Answer conditional(const Caps& prior, const Expr& expr) {
    return then(expect_bool(prior, *expr.a), [&](OptType test, Caps test_caps) {
      if (test && test->is(Kind::kTrue)) {
        return then(check(prior.united(test_caps), *expr.b), [&](OptType type, Caps caps) {
          return success(std::move(type), caps.united(test_caps));
        });
      }
      if (test && test->is(Kind::kFalse)) {
        return then(check(prior, *expr.c),
                    [](OptType type, Caps caps) { return success(std::move(type), caps); });
      }
      Answer then_branch = check(prior.united(test_caps), *expr.b);
      if (then_branch.ok) then_branch.caps = then_branch.caps.united(test_caps);
      Answer else_branch = check(prior, *expr.c);
      return then(std::move(then_branch), [&](OptType then_type, Caps then_caps) {
        return then(std::move(else_branch), [&](OptType else_type, Caps else_caps) {
          if (!then_type || !else_type) return failure(std::nullopt);
          auto lub = lub_or_error({*then_type, *else_type}, expr.span, LubContext::kConditional);
          if (!lub) return failure(std::nullopt);
          return success(std::move(lub), else_caps.intersected(then_caps));
        });
      });
    });
  }

  // -- equality and comparison --

  // An entity literal or the `action` variable (which is the environment's action), as a uid.
  std::optional<EntityUid> euid_of(const Expr& expr) const {
    if (expr.kind == ExprKind::kVar && expr.var() == Var::kAction) return action_uid;
    if (expr.kind == ExprKind::kLiteral && expr.literal.is_entity())
      return expr.literal.as_entity();
    return std::nullopt;
  }

  // What type_of_equality compares when both sides are literals.
  std::optional<Value> literal_for_equality(const Expr& expr) const {
    if (expr.kind == ExprKind::kVar && expr.var() == Var::kAction) {
      return Value::from_entity(&action_uid);
    }
    if (!is_plain_literal(expr, source)) return std::nullopt;
    return expr.literal;
  }

  Type type_of_equality(const Expr& lhs, const OptType& lhs_type, const Expr& rhs,
                        const OptType& rhs_type) const {
    if (lhs_type && rhs_type && are_disjoint(*lhs_type, *rhs_type)) return Type::singleton(false);
    const auto left = literal_for_equality(lhs);
    const auto right = literal_for_equality(rhs);
    if (left && right) return Type::singleton(*left == *right);
    return Type::boolean();
  }

  // Strict mode: operands of `==`, `contains` and friends must have a least upper bound,
  // unless the expression's value is already known.
  Answer enforce_strict(SourceSpan span, Type annotated, const Type* lhs, const Type* rhs,
                        LubContext where) {
    if (annotated.is_singleton() || lhs == nullptr || rhs == nullptr) {
      return success(std::move(annotated));
    }
    LubHelp hint = LubHelp::kNone;
    if (!least_upper_bound(*lhs, *rhs, &hint)) {
      incompatible_types(span, {*lhs, *rhs}, hint, where);
      return failure(std::move(annotated));
    }
    return success(std::move(annotated));
  }

  Answer equality(const Caps& prior, const Expr& lhs, const Expr& rhs, SourceSpan span) {
    Answer left = check(prior, lhs);
    Answer right = check(prior, rhs);
    return then(std::move(left), [&](OptType lhs_type, Caps) {
      return then(std::move(right), [&](OptType rhs_type, Caps) {
        Type type = type_of_equality(lhs, lhs_type, rhs, rhs_type);
        return enforce_strict(span, std::move(type), lhs_type ? &*lhs_type : nullptr,
                              rhs_type ? &*rhs_type : nullptr, LubContext::kEquality);
      });
    });
  }

  std::vector<Type> comparison_types() const {
    return {Type::extension(ExtensionType::kDatetime), Type::extension(ExtensionType::kDuration),
            Type::long_type()};
  }

  void comparison_error(SourceSpan span, const std::vector<Type>& expected, const Type& actual) {
    std::vector<std::string> names;
    for (const Type& type : expected) names.push_back(type.to_string());
    error("validation.unexpected-type", span,
          fmt::format("unexpected type: expected {} but saw {}", fmt::join(names, ", or "),
                      actual.to_string()));
  }

  // `lhs < rhs` and `lhs <= rhs`: both Long, or both the same comparable extension type.
  Answer comparison(const Caps& prior, const Expr& lhs, const Expr& rhs) {
    return then(check(prior, lhs), [&](OptType t1, Caps) {
      return then(check(prior, rhs), [&](OptType t2, Caps) {
        const Answer ok = success(Type::boolean());
        const Answer bad = failure(Type::boolean());
        if (!t1 || !t2) return bad;
        const bool never1 = t1->is(Kind::kNever);
        const bool never2 = t2->is(Kind::kNever);
        if (never1 && never2) return bad;
        if (never1 || never2) {
          const Type& other = never1 ? *t2 : *t1;
          if (comparable(other)) return ok;
          comparison_error(never1 ? rhs.span : lhs.span, comparison_types(), other);
          return bad;
        }
        if (*t1 == *t2 && comparable(*t1)) return ok;
        if (t1->is(Kind::kLong)) {
          comparison_error(rhs.span, {Type::long_type()}, *t2);
        } else if (t2->is(Kind::kLong)) {
          comparison_error(lhs.span, {Type::long_type()}, *t1);
        } else if (comparable(*t1)) {
          comparison_error(rhs.span, {*t1}, *t2);
        } else if (comparable(*t2)) {
          comparison_error(lhs.span, {*t2}, *t1);
        } else {
          comparison_error(lhs.span, comparison_types(), *t1);
          comparison_error(rhs.span, comparison_types(), *t2);
        }
        return bad;
      });
    });
  }

  Answer arithmetic(const Caps& prior, const Expr& expr) {
    const HelpFn help = expr.kind == ExprKind::kAdd ? help_add : help_arithmetic;
    return then(expect(prior, *expr.a, {&long_type}, help), [&](OptType, Caps) {
      return then(expect(prior, *expr.b, {&long_type}, help),
                  [](OptType, Caps) { return success(Type::long_type()); });
    });
  }

  // -- hierarchy membership --

  // Entity literals and `action` on the right of `in`: one, or a set of them.
  std::optional<std::vector<EntityUid>> euids_of(const Expr& expr) const {
    if (auto one = euid_of(expr)) return std::vector<EntityUid>{*one};
    std::vector<EntityUid> out;
    if (expr.kind == ExprKind::kSet) {
      for (const Expr* item : expr.items) {
        auto uid = euid_of(*item);
        if (!uid) return std::nullopt;
        out.push_back(*uid);
      }
      return out;
    }
    if (expr.kind == ExprKind::kLiteral && expr.literal.is_set()) {
      for (const Value& item : expr.literal.set_items()) {
        if (!item.is_entity()) return std::nullopt;
        out.push_back(item.as_entity());
      }
      return out;
    }
    return std::nullopt;
  }

  // The actions that are `in` any of `groups` (themselves included); nullopt when one of them
  // is not a declared action.
  std::optional<std::vector<ActionUid>> actions_in(const std::vector<EntityUid>& groups) const {
    std::vector<ActionUid> out;
    for (const EntityUid& group : groups) {
      const ActionDef* action = schema.find_action(group.type, group.id);
      if (action == nullptr) return std::nullopt;
      out.insert(out.end(), action->descendants.begin(), action->descendants.end());
      out.push_back(action->uid);
    }
    return out;
  }

  static bool listed(const std::vector<ActionUid>& actions, const EntityUid& uid) {
    return std::any_of(actions.begin(), actions.end(), [&](const ActionUid& action) {
      return action.type == uid.type && action.id == uid.id;
    });
  }

  // Whether an entity of type `lhs` may be `in` one of type `rhs`, through the entity
  // hierarchy or, for action types, the action hierarchy.
  bool may_be_in(std::string_view lhs, std::string_view rhs) const {
    if (schema.entity_type_in(lhs, rhs)) return true;
    for (const ActionDef& action : schema.actions()) {
      if (action.uid.type != rhs) continue;
      for (const ActionUid& member : action.descendants) {
        if (member.type == lhs) return true;
      }
    }
    return false;
  }

  static std::optional<std::string_view> named_type(const OptType& type) {
    if (type && (type->is(Kind::kEntity) || type->is(Kind::kAction))) return type->name();
    return std::nullopt;
  }

  // `action` (or an action literal) `in` entity literals is decided by the action hierarchy;
  // otherwise an `in` between entity types that can never be related is false. (Older Cedar 4
  // releases typed only syntactic special cases such as `principal in Group::"g"`; the
  // conformance corpus follows this type-based rule and disagrees with the older one on nine
  // tests.)
  Answer in_by_types(const Expr& lhs, const Expr& rhs, const OptType& lhs_type,
                     const OptType& rhs_type) {
    const auto lhs_uid = euid_of(lhs);
    const auto rhs_uids = euids_of(rhs);
    if (lhs_uid && rhs_uids && internal::is_action_type(lhs_uid->type)) {
      std::vector<EntityUid> actions;
      for (const EntityUid& uid : *rhs_uids) {
        if (internal::is_action_type(uid.type)) actions.push_back(uid);
      }
      if (actions.empty()) return success(Type::singleton(false));
      const auto members = actions_in(actions);
      if (!members) return failure(Type::boolean());
      return success(Type::singleton(listed(*members, *lhs_uid)));
    }
    const auto left = named_type(lhs_type);
    std::optional<std::string_view> right = named_type(rhs_type);
    if (!right && rhs_type && rhs_type->is(Kind::kSet) && rhs_type->element() != nullptr) {
      right = named_type(*rhs_type->element());
    }
    if (left && right && !may_be_in(*left, *right)) return success(Type::singleton(false));
    return success(Type::boolean());
  }

  Answer membership(const Caps& prior, const Expr& lhs, const Expr& rhs) {
    Answer left = expect(prior, lhs, {&any_entity}, help_try_contains);
    Answer right = expect(prior, rhs, {&entity_set, &any_entity}, help_for_has);
    const bool typed = left.ok && right.ok;
    return then(std::move(left), [&](OptType lhs_type, Caps) {
      return then(std::move(right), [&](OptType rhs_type, Caps) {
        if (!typed) return failure(Type::boolean());
        Answer out = in_by_types(lhs, rhs, lhs_type, rhs_type);
        out.caps = Caps{};
        return out;
      });
    });
  }

  // -- sets --

  Answer contains(const Caps& prior, const Expr& expr) {
    return then(expect(prior, *expr.a, {&any_set}, help_for_set_receiver), [&](OptType set_type,
                                                                               Caps) {
      return then(check(prior, *expr.b), [&](OptType item_type, Caps) {
        const Type* element = set_type && set_type->is(Kind::kSet) ? set_type->element() : nullptr;
        return enforce_strict(expr.span, Type::boolean(), element,
                              item_type ? &*item_type : nullptr, LubContext::kContains);
      });
    });
  }

  Answer contains_all_any(const Caps& prior, const Expr& expr) {
    return then(expect(prior, *expr.a, {&any_set}, help_for_set_receiver), [&](OptType lhs, Caps) {
      return then(expect(prior, *expr.b, {&any_set}, help_single_contains), [&](OptType rhs, Caps) {
        return enforce_strict(expr.span, Type::boolean(), lhs ? &*lhs : nullptr,
                              rhs ? &*rhs : nullptr, LubContext::kContainsAnyAll);
      });
    });
  }

  // -- tags --

  // The tag types entities of this type may have (none for types without `tags`).
  std::vector<Type> tag_types(const Type& type) {
    std::vector<Type> out;
    const auto add = [&](const EntityTypeDef& def) {
      if (!def.tags) return;
      Type tag = context.convert(*def.tags);
      if (std::find(out.begin(), out.end(), tag) == out.end()) out.push_back(std::move(tag));
    };
    if (type.is(Kind::kEntity)) {
      if (const EntityTypeDef* def = schema.find_entity_type(type.name())) add(*def);
    } else if (type.is(Kind::kAnyEntity)) {
      for (const EntityTypeDef& def : schema.entity_types()) add(def);
    }
    return out;
  }

  template <typename F>
  Answer with_tag_operands(const Caps& prior, const Expr& expr, F&& next) {
    return then(expect(prior, *expr.a, {&any_entity}), [&](OptType entity, Caps) {
      return then(expect(prior, *expr.b, {&string_type}), [&](OptType, Caps) {
        if (!entity) return failure(std::nullopt);
        return next(*entity, Capability{Shape::of(*expr.a), {}, expr.b});
      });
    });
  }

  Answer has_tag(const Caps& prior, const Expr& expr) {
    return with_tag_operands(prior, expr, [&](const Type& entity, Capability capability) {
      Type type = tag_types(entity).empty()    ? Type::singleton(false)
                  : prior.contains(capability) ? Type::singleton(true)
                                               : Type::boolean();
      return success(std::move(type), Caps(std::move(capability)));
    });
  }

  Answer get_tag(const Caps& prior, const Expr& expr) {
    return with_tag_operands(prior, expr, [&](const Type& entity, const Capability& capability) {
      const std::string key = to_cedar_string(*expr.b);
      if (!prior.contains(capability)) {
        const std::string on =
            entity.is(Kind::kEntity) ? fmt::format(" on entity type `{}`", entity.name()) : "";
        error("validation.unsafe-tag-access", expr.span,
              fmt::format("unable to guarantee safety of access to tag `{}`{}", key, on),
              fmt::format("try testing for the tag's presence with `.hasTag({}) && ..`", key));
        return failure(std::nullopt);
      }
      const std::vector<Type> tags = tag_types(entity);
      if (tags.empty()) {
        const std::string which =
            entity.is(Kind::kEntity) ? fmt::format("type `{}`", entity.name()) : "this type";
        error("validation.no-tags-allowed", expr.span,
              fmt::format("`.getTag()` is not allowed on entities of {} because no `tags` were "
                          "declared on the entity type in the schema",
                          which));
        return failure(std::nullopt);
      }
      auto lub = lub_or_error(tags, expr.span, LubContext::kGetTag);
      return lub ? success(std::move(lub)) : failure(std::nullopt);
    });
  }

  // -- attributes --

  // How Cedar names an attribute access in messages: `a.b` on an entity type, in the context
  // of an action, or on its own.
  struct Access {
    enum class Kind : uint8_t { kEntity, kContext, kOther } kind = Kind::kOther;
    std::string_view entity_type;
    std::vector<std::string_view> attributes;  // outermost first
  };

  // The type of `shape`'s base when it is a variable or an entity literal (else nullopt).
  std::optional<Type> quiet_base_type(const Expr& base) {
    if (base.kind == ExprKind::kVar) return variable(base.var()).type;
    if (base.kind == ExprKind::kLiteral && base.literal.is_entity()) {
      return entity_literal(base.literal.as_entity()).type;
    }
    return std::nullopt;
  }

  Access describe(const Type& target, const Shape& shape, std::string_view attribute) {
    Access access;
    std::vector<std::optional<Type>> types{quiet_base_type(*shape.base)};
    for (std::string_view step : shape.path) {
      std::optional<Type> next;
      if (types.back()) {
        if (auto found = lookup_attribute(context, *types.back(), step)) next = found->type;
      }
      types.push_back(next);
    }
    types.back() = target;
    std::vector<std::string_view> reversed{attribute};
    for (size_t i = shape.path.size();; --i) {
      if (types[i] && types[i]->is(Kind::kEntity)) {
        access.kind = Access::Kind::kEntity;
        access.entity_type = types[i]->name();
        break;
      }
      if (i == 0) {
        const bool context_var =
            shape.base->kind == ExprKind::kVar && shape.base->var() == Var::kContext;
        access.kind = context_var ? Access::Kind::kContext : Access::Kind::kOther;
        break;
      }
      reversed.push_back(shape.path[i - 1]);
    }
    access.attributes.assign(reversed.rbegin(), reversed.rend());
    return access;
  }

  std::string access_text(const Access& access) const {
    const std::string path = fmt::format("{}", fmt::join(access.attributes, "."));
    switch (access.kind) {
      case Access::Kind::kEntity:
        return fmt::format("`{}` on entity type `{}`", path, access.entity_type);
      case Access::Kind::kContext:
        return fmt::format("`{}` in context for {}", path, env.action->uid.to_string());
      case Access::Kind::kOther:
        break;
    }
    return fmt::format("`{}`", path);
  }

  static std::string suggested_guard(const Access& access) {
    std::string base = access.kind == Access::Kind::kContext ? "context" : "e";
    for (size_t i = 0; i + 1 < access.attributes.size(); ++i) {
      base += ".";
      base += access.attributes[i];
    }
    return fmt::format("{} has {}", base, access.attributes.back());
  }

  // `target.attribute`, where `target` (already expected to be an entity or record) has the
  // shape `shape`.
  Answer get_attr(const Caps& prior, Answer target, const Shape& shape, std::string_view attribute,
                  SourceSpan span) {
    return then(std::move(target), [&](OptType type, Caps) {
      if (!type) return failure(std::nullopt);
      const auto found = lookup_attribute(context, *type, attribute);
      if (found) {
        if (found->required || prior.contains(Capability{shape, attribute, nullptr})) {
          return success(found->type);
        }
        const Access access = describe(*type, shape, attribute);
        error("validation.unsafe-optional-attribute-access", span,
              fmt::format("unable to guarantee safety of access to optional attribute {}",
                          access_text(access)),
              fmt::format("try testing for the attribute's presence with `{} && ..`",
                          suggested_guard(access)));
        return failure(found->type);
      }
      const Access access = describe(*type, shape, attribute);
      const bool may_exist = may_have_attribute(context, *type, attribute);
      const auto suggestion = closest_match(attribute, known_attributes(context, *type));
      std::string help;
      if (suggestion && !may_exist) help = fmt::format("did you mean `{}`?", *suggestion);
      if (!suggestion && may_exist) {
        help = "there may be additional attributes that the validator is not able to reason about";
      }
      if (suggestion && may_exist) {
        help = fmt::format(
            "did you mean `{}`? (there may also be additional attributes that the validator is "
            "not able to reason about)",
            *suggestion);
      }
      error("validation.unsafe-attribute-access", span,
            fmt::format("attribute {} not found", access_text(access)), std::move(help));
      return failure(std::nullopt);
    });
  }

  // `target has attribute`.
  Answer has_attr(const Caps& prior, Answer target, const Shape& shape,
                  std::string_view attribute) {
    return then(std::move(target), [&](OptType type, Caps) {
      if (!type) return failure(Type::boolean());
      Capability capability{shape, attribute, nullptr};
      const bool known = prior.contains(capability);
      const auto found = lookup_attribute(context, *type, attribute);
      if (found) {
        // A required attribute of an entity is only there if the entity exists.
        const bool certain = known || (found->required && type->is(Kind::kRecord));
        return success(certain ? Type::singleton(true) : Type::boolean(),
                       Caps(std::move(capability)));
      }
      return success(may_have_attribute(context, *type, attribute) ? Type::boolean()
                                                                   : Type::singleton(false));
    });
  }

  // The value of `base.path[0]...path[count-1]`, accessed step by step.
  Answer attribute_chain(const Caps& prior, const Expr& base,
                         std::span<const std::string_view> path, SourceSpan span) {
    Answer current = check(prior, base);
    Shape shape = Shape::of(base);
    for (std::string_view attribute : path) {
      Answer target = expect_answer(std::move(current), span, {&any_entity, &any_record}, no_help);
      current = get_attr(prior, std::move(target), shape, attribute, span);
      shape = shape.then(attribute);
    }
    return current;
  }

  // `e has a` and `e has a.b.c`, the latter as Cedar's parser writes it:
  // `(e has a && e.a has b) && e.a.b has c`.
  Answer has_attr_path(const Caps& prior, const Expr& expr) {
    const Expr& base = *expr.a;
    const auto step = [&](const Caps& p, size_t index) {
      Answer target = expect_answer(
          attribute_chain(p, base, expr.path.subspan(0, index), expr.span),
          index == 0 ? base.span : expr.span, {&any_entity, &any_record}, help_for_has);
      Shape shape = Shape::of(base);
      for (size_t i = 0; i < index; ++i) shape = shape.then(expr.path[i]);
      return expect_answer(has_attr(p, std::move(target), shape, expr.path[index]), expr.span,
                           {&boolean}, no_help);
    };
    if (expr.path.size() == 1) return has_attr_single(prior, expr);
    return has_chain(prior, expr.path.size(), step);
  }

  Answer has_attr_single(const Caps& prior, const Expr& expr) {
    Answer target = expect(prior, *expr.a, {&any_entity, &any_record}, help_for_has);
    return has_attr(prior, std::move(target), Shape::of(*expr.a), expr.path[0]);
  }

  template <typename Step>
  Answer has_chain(const Caps& prior, size_t count, const Step& step) {
    if (count == 1) return step(prior, 0);
    return conjoin(
        prior, [&](const Caps& p) { return has_chain(p, count - 1, step); },
        [&](const Caps& p) { return step(p, count - 1); });
  }

  // -- entity types --

  Answer type_test(const Caps& prior, const Expr& target, std::string_view entity_type) {
    return then(expect(prior, target, {&any_entity}, help_type_test), [&](OptType type, Caps) {
      if (!type) return failure(Type::boolean());
      if (type->is(Kind::kEntity) || type->is(Kind::kAction)) {
        return success(Type::singleton(type->name() == entity_type));
      }
      if (type->is(Kind::kAnyEntity)) return success(Type::boolean());
      return failure(Type::boolean());
    });
  }

  // `e is T` and `e is T in x`, the latter as Cedar writes it: `e is T && e in x`.
  Answer is_expression(const Caps& prior, const Expr& expr) {
    if (expr.b == nullptr) return type_test(prior, *expr.a, expr.name);
    return conjoin(
        prior,
        [&](const Caps& p) {
          return expect_answer(type_test(p, *expr.a, expr.name), expr.span, {&boolean}, no_help);
        },
        [&](const Caps& p) {
          return expect_answer(membership(p, *expr.a, *expr.b), expr.span, {&boolean}, no_help);
        });
  }

  // -- extension functions --

  Answer extension_call(const Caps& prior, const Expr& expr) {
    const auto id = static_cast<ExtensionFunctionId>(expr.tag);
    const Signature sig = signature(id);
    bool failed = false;
    if (expr.items.size() != sig.arguments.size()) {
      error("validation.wrong-number-of-arguments", expr.span,
            fmt::format("wrong number of arguments in extension function application. Expected "
                        "{}, got {}",
                        sig.arguments.size(), expr.items.size()));
      failed = true;
    }
    if (sig.constructor) failed = check_constructor(id, expr) || failed;
    if (failed) {
      for (const Expr* arg : expr.items) check(prior, *arg);
      return failure(sig.result);
    }
    std::vector<Answer> args;
    for (size_t i = 0; i < expr.items.size(); ++i) {
      const Type& expected = sig.arguments[i];
      args.push_back(expect(prior, *expr.items[i], {&expected}));
    }
    const bool all_ok = std::all_of(args.begin(), args.end(), [](const Answer& a) { return a.ok; });
    return all_ok ? success(sig.result) : failure(sig.result);
  }

  // Strict mode takes constructor arguments only as literals, and those must parse. Returns
  // whether an error was reported.
  bool check_constructor(ExtensionFunctionId id, const Expr& expr) {
    bool failed = false;
    if (expr.items.size() == 1 && expr.items[0]->kind == ExprKind::kLiteral &&
        expr.items[0]->literal.is_string()) {
      std::string why = constructor_literal_error(id, expr.items[0]->literal.as_string());
      if (!why.empty()) {
        error("validation.invalid-extension-literal", expr.span,
              "error during extension function argument validation: " + why);
        failed = true;
      }
    }
    const bool literal_args = std::all_of(expr.items.begin(), expr.items.end(), [&](const Expr* a) {
      return is_plain_literal(*a, source);
    });
    if (!literal_args) {
      error("validation.non-literal-extension-constructor", expr.span,
            "extension constructors may not be called with non-literal expressions",
            "consider applying extension constructors inside attribute values when constructing "
            "entity or context data");
      failed = true;
    }
    return failed;
  }
};

Typechecker::Typechecker(TypeContext& context, std::string_view source)
    : context_(context), source_(source) {}

Typechecker::Outcome Typechecker::check_condition(const Expr& condition, const RequestEnv& env,
                                                  std::vector<TypeError>& errors) {
  State state(context_, source_, env, errors);
  const Answer answer = state.expect_bool(Caps{}, condition);
  Outcome outcome;
  outcome.ok = answer.ok;
  outcome.is_false = answer.type && answer.type->is(Kind::kFalse);
  return outcome;
}

}  // namespace eksguard::cedar::validation
