// Policy-level parsing: annotations, effect, scope and conditions, plus the error reporting and
// node construction every part of the parser uses.
#include "cedar/internal/policy_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "cedar/internal/names.h"

namespace eksguard::cedar::internal {

bool is_relational(TokenKind kind) {
  switch (kind) {
    case TokenKind::kLess:
    case TokenKind::kLessEq:
    case TokenKind::kGreater:
    case TokenKind::kGreaterEq:
    case TokenKind::kNotEq:
    case TokenKind::kEqEq:
    case TokenKind::kEq:
      return true;
    default:
      return false;
  }
}

std::string_view operator_text(TokenKind kind) {
  switch (kind) {
    case TokenKind::kLess:
      return "<";
    case TokenKind::kLessEq:
      return "<=";
    case TokenKind::kGreater:
      return ">";
    case TokenKind::kGreaterEq:
      return ">=";
    case TokenKind::kNotEq:
      return "!=";
    case TokenKind::kEqEq:
      return "==";
    case TokenKind::kEq:
      return "=";
    default:
      return "in";
  }
}

std::vector<uint32_t> line_starts(std::string_view source) {
  std::vector<uint32_t> starts{0};
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\n') starts.push_back(static_cast<uint32_t>(i + 1));
  }
  return starts;
}

// ------------------------------------------------------------------------------------------------
// Errors

void Parser::syntax_error(std::string_view expected) {
  const Token& token = peek();
  std::string help = expected.empty() ? std::string() : fmt::format("expected {}", expected);
  switch (token.kind) {
    case TokenKind::kEnd:
      error(code::kUnexpectedEnd, span_of(token), "unexpected end of input", std::move(help));
      break;
    case TokenKind::kInvalid:
      error(code::kInvalidToken, span_of(token), "invalid token", std::move(help));
      break;
    case TokenKind::kNumber: {
      uint64_t value = 0;
      const auto [end, ec] =
          std::from_chars(token.text.data(), token.text.data() + token.text.size(), value);
      if (ec != std::errc()) {
        error(code::kIntegerTooLarge, span_of(token),
              "integer parse error: number too large to fit in target type");
        break;
      }
      [[fallthrough]];
    }
    default:
      error(code::kUnexpectedToken, span_of(token),
            fmt::format("unexpected token `{}`", token.text), std::move(help));
  }
  throw SyntaxError{};
}

void Parser::error(std::string_view error_code, SourceSpan span, std::string message,
                   std::string help) {
  const LineColumn position = position_of(span.offset);
  ParseError parse_error;
  parse_error.diagnostic = make_diagnostic(std::string(error_code), std::move(message), file_,
                                           position.line, position.column, span.length);
  parse_error.help = std::move(help);
  parse_error.offset = span.offset;
  errors_.push_back(std::move(parse_error));
}

// Stands in for a sub-expression that had an error, so parsing can go on and report more.
const Expr* Parser::error_expr(SourceSpan span) {
  return literal(Value::from_bool(false), span);
}

bool Parser::check_field_name(const Token& token) {
  if (is_reserved_identifier(token.text)) {
    check_name_segment(token);
    return false;
  }
  if (token.text == "__cedar") {
    error(code::kReservedNamespace, span_of(token),
          "the name `__cedar` contains `__cedar`, which is reserved");
    return false;
  }
  return true;
}

void Parser::check_name_segment(const Token& token) {
  if (is_reserved_identifier(token.text)) {
    error(code::kReservedIdentifier, span_of(token),
          fmt::format("this identifier is reserved and cannot be used: {}", token.text));
  }
}

// ------------------------------------------------------------------------------------------------
// Node construction

void Parser::too_deep(SourceSpan span) {
  error(code::kTooDeep, span,
        fmt::format("expression is nested too deeply: the limit is {} levels", options_.max_depth));
  throw SyntaxError{};
}

// ------------------------------------------------------------------------------------------------
// Policies

std::vector<Policy> Parser::parse_all() {
  std::vector<Policy> policies;
  size_t index = 0;
  while (!at(TokenKind::kEnd)) {
    const size_t errors_before = errors_.size();
    try {
      Policy policy = parse_policy(index);
      if (errors_.size() == errors_before) policies.push_back(policy);
    } catch (const SyntaxError&) {
      // Resynchronise after the next `;`, as Cedar's grammar recovers.
      while (!at(TokenKind::kEnd) && !at(TokenKind::kSemicolon)) advance();
      if (at(TokenKind::kSemicolon)) advance();
    }
    ++index;
  }
  return policies;
}

const EntityUid* Parser::parse_entity_literal() {
  try {
    const Operand operand = parse_expr();
    if (!at(TokenKind::kEnd)) syntax_error("the end of the entity uid");
    if (operand.uid == nullptr) {
      error(code::kWrongEntityArgument, operand.span,
            fmt::format("expected an entity uid like `User::\"alice\"`, found `{}`",
                        text(operand.span)));
    }
    return operand.uid;
  } catch (const SyntaxError&) {
    return nullptr;
  }
}

Policy Parser::parse_policy(size_t index) {
  Policy policy;
  nesting_ = 0;
  const uint32_t start = peek().offset;
  policy.id = arena_.copy(fmt::format("policy{}", index));
  const std::vector<PolicyAnnotation> annotations = parse_annotations();
  policy.annotations = arena_.copy(std::span<const PolicyAnnotation>(annotations));

  const Token& effect = expect_identifier("`permit` or `forbid`");
  if (effect.keyword == Keyword::kPermit) {
    policy.effect = Effect::kPermit;
  } else if (effect.keyword == Keyword::kForbid) {
    policy.effect = Effect::kForbid;
  } else {
    error(code::kInvalidEffect, span_of(effect),
          fmt::format("invalid policy effect: {}", effect.text),
          "effect must be either `permit` or `forbid`");
  }

  expect(TokenKind::kLeftParen, "`(`");
  std::vector<VarDef> scope;
  while (!at(TokenKind::kRightParen)) {
    scope.push_back(parse_var_def());
    if (!at(TokenKind::kComma)) break;
    advance();
  }
  expect(TokenKind::kRightParen, "`)` or `,`");
  const SourceSpan effect_span = span_from(effect.offset);

  const Var order[3] = {Var::kPrincipal, Var::kAction, Var::kResource};
  for (size_t i = 0; i < 3; ++i) {
    if (i < scope.size()) continue;
    error(code::kScope, effect_span,
          fmt::format("this policy is missing the `{}` variable in the scope", to_string(order[i])),
          std::string(kScopeHelp));
  }
  if (scope.size() > 0) policy.principal = to_scope_constraint(scope[0], Var::kPrincipal);
  if (scope.size() > 1) policy.action = to_action_constraint(scope[1]);
  if (scope.size() > 2) policy.resource = to_scope_constraint(scope[2], Var::kResource);
  for (size_t i = 3; i < scope.size(); ++i) {
    error(code::kScope, scope[i].span,
          fmt::format("this policy has an extra element in the scope: {}", text(scope[i].span)),
          std::string(kScopeHelp));
  }

  const std::vector<Condition> conditions = parse_conditions();
  policy.conditions = arena_.copy(std::span<const Condition>(conditions));
  expect(TokenKind::kSemicolon, "`;` or a `when`/`unless` condition");

  policy.span = span_from(start);
  const LineColumn position = position_of(start);
  policy.line = position.line;
  policy.column = position.column;
  policy.is_template = policy.principal.slot.has_value() || policy.resource.slot.has_value();
  return policy;
}

std::vector<PolicyAnnotation> Parser::parse_annotations() {
  std::vector<PolicyAnnotation> annotations;
  while (at(TokenKind::kAt)) {
    const uint32_t start = advance().offset;
    const Token& key = expect_identifier("an annotation name");
    PolicyAnnotation annotation;
    annotation.key = key.text;
    if (at(TokenKind::kLeftParen)) {
      advance();
      const Token& value = expect(TokenKind::kString, "a string literal");
      expect(TokenKind::kRightParen, "`)`");
      const auto unescaped = unescape_token(value.text.substr(1, value.text.size() - 2),
                                            value.offset + 1, span_from(start));
      annotation.value = unescaped.value_or("");
      annotation.has_value = true;
    }
    annotation.span = span_from(start);
    const bool duplicate =
        std::any_of(annotations.begin(), annotations.end(),
                    [&](const PolicyAnnotation& other) { return other.key == annotation.key; });
    if (duplicate) {
      error(code::kDuplicateAnnotation, annotation.span,
            fmt::format("duplicate annotation: @{}", annotation.key));
      continue;
    }
    annotations.push_back(annotation);
  }
  return annotations;
}

VarDef Parser::parse_var_def() {
  VarDef def;
  const uint32_t start = peek().offset;
  def.variable = &expect_identifier("`principal`, `action` or `resource`");
  if (at(TokenKind::kColon)) {
    advance();
    const uint32_t type_start = peek().offset;
    expect_identifier("an entity type");
    while (at(TokenKind::kColonColon)) {
      advance();
      expect_identifier("an identifier");
    }
    def.type_constraint = span_from(type_start);
  }
  if (at_keyword(Keyword::kIs)) {
    advance();
    def.is_type = parse_add();
  }
  if (is_relational(peek().kind) || at_keyword(Keyword::kIn)) {
    def.op = advance().kind;  // kIdentifier stands for `in`
    def.target = parse_expr();
  }
  def.span = span_from(start);
  return def;
}

std::vector<Condition> Parser::parse_conditions() {
  std::vector<Condition> conditions;
  while (at(TokenKind::kIdentifier)) {
    const Token& keyword = advance();
    Condition condition;
    condition.is_when = keyword.keyword != Keyword::kUnless;
    const bool valid = keyword.keyword == Keyword::kWhen || keyword.keyword == Keyword::kUnless;
    if (!valid) {
      error(code::kInvalidCondition, span_of(keyword),
            fmt::format("invalid policy condition: {}", keyword.text),
            "condition must be either `when` or `unless`");
    }
    expect(TokenKind::kLeftBrace, "`{`");
    if (at(TokenKind::kRightBrace)) {
      advance();
      if (valid) {
        error(code::kEmptyClause, span_from(keyword.offset),
              fmt::format("`{}` condition clause cannot be empty", keyword.text));
      }
      continue;
    }
    condition.expr = parse_expr_value();
    expect(TokenKind::kRightBrace, "`}`");
    condition.span = span_from(keyword.offset);
    if (valid) check_slots(condition.expr, condition.is_when);
    conditions.push_back(condition);
  }
  return conditions;
}

void Parser::check_slots(const Expr* expr, bool is_when) {
  if (expr == nullptr) return;
  if (expr->kind == ExprKind::kSlot) {
    error(code::kSlotInCondition, expr->span,
          fmt::format("found template slot {} in a `{}` clause", to_string(expr->slot()),
                      is_when ? "when" : "unless"),
          fmt::format("slots are currently unsupported in `{}` clauses",
                      is_when ? "when" : "unless"));
    return;
  }
  check_slots(expr->a, is_when);
  check_slots(expr->b, is_when);
  check_slots(expr->c, is_when);
  for (const Expr* item : expr->items) check_slots(item, is_when);
  for (const RecordField& field : expr->fields) check_slots(field.value, is_when);
}

std::optional<Var> Parser::to_scope_variable(const VarDef& def) {
  switch (def.variable->keyword) {
    case Keyword::kPrincipal:
      return Var::kPrincipal;
    case Keyword::kAction:
      return Var::kAction;
    case Keyword::kResource:
      return Var::kResource;
    default:
      error(code::kScope, span_of(*def.variable),
            fmt::format("found an invalid variable in the policy scope: {}", def.variable->text),
            std::string(kScopeHelp));
      return std::nullopt;
  }
}

const EntityUid* Parser::scope_entity(const Operand& target, Var var, std::optional<SlotId>& slot) {
  if (target.uid != nullptr) return target.uid;
  const SlotId wanted = var == Var::kPrincipal ? SlotId::kPrincipal : SlotId::kResource;
  if (target.slot) {
    if (*target.slot == wanted) {
      slot = wanted;
      return nullptr;
    }
    error(code::kWrongEntityArgument, target.span,
          fmt::format("expected single entity uid or {}, found {}", to_string(wanted),
                      to_string(*target.slot)));
    return nullptr;
  }
  if (target.is_uid_list) {
    error(code::kWrongEntityArgument, target.span,
          "expected single entity uid or template slot, found set of entity uids");
    return nullptr;
  }
  error(code::kWrongEntityArgument, target.span,
        fmt::format("expected an entity uid or matching template slot, found `{}`",
                    text(target.span)));
  return nullptr;
}

ScopeConstraint Parser::to_scope_constraint(const VarDef& def, Var expected) {
  ScopeConstraint constraint;
  constraint.span = def.span;
  const std::optional<Var> var = to_scope_variable(def);
  if (!var) return constraint;
  if (def.type_constraint) {
    error(code::kTypeConstraint, *def.type_constraint,
          "type constraints using `:` are not supported", "try using `is` instead");
  }
  std::optional<std::string_view> entity_type;
  if (def.is_type) {
    const Operand& type = *def.is_type;
    if (type.kind == Operand::Kind::kName) {
      entity_type = type.name;
    } else if (type.kind == Operand::Kind::kVar) {
      entity_type = to_string(type.var);
    } else {
      error(code::kInvalidIs, type.span,
            fmt::format("right hand side of an `is` expression must be an entity type name, "
                        "but got `{}`",
                        text(type.span)),
            fmt::format("try using `==` to test for equality: `{} == {}`", to_string(*var),
                        text(type.span)));
    }
  }
  if (def.op) {
    const TokenKind op = *def.op;
    const Operand& target = *def.target;
    if (op == TokenKind::kIdentifier && target.expr != nullptr &&
        target.expr->kind == ExprKind::kIs) {
      error(code::kScope, def.span, "when `is` and `in` are used together, `is` must come first",
            "try `_ is _ in _`");
    } else if (op == TokenKind::kEq) {
      error(code::kSingleEq, def.span, "'=' is not a valid operator in Cedar",
            "try using '==' instead");
    } else if (op != TokenKind::kEqEq && op != TokenKind::kIdentifier) {
      error(code::kScope, def.span,
            fmt::format("invalid operator in the policy scope: {}", operator_text(op)),
            "policy scope clauses can only use `==`, `in`, `is`, or `_ is _ in _`");
    } else if (op == TokenKind::kEqEq && def.is_type) {
      error(code::kScope, def.span, "`is` cannot be used together with `==`",
            "try using `_ is _ in _`");
    } else {
      constraint.entity = scope_entity(target, *var, constraint.slot);
      if (op == TokenKind::kEqEq) {
        constraint.op = ScopeConstraint::Op::kEq;
      } else if (entity_type) {
        constraint.op = ScopeConstraint::Op::kIsIn;
        constraint.entity_type = *entity_type;
      } else {
        constraint.op = ScopeConstraint::Op::kIn;
      }
    }
  } else if (entity_type) {
    constraint.op = ScopeConstraint::Op::kIs;
    constraint.entity_type = *entity_type;
  }
  if (*var != expected) {
    error(code::kScope, def.span,
          fmt::format("found the variable `{}` where the variable `{}` must be used",
                      to_string(*var), to_string(expected)),
          std::string(kScopeHelp));
  }
  return constraint;
}

std::optional<std::vector<const EntityUid*>> Parser::action_entities(const Operand& target,
                                                                     bool single) {
  if (target.uid != nullptr) return std::vector<const EntityUid*>{target.uid};
  const std::string_view expected =
      single ? "single entity uid" : "single entity uid or set of entity uids";
  if (target.is_uid_list && !single) return target.uid_list;
  if (target.is_uid_list || target.slot) {
    error(code::kWrongEntityArgument, target.span,
          fmt::format("expected {}, found {}", expected,
                      target.slot ? "template slot" : "set of entity uids"));
    return std::nullopt;
  }
  error(code::kWrongEntityArgument, target.span,
        fmt::format("expected {}, found `{}`", expected, text(target.span)));
  return std::nullopt;
}

ActionConstraint Parser::to_action_constraint(const VarDef& def) {
  ActionConstraint constraint;
  constraint.span = def.span;
  const std::optional<Var> var = to_scope_variable(def);
  if (!var) return constraint;
  if (*var != Var::kAction) {
    error(code::kScope, def.span,
          fmt::format("found the variable `{}` where the variable `action` must be used",
                      to_string(*var)),
          std::string(kScopeHelp));
    return constraint;
  }
  if (def.type_constraint) {
    error(code::kTypeConstraint, *def.type_constraint,
          "type constraints using `:` are not supported", "try using `is` instead");
  }
  if (def.is_type) {
    error(code::kScope, def.span, "`is` cannot appear in the action scope",
          "try moving `action is ..` into a `when` condition");
    return constraint;
  }
  if (!def.op) return constraint;
  const TokenKind op = *def.op;
  const Operand& target = *def.target;
  std::optional<std::vector<const EntityUid*>> entities;
  if (op == TokenKind::kIdentifier) {
    if (target.expr != nullptr && target.expr->kind == ExprKind::kIs) {
      error(code::kScope, def.span, "`is` cannot appear in the action scope",
            "try moving `action is ..` into a `when` condition");
      return constraint;
    }
    entities = action_entities(target, false);
    constraint.op = ActionConstraint::Op::kIn;
  } else if (op == TokenKind::kEqEq) {
    entities = action_entities(target, true);
    constraint.op = ActionConstraint::Op::kEq;
  } else if (op == TokenKind::kEq) {
    error(code::kSingleEq, def.span, "'=' is not a valid operator in Cedar",
          "try using '==' instead");
    return constraint;
  } else {
    error(code::kScope, def.span,
          fmt::format("invalid operator in the action scope: {}", operator_text(op)),
          "action scope clauses can only use `==` or `in`");
    return constraint;
  }
  if (!entities) return constraint;
  std::vector<std::string> wrong;
  for (const EntityUid* uid : *entities) {
    if (!is_action_type(uid->type)) wrong.push_back(fmt::format("`{}`", to_cedar_string(*uid)));
  }
  if (!wrong.empty()) {
    std::string list;
    for (size_t i = 0; i < wrong.size(); ++i) {
      if (i > 0) list += (i + 1 == wrong.size()) ? " and " : ", ";
      list += wrong[i];
    }
    error(code::kInvalidActionType, target.span,
          fmt::format("expected {} with type `Action` but got {}",
                      wrong.size() > 1 ? "entity uids" : "an entity uid", list),
          "action entities must have type `Action`, optionally in a namespace");
  }
  constraint.entities = arena_.copy(std::span<const EntityUid* const>(*entities));
  return constraint;
}

}  // namespace eksguard::cedar::internal
