#include "cedar/validator/validator.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>

#include "cedar/internal/names.h"
#include "cedar/parser.h"
#include "cedar/validator/suggest.h"
#include "cedar/validator/typecheck.h"
#include "common/utf8.h"

namespace eksguard::cedar {
namespace {

using validation::RequestEnv;
using validation::Type;
using validation::TypeContext;
using validation::TypeError;

// ---- The policy as one expression ------------------------------------------------------------

// Builds the expressions Cedar derives from a policy's scope and conditions. Nodes get
// zero-length spans at the construct they come from, which also marks their literals as
// genuine literals (is_plain_literal).
class ConditionBuilder {
 public:
  explicit ConditionBuilder(Arena& arena) : arena_(arena) {}

  struct Built {
    const Expr* principal;  // the scope constraints as expressions
    const Expr* action;
    const Expr* resource;
    const Expr* condition;  // ((principal && action) && resource) && conditions
  };

  // The policy as Template::condition() writes it.
  Built build(const Policy& policy) {
    Built out;
    out.principal = principal_or_resource(Var::kPrincipal, SlotId::kPrincipal, policy.principal);
    out.action = action(policy.action);
    out.resource = principal_or_resource(Var::kResource, SlotId::kResource, policy.resource);
    out.condition = conjunction(conjunction(conjunction(out.principal, out.action), out.resource),
                                conditions(policy));
    return out;
  }

 private:
  Expr* node(ExprKind kind, SourceSpan at) {
    Expr* expr = arena_.make<Expr>();
    expr->kind = kind;
    expr->span = SourceSpan{at.offset, 0};
    return expr;
  }
  const Expr* literal(Value value, SourceSpan at) {
    Expr* expr = node(ExprKind::kLiteral, at);
    expr->literal = value;
    return expr;
  }
  const Expr* variable(Var var, SourceSpan at) {
    Expr* expr = node(ExprKind::kVar, at);
    expr->tag = static_cast<uint8_t>(var);
    return expr;
  }
  const Expr* binary(ExprKind kind, const Expr* a, const Expr* b) {
    Expr* expr = node(kind, a->span);
    expr->a = a;
    expr->b = b;
    return expr;
  }
  const Expr* conjunction(const Expr* a, const Expr* b) { return binary(ExprKind::kAnd, a, b); }

  // The entity a scope constraint compares with: a literal, or the template slot.
  const Expr* target(const ScopeConstraint& constraint, SlotId slot) {
    if (constraint.slot) {
      Expr* expr = node(ExprKind::kSlot, constraint.span);
      expr->tag = static_cast<uint8_t>(slot);
      return expr;
    }
    return literal(Value::from_entity(constraint.entity), constraint.span);
  }

  const Expr* principal_or_resource(Var var, SlotId slot, const ScopeConstraint& constraint) {
    const SourceSpan at = constraint.span;
    const auto type_test = [&] {
      Expr* expr = node(ExprKind::kIs, at);
      expr->a = variable(var, at);
      expr->name = constraint.entity_type;
      return static_cast<const Expr*>(expr);
    };
    // (The parser always gives `==` and `in` an entity or a slot.)
    const bool has_target = constraint.entity != nullptr || constraint.slot.has_value();
    switch (constraint.op) {
      case ScopeConstraint::Op::kAny:
        break;
      case ScopeConstraint::Op::kEq:
        if (!has_target) break;
        return binary(ExprKind::kEq, variable(var, at), target(constraint, slot));
      case ScopeConstraint::Op::kIn:
        if (!has_target) break;
        return binary(ExprKind::kIn, variable(var, at), target(constraint, slot));
      case ScopeConstraint::Op::kIs:
        return type_test();
      case ScopeConstraint::Op::kIsIn:
        if (!has_target) return type_test();
        return conjunction(type_test(),
                           binary(ExprKind::kIn, variable(var, at), target(constraint, slot)));
    }
    return literal(Value::from_bool(true), at);
  }

  const Expr* action(const ActionConstraint& constraint) {
    const SourceSpan at = constraint.span;
    switch (constraint.op) {
      case ActionConstraint::Op::kAny:
        break;
      case ActionConstraint::Op::kEq:
        if (constraint.entities.empty()) break;
        return binary(ExprKind::kEq, variable(Var::kAction, at),
                      literal(Value::from_entity(constraint.entities[0]), at));
      case ActionConstraint::Op::kIn: {
        // `action in A` and `action in [A, B]` are both a set of literals to Cedar.
        std::vector<const Expr*> items;
        for (const EntityUid* uid : constraint.entities) {
          items.push_back(literal(Value::from_entity(uid), at));
        }
        Expr* set = node(ExprKind::kSet, at);
        set->items = arena_.copy(std::span<const Expr* const>(items));
        return binary(ExprKind::kIn, variable(Var::kAction, at), set);
      }
    }
    return literal(Value::from_bool(true), at);
  }

  // `when { c }` is c and `unless { c }` is !c, folded left with `&&`; `true` when there are
  // none.
  const Expr* conditions(const Policy& policy) {
    const Expr* out = nullptr;
    for (const Condition& condition : policy.conditions) {
      const Expr* term = condition.expr;
      if (!condition.is_when) {
        Expr* negation = node(ExprKind::kNot, condition.span);
        negation->a = condition.expr;
        term = negation;
      }
      out = out == nullptr ? term : conjunction(out, term);
    }
    return out != nullptr ? out : literal(Value::from_bool(true), policy.span);
  }

  Arena& arena_;
};

// ---- Entity literals and type names in a policy ------------------------------------------------

struct UidUse {
  const EntityUid* uid;
  SourceSpan span;
};
struct TypeUse {
  std::string_view type;
  SourceSpan span;
};

void collect_value(const Value& value, SourceSpan span, std::vector<UidUse>& uids) {
  if (value.is_entity()) uids.push_back({&value.as_entity(), span});
  if (value.is_set()) {
    for (const Value& item : value.set_items()) collect_value(item, span, uids);
  }
  if (value.is_record()) {
    for (const RecordEntry& entry : value.record_entries()) collect_value(entry.value, span, uids);
  }
}

void collect_expr(const Expr* expr, std::vector<UidUse>& uids, std::vector<TypeUse>& types) {
  if (expr == nullptr) return;
  if (expr->kind == ExprKind::kLiteral) collect_value(expr->literal, expr->span, uids);
  if (expr->kind == ExprKind::kIs) types.push_back({expr->name, expr->span});
  collect_expr(expr->a, uids, types);
  collect_expr(expr->b, uids, types);
  collect_expr(expr->c, uids, types);
  for (const Expr* item : expr->items) collect_expr(item, uids, types);
  for (const RecordField& field : expr->fields) collect_expr(field.value, uids, types);
}

void collect_scope(const ScopeConstraint& constraint, std::vector<UidUse>& uids,
                   std::vector<TypeUse>& types) {
  if (constraint.entity != nullptr) uids.push_back({constraint.entity, constraint.span});
  if (constraint.op == ScopeConstraint::Op::kIs || constraint.op == ScopeConstraint::Op::kIsIn) {
    types.push_back({constraint.entity_type, constraint.span});
  }
}

// Every entity literal (uids) and every `is` type name (types) of a policy, scope first.
void collect_policy(const Policy& policy, std::vector<UidUse>& uids, std::vector<TypeUse>& types) {
  collect_scope(policy.principal, uids, types);
  for (const EntityUid* uid : policy.action.entities) uids.push_back({uid, policy.action.span});
  collect_scope(policy.resource, uids, types);
  for (const Condition& condition : policy.conditions) collect_expr(condition.expr, uids, types);
}

// ---- Reporting ---------------------------------------------------------------------------------

// 1-based line and byte column of offsets in the policy text, by binary search over the line
// starts (the text may hold thousands of policies).
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(static_cast<uint32_t>(i + 1));
    }
  }
  LineColumn at(uint32_t offset) const {
    const auto next = std::upper_bound(starts_.begin(), starts_.end(), offset);
    const auto line = static_cast<uint32_t>(next - starts_.begin());
    return LineColumn{line, offset - *(next - 1) + 1};
  }

 private:
  std::vector<uint32_t> starts_;
};

class Reporter {
 public:
  Reporter(const PolicySet& policies, const LineIndex& lines, PolicyValidation& out)
      : policies_(policies), lines_(lines), out_(out) {}

  void error(std::string_view code, SourceSpan span, const std::string& message,
             std::string help = {}) {
    add(out_.errors, code, span, message, std::move(help), Severity::kError);
  }
  void warning(std::string_view code, SourceSpan span, const std::string& message,
               std::string help = {}) {
    add(out_.warnings, code, span, message, std::move(help), Severity::kWarning);
  }

 private:
  void add(std::vector<ValidationDiagnostic>& list, std::string_view code, SourceSpan span,
           const std::string& message, std::string help, Severity severity) {
    const std::string text = fmt::format("for policy `{}`, {}", out_.policy_id, message);
    // Cedar keeps its diagnostics in a set: one per distinct (kind, position, details).
    const auto same = [&](const ValidationDiagnostic& d) {
      return d.diagnostic.code == code && d.offset == span.offset && d.diagnostic.message == text;
    };
    if (std::any_of(list.begin(), list.end(), same)) return;
    const LineColumn position = lines_.at(span.offset);
    ValidationDiagnostic diagnostic;
    diagnostic.diagnostic =
        make_diagnostic(std::string(code), text, policies_.file(), position.line, position.column,
                        std::max<uint32_t>(span.length, 1), severity);
    diagnostic.policy_id = out_.policy_id;
    diagnostic.help = std::move(help);
    diagnostic.offset = span.offset;
    list.push_back(std::move(diagnostic));
  }

  const PolicySet& policies_;
  const LineIndex& lines_;
  PolicyValidation& out_;
};

// ---- Suspicious strings --------------------------------------------------------------------

// The explicit bidirectional formatting characters that can reorder how source code displays
// ("Trojan Source"): LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI.
bool has_bidi_control(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const Utf8Char c = decode_utf8(text.data() + i, text.size() - i);
    i += c.length;
    const char32_t point = c.code_point;
    if ((point >= 0x202A && point <= 0x202E) || (point >= 0x2066 && point <= 0x2069)) return true;
  }
  return false;
}

void strings_in_value(const Value& value, std::vector<std::string_view>& out) {
  if (value.is_string()) out.push_back(value.as_string());
  if (value.is_entity()) out.push_back(value.as_entity().id);
  if (value.is_set()) {
    for (const Value& item : value.set_items()) strings_in_value(item, out);
  }
  if (value.is_record()) {
    for (const RecordEntry& entry : value.record_entries()) {
      out.push_back(entry.key);
      strings_in_value(entry.value, out);
    }
  }
}

// Warns about text in `expr` (string literals, entity ids, attribute names, patterns) with
// bidirectional controls; Cedar's confusable-string check does the same.
void check_text(const Expr* expr, Reporter& report) {
  if (expr == nullptr) return;
  std::vector<std::string_view> texts;
  if (expr->kind == ExprKind::kLiteral) strings_in_value(expr->literal, texts);
  if (expr->kind == ExprKind::kGetAttr) texts.push_back(expr->name);
  for (std::string_view step : expr->path) texts.push_back(step);
  for (const PatternPart& part : expr->pattern) texts.push_back(part.text);
  for (const RecordField& field : expr->fields) texts.push_back(field.key);
  if (std::any_of(texts.begin(), texts.end(), has_bidi_control)) {
    report.warning("validation.bidi-characters", expr->span,
                   "text contains bidirectional formatting characters, which can make it display "
                   "differently from how it evaluates");
  }
  check_text(expr->a, report);
  check_text(expr->b, report);
  check_text(expr->c, report);
  for (const Expr* item : expr->items) check_text(item, report);
  for (const RecordField& field : expr->fields) check_text(field.value, report);
}

// ---- The validator -----------------------------------------------------------------------------

// A request environment, with the indices of its types and action in the schema.
struct Env {
  const ActionDef* action;
  std::string_view principal;
  std::string_view resource;
  const Type* context;
  size_t principal_index;
  size_t action_index;
  size_t resource_index;
};

class Validator {
 public:
  Validator(const PolicySet& policies, const Schema& schema, const ValidationOptions& options)
      : policies_(policies),
        schema_(schema),
        options_(options),
        lines_(policies.source()),
        types_(schema) {
    // Every request the schema declares: each action with each of its principal and resource
    // types. (Types in `appliesTo` are always declared; an undeclared one would only share the
    // extra last slot of the scope caches.)
    const auto type_index = [&](std::string_view type) {
      const EntityTypeDef* def = schema.find_entity_type(type);
      return def == nullptr ? schema.entity_types().size()
                            : static_cast<size_t>(def - schema.entity_types().data());
    };
    for (const ActionDef& action : schema.actions()) {
      contexts_.push_back(types_.convert(action.context));
      const auto action_index = static_cast<size_t>(&action - schema.actions().data());
      for (const std::string& principal : action.principal_types) {
        for (const std::string& resource : action.resource_types) {
          envs_.push_back({&action, principal, resource, &contexts_.back(), type_index(principal),
                           action_index, type_index(resource)});
        }
      }
    }
  }

  ValidationResult run() {
    ValidationResult result;
    for (const Policy& policy : policies_.policies()) {
      const Policy* source = template_of(policy);
      result.policies.push_back(source != nullptr ? check_link(policy, *source)
                                                  : check_policy(policy));
    }
    for (const Policy& policy : policies_.templates()) {
      result.policies.push_back(check_policy(policy));
    }
    return result;
  }

 private:
  // The template a linked policy was made from (a link keeps its template's text span).
  const Policy* template_of(const Policy& policy) const {
    for (const Policy& candidate : policies_.templates()) {
      if (candidate.span.offset == policy.span.offset &&
          candidate.span.length == policy.span.length) {
        return &candidate;
      }
    }
    return nullptr;
  }

  bool known_entity_type(std::string_view type) const {
    return internal::is_action_type(type) || schema_.find_entity_type(type) != nullptr;
  }

  std::vector<std::string_view> entity_type_names() const {
    std::vector<std::string_view> names;
    for (const EntityTypeDef& def : schema_.entity_types()) names.push_back(def.name);
    return names;
  }

  void unknown_entity_type(Reporter& report, std::string_view type, SourceSpan span) const {
    const auto suggestion = validation::closest_match(type, entity_type_names());
    report.error("validation.unrecognized-entity-type", span,
                 fmt::format("unrecognized entity type `{}`", type),
                 suggestion ? fmt::format("did you mean `{}`?", *suggestion) : "");
  }

  std::string action_help(const EntityUid& uid) const {
    std::vector<std::string> names;
    for (const ActionDef& action : schema_.actions()) {
      // `Action::"Action::view"` usually means the type was written into the id.
      const std::string with_type = "Action::" + std::string(uid.id);
      const std::string quoted = "Action::\"" + std::string(uid.id) + "\"";
      if (action.uid.id.find(with_type) != std::string::npos ||
          action.uid.id.find(quoted) != std::string::npos) {
        return fmt::format("did you intend to include the type in action `{}`?",
                           action.uid.to_string());
      }
      names.push_back(action.uid.to_string());
    }
    const std::vector<std::string_view> views(names.begin(), names.end());
    const auto suggestion = validation::closest_match(uid.id, views);
    return suggestion ? fmt::format("did you mean `{}`?", *suggestion) : "";
  }

  // Unknown entity types, unknown actions and undeclared ids of enumerated types.
  void check_literals(const Policy& policy, Reporter& report) const {
    std::vector<UidUse> uids;
    std::vector<TypeUse> types;
    collect_policy(policy, uids, types);
    for (const UidUse& use : uids) {
      if (!known_entity_type(use.uid->type)) unknown_entity_type(report, use.uid->type, use.span);
    }
    for (const TypeUse& use : types) {
      if (!known_entity_type(use.type)) unknown_entity_type(report, use.type, use.span);
    }
    for (const UidUse& use : uids) {
      const EntityUid& uid = *use.uid;
      if (internal::is_action_type(uid.type)) {
        if (schema_.find_action(uid.type, uid.id) == nullptr) {
          report.error("validation.unrecognized-action", use.span,
                       fmt::format("unrecognized action `{}`", to_cedar_string(uid)),
                       action_help(uid));
        }
        continue;
      }
      const EntityTypeDef* def = schema_.find_entity_type(uid.type);
      if (def != nullptr && def->is_enum && !def->is_enum_choice(uid.id)) {
        std::vector<std::string> choices;
        for (const std::string& choice : def->enum_choices) choices.push_back(quote_string(choice));
        report.error("validation.invalid-enum-entity", use.span,
                     fmt::format("entity `{}` is of an enumerated entity type, but `{}` is not "
                                 "declared as a valid eid",
                                 to_cedar_string(uid), quote_string(uid.id)),
                     fmt::format("valid entity eids: {}", fmt::join(choices, ", ")));
      }
    }
  }

  // The entity types that `in` an entity of type `type` may be: its descendants and itself.
  std::vector<std::string_view> types_in(std::string_view type) const {
    std::vector<std::string_view> out{type};
    if (const EntityTypeDef* def = schema_.find_entity_type(type)) {
      out.insert(out.end(), def->descendants.begin(), def->descendants.end());
    }
    return out;
  }

  // The principal (or resource) types a scope constraint allows.
  std::vector<std::string_view> types_allowed(const ScopeConstraint& constraint) const {
    using Op = ScopeConstraint::Op;
    if (constraint.op == Op::kAny ||
        ((constraint.op == Op::kEq || constraint.op == Op::kIn) && constraint.entity == nullptr)) {
      return entity_type_names();
    }
    if (constraint.op == Op::kEq) return {constraint.entity->type};
    if (constraint.op == Op::kIn) return types_in(constraint.entity->type);
    const bool known = known_entity_type(constraint.entity_type);
    if (constraint.op == Op::kIs || constraint.entity == nullptr) {
      return known ? std::vector<std::string_view>{constraint.entity_type}
                   : std::vector<std::string_view>{};
    }
    std::vector<std::string_view> out;
    for (std::string_view type : types_in(constraint.entity->type)) {
      if (type == constraint.entity_type) out.push_back(type);
    }
    return out;
  }

  // The declared actions an action constraint allows.
  std::vector<const ActionDef*> actions_allowed(const ActionConstraint& constraint) const {
    std::vector<const ActionDef*> out;
    if (constraint.op == ActionConstraint::Op::kAny) {
      for (const ActionDef& action : schema_.actions()) out.push_back(&action);
      return out;
    }
    if (constraint.op == ActionConstraint::Op::kEq) {
      for (const EntityUid* uid : constraint.entities) {
        if (const ActionDef* action = schema_.find_action(uid->type, uid->id)) {
          out.push_back(action);
        }
      }
      return out;
    }
    // `in`: the listed actions and every action in them, or nothing when one is undeclared.
    for (const EntityUid* uid : constraint.entities) {
      const ActionDef* group = schema_.find_action(uid->type, uid->id);
      if (group == nullptr) return {};
      out.push_back(group);
      for (const ActionUid& member : group->descendants) {
        if (const ActionDef* action = schema_.find_action(member)) out.push_back(action);
      }
    }
    return out;
  }

  static bool intersects(const std::vector<std::string_view>& allowed,
                         const std::vector<std::string>& declared) {
    return std::any_of(allowed.begin(), allowed.end(), [&](std::string_view type) {
      return std::binary_search(declared.begin(), declared.end(), type);
    });
  }

  // Whether turning `principal == E` into `principal in E` would find an applicable action.
  bool in_would_fix(const ScopeConstraint& constraint, const std::vector<const ActionDef*>& actions,
                    bool principal) const {
    if (constraint.op != ScopeConstraint::Op::kEq || constraint.entity == nullptr) return false;
    const std::string_view type = constraint.entity->type;
    const auto declared = [&](const ActionDef* action) -> const std::vector<std::string>& {
      return principal ? action->principal_types : action->resource_types;
    };
    const bool none_equal = std::none_of(actions.begin(), actions.end(), [&](const ActionDef* a) {
      return std::binary_search(declared(a).begin(), declared(a).end(), type);
    });
    const EntityTypeDef* def = schema_.find_entity_type(type);
    if (!none_equal || def == nullptr) return false;
    return std::any_of(actions.begin(), actions.end(), [&](const ActionDef* a) {
      return std::any_of(declared(a).begin(), declared(a).end(), [&](const std::string& t) {
        return std::binary_search(def->descendants.begin(), def->descendants.end(), t);
      });
    });
  }

  // "unable to find an applicable action given the policy scope constraints".
  void check_action_application(const Policy& policy, const ScopeConstraint& principal,
                                const ScopeConstraint& resource, Reporter& report) const {
    const std::vector<const ActionDef*> actions = actions_allowed(policy.action);
    const auto principals = types_allowed(principal);
    const auto resources = types_allowed(resource);
    const bool applicable = std::any_of(actions.begin(), actions.end(), [&](const ActionDef* a) {
      return intersects(principals, a->principal_types) && intersects(resources, a->resource_types);
    });
    if (applicable) return;
    const bool fix_principal = in_would_fix(principal, actions, true);
    const bool fix_resource = in_would_fix(resource, actions, false);
    std::string help;
    if (fix_principal && fix_resource) {
      help = "try replacing `==` with `in` in the principal clause and the resource clause";
    } else if (fix_principal) {
      help = "try replacing `==` with `in` in the principal clause";
    } else if (fix_resource) {
      help = "try replacing `==` with `in` in the resource clause";
    }
    report.error("validation.invalid-action-application", policy.span,
                 "unable to find an applicable action given the policy scope constraints",
                 std::move(help));
  }

  // The types a template slot may be linked to in an environment whose variable has type
  // `var`, given the scope constraint that uses the slot (nullopt: no slot).
  std::vector<std::optional<std::string_view>> slot_links(const ScopeConstraint& constraint,
                                                          std::string_view var) const {
    if (!constraint.slot) return {std::nullopt};
    std::vector<std::optional<std::string_view>> out;
    switch (constraint.op) {
      case ScopeConstraint::Op::kEq:
        return {var};
      case ScopeConstraint::Op::kIn:
      case ScopeConstraint::Op::kIsIn:
        for (const EntityTypeDef& def : schema_.entity_types()) {
          if (std::binary_search(def.descendants.begin(), def.descendants.end(), var)) {
            out.emplace_back(def.name);
          }
        }
        out.emplace_back(var);
        return out;
      default:
        for (const EntityTypeDef& def : schema_.entity_types()) out.emplace_back(def.name);
        return out;
    }
  }

  // How one scope constraint types in an environment, for skipping environments early.
  enum class ScopeVerdict : uint8_t { kUnknown, kFalse, kClean, kOther };

  // Most environments fail a policy's scope. `((P && A) && R) && C` types as a plain `false`,
  // with nothing else typed, exactly when P does, or P types cleanly and A is false, or both type
  // cleanly and R is false. Without template slots P depends only on the principal type, A on
  // the action and R on the resource type, so each verdict is computed once per policy and type.
  class ScopeCache {
   public:
    ScopeCache(validation::Typechecker& checker, const ConditionBuilder::Built& built,
               size_t entity_types, size_t actions)
        : checker_(checker),
          built_(built),
          principal_(entity_types, ScopeVerdict::kUnknown),
          action_(actions, ScopeVerdict::kUnknown),
          resource_(entity_types, ScopeVerdict::kUnknown) {}

    // Whether the whole condition is known to be `false`, without errors, in `env`.
    bool skips(const Env& env, const validation::RequestEnv& request) {
      const ScopeVerdict p = verdict(principal_[env.principal_index], *built_.principal, request);
      if (p != ScopeVerdict::kClean) return p == ScopeVerdict::kFalse;
      const ScopeVerdict a = verdict(action_[env.action_index], *built_.action, request);
      if (a != ScopeVerdict::kClean) return a == ScopeVerdict::kFalse;
      return verdict(resource_[env.resource_index], *built_.resource, request) ==
             ScopeVerdict::kFalse;
    }

   private:
    ScopeVerdict verdict(ScopeVerdict& cached, const Expr& part,
                         const validation::RequestEnv& request) {
      if (cached != ScopeVerdict::kUnknown) return cached;
      std::vector<TypeError> errors;
      const auto outcome = checker_.check_condition(part, request, errors);
      cached = !outcome.ok || !errors.empty() ? ScopeVerdict::kOther
               : outcome.is_false             ? ScopeVerdict::kFalse
                                              : ScopeVerdict::kClean;
      return cached;
    }

    validation::Typechecker& checker_;
    const ConditionBuilder::Built& built_;
    std::vector<ScopeVerdict> principal_;
    std::vector<ScopeVerdict> action_;
    std::vector<ScopeVerdict> resource_;
  };

  void typecheck(const Policy& policy, Reporter& report) {
    Arena arena;
    ConditionBuilder builder(arena);
    const ConditionBuilder::Built built = builder.build(policy);
    validation::Typechecker checker(types_, policies_.source());
    ScopeCache scope(checker, built, schema_.entity_types().size() + 1, schema_.actions().size());
    std::vector<TypeError> errors;
    bool all_false = true;
    const auto check = [&](const RequestEnv& request) {
      all_false = checker.check_condition(*built.condition, request, errors).is_false && all_false;
    };
    for (const Env& env : envs_) {
      if (!policy.is_template) {
        const RequestEnv request{env.action, env.principal, env.resource, env.context, {}, {}};
        if (!scope.skips(env, request)) check(request);
        continue;
      }
      for (const auto& principal_slot : slot_links(policy.principal, env.principal)) {
        for (const auto& resource_slot : slot_links(policy.resource, env.resource)) {
          check(RequestEnv{env.action, env.principal, env.resource, env.context, principal_slot,
                           resource_slot});
        }
      }
    }
    for (const TypeError& error : errors) {
      report.error(error.code, error.span, error.message, error.help);
    }
    if (all_false && options_.warnings) {
      report.warning("validation.impossible-policy", policy.span,
                     "policy is impossible: the policy expression evaluates to false for all "
                     "valid requests");
    }
  }

  PolicyValidation check_policy(const Policy& policy) {
    PolicyValidation out;
    out.policy_id = std::string(policy.id);
    out.is_template = policy.is_template;
    Reporter report(policies_, lines_, out);
    check_literals(policy, report);
    check_action_application(policy, policy.principal, policy.resource, report);
    typecheck(policy, report);
    if (options_.warnings) {
      for (const Condition& condition : policy.conditions) check_text(condition.expr, report);
    }
    return out;
  }

  // A template-linked policy: its template is validated on its own; what remains is what the
  // linked values change.
  PolicyValidation check_link(const Policy& policy, const Policy& source) {
    PolicyValidation out;
    out.policy_id = std::string(policy.id);
    Reporter report(policies_, lines_, out);
    const auto check_slot = [&](const ScopeConstraint& linked, const ScopeConstraint& original) {
      if (original.slot && linked.entity != nullptr && !known_entity_type(linked.entity->type)) {
        unknown_entity_type(report, linked.entity->type, SourceSpan{policy.span.offset, 0});
      }
    };
    check_slot(policy.principal, source.principal);
    check_slot(policy.resource, source.resource);
    check_action_application(policy, policy.principal, policy.resource, report);
    return out;
  }

  const PolicySet& policies_;
  const Schema& schema_;
  const ValidationOptions& options_;
  LineIndex lines_;
  TypeContext types_;
  std::deque<Type> contexts_;
  std::vector<Env> envs_;
};

}  // namespace

size_t ValidationResult::error_count() const {
  size_t count = 0;
  for (const PolicyValidation& policy : policies) count += policy.errors.size();
  return count;
}

size_t ValidationResult::warning_count() const {
  size_t count = 0;
  for (const PolicyValidation& policy : policies) count += policy.warnings.size();
  return count;
}

const PolicyValidation* ValidationResult::find(std::string_view policy_id) const {
  for (const PolicyValidation& policy : policies) {
    if (policy.policy_id == policy_id) return &policy;
  }
  return nullptr;
}

Diagnostics ValidationResult::diagnostics() const {
  Diagnostics out;
  const auto add = [&](const ValidationDiagnostic& d) {
    Diagnostic diagnostic = d.diagnostic;
    if (!d.help.empty()) diagnostic.message += "; " + d.help;
    out.push_back(std::move(diagnostic));
  };
  for (const PolicyValidation& policy : policies) {
    for (const ValidationDiagnostic& d : policy.errors) add(d);
  }
  for (const PolicyValidation& policy : policies) {
    for (const ValidationDiagnostic& d : policy.warnings) add(d);
  }
  return out;
}

ValidationResult validate(const PolicySet& policies, const Schema& schema,
                          const ValidationOptions& options) {
  return Validator(policies, schema, options).run();
}

}  // namespace eksguard::cedar
