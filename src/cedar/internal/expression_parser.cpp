// Expression parsing: the precedence levels from `if` down to primaries, accessors, methods and
// extension calls, and the conversions that mirror the Rust parser's ExprOrSpecial.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "cedar/internal/names.h"
#include "cedar/internal/policy_parser.h"
#include "cedar/internal/stack.h"
#include "cedar/internal/unescape.h"

namespace eksguard::cedar::internal {
namespace {

// Levenshtein distance, for "did you mean" hints on unknown functions and methods.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string suggestion(std::string_view name, bool methods) {
  std::string_view best;
  size_t best_distance = 4;  // Cedar suggests within an edit distance of 3
  const auto consider = [&](std::string_view candidate) {
    const size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  };
  for (const ExtensionFunction& function : extension_functions()) {
    if (function.method_style == methods) consider(function.name);
  }
  if (methods) {
    for (std::string_view builtin :
         {"contains", "containsAll", "containsAny", "isEmpty", "getTag", "hasTag"}) {
      consider(builtin);
    }
  }
  return best.empty() ? std::string() : fmt::format("did you mean `{}`?", best);
}

bool is_builtin_method(std::string_view name) {
  return name == "contains" || name == "containsAll" || name == "containsAny" ||
         name == "isEmpty" || name == "getTag" || name == "hasTag";
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Expressions

Operand Parser::parse_expr() {
  if (++nesting_ > options_.max_depth || stack_is_low()) too_deep(span_of(peek()));
  Operand result;
  if (at_keyword(Keyword::kIf)) {
    const uint32_t start = advance().offset;
    const Expr* condition = parse_expr_value();
    if (!at_keyword(Keyword::kThen)) syntax_error("`then`");
    advance();
    const Expr* then_branch = parse_expr_value();
    if (!at_keyword(Keyword::kElse)) syntax_error("`else`");
    advance();
    const Expr* else_branch = parse_expr_value();
    result.expr = node(ExprKind::kIf, span_from(start), {condition, then_branch, else_branch});
    result.span = result.expr->span;
  } else {
    result = parse_or();
  }
  --nesting_;
  return result;
}

Operand Parser::parse_or() {
  const uint32_t start = peek().offset;
  Operand first = parse_and();
  if (!at(TokenKind::kOrOr)) return first;
  const Expr* left = into_expr(first);
  while (at(TokenKind::kOrOr)) {
    advance();
    const Expr* right = into_expr(parse_and());
    left = binary(ExprKind::kOr, left, right, span_from(start));
  }
  Operand result;
  result.expr = left;
  result.span = span_from(start);
  return result;
}

Operand Parser::parse_and() {
  const uint32_t start = peek().offset;
  Operand first = parse_relation();
  if (!at(TokenKind::kAndAnd)) return first;
  const Expr* left = into_expr(first);
  while (at(TokenKind::kAndAnd)) {
    advance();
    const Expr* right = into_expr(parse_relation());
    left = binary(ExprKind::kAnd, left, right, span_from(start));
  }
  Operand result;
  result.expr = left;
  result.span = span_from(start);
  return result;
}

Operand Parser::parse_relation() {
  const uint32_t start = peek().offset;
  Operand first = parse_add();
  if (at_keyword(Keyword::kHas)) {
    advance();
    return finish_has(into_expr(first), start);
  }
  if (at_keyword(Keyword::kLike)) {
    advance();
    return finish_like(into_expr(first), start);
  }
  if (at_keyword(Keyword::kIs)) {
    advance();
    return finish_is(into_expr(first), first, start);
  }
  if (!is_relational(peek().kind) && !at_keyword(Keyword::kIn)) return first;

  std::vector<std::pair<TokenKind, Operand>> chain;
  while (is_relational(peek().kind) || at_keyword(Keyword::kIn)) {
    const Token& op = advance();
    chain.emplace_back(op.kind, parse_add());
  }
  const SourceSpan span = span_from(start);
  if (chain.size() > 1) {
    error(code::kAmbiguousOperators, span,
          "multiple relational operators (>, ==, in, etc.) must be used with parentheses to "
          "make ordering explicit");
  }
  const Expr* left = into_expr(first);
  const Expr* right = into_expr(chain[0].second);
  Operand result;
  result.span = span;
  switch (chain[0].first) {
    case TokenKind::kLess:
      result.expr = binary(ExprKind::kLess, left, right, span);
      break;
    case TokenKind::kLessEq:
      result.expr = binary(ExprKind::kLessEq, left, right, span);
      break;
    case TokenKind::kGreater:
      result.expr = binary(ExprKind::kGreater, left, right, span);
      break;
    case TokenKind::kGreaterEq:
      result.expr = binary(ExprKind::kGreaterEq, left, right, span);
      break;
    case TokenKind::kNotEq:
      result.expr = binary(ExprKind::kNotEq, left, right, span);
      break;
    case TokenKind::kEqEq:
      result.expr = binary(ExprKind::kEq, left, right, span);
      break;
    case TokenKind::kEq:
      error(code::kSingleEq, span, "'=' is not a valid operator in Cedar",
            "try using '==' instead");
      result.expr = error_expr(span);
      break;
    default:
      result.expr = binary(ExprKind::kIn, left, right, span);
  }
  return result;
}

// `e has a`, `e has "a b"`, `e has a.b.c` (RFC 62). Any other right-hand side is parsed as an
// Add, as the grammar allows, and then rejected.
Operand Parser::finish_has(const Expr* target, uint32_t start) {
  Operand result;
  const uint32_t rhs_start = peek().offset;
  std::optional<std::vector<std::string_view>> path;
  if (at_keyword(Keyword::kIf)) {
    const Token& keyword = advance();
    parse_accessors();
    error(code::kReservedIdentifier, span_of(keyword),
          "this identifier is reserved and cannot be used: if");
  } else if (at(TokenKind::kBang) || at(TokenKind::kMinus)) {
    // Cedar rejects the whole right-hand side without looking inside it.
    const size_t errors_before = errors_.size();
    parse_add();
    errors_.resize(errors_before);
    error(code::kInvalidHas, span_from(rhs_start),
          fmt::format("invalid RHS of a `has` operation: {}", text(span_from(rhs_start))),
          "valid RHS of a `has` operation is either a sequence of identifiers separated by `.` "
          "or a string literal");
  } else {
    Operand primary = parse_primary();
    std::vector<Accessor> accessors = parse_accessors();
    const SourceSpan member_span = span_from(rhs_start);
    const TokenKind next = peek().kind;
    if (next == TokenKind::kStar || next == TokenKind::kSlash || next == TokenKind::kPercent ||
        next == TokenKind::kPlus || next == TokenKind::kMinus) {
      const size_t errors_before = errors_.size();
      Operand member = apply_accessors(std::move(primary), accessors, member_span);
      parse_add_rest(parse_mult_rest(std::move(member), rhs_start), rhs_start);
      errors_.resize(errors_before);
      error(code::kInvalidHas, span_from(rhs_start),
            fmt::format("invalid RHS of a `has` operation: {}", text(span_from(rhs_start))),
            "valid RHS of a `has` operation is either a sequence of identifiers separated by "
            "`.` or a string literal");
    } else {
      path = has_path(primary, accessors, member_span);
    }
  }
  result.span = span_from(start);
  if (!path) {
    result.expr = error_expr(result.span);
    return result;
  }
  result.expr = built(builder_.has_attr(target, *path, result.span), result.span);
  return result;
}

std::optional<std::vector<std::string_view>> Parser::has_path(
    Operand& primary, const std::vector<Accessor>& accessors, SourceSpan span) {
  const auto invalid = [&](SourceSpan at) {
    error(code::kInvalidHas, at, fmt::format("invalid RHS of a `has` operation: {}", text(span)),
          "valid RHS of a `has` operation is either a sequence of identifiers separated by `.` "
          "or a string literal");
    return std::nullopt;
  };
  std::vector<std::string_view> path;
  switch (primary.kind) {
    case Operand::Kind::kString:
      if (!accessors.empty()) return invalid(span);
      if (auto attribute = into_string(primary)) return std::vector{*attribute};
      return std::nullopt;
    case Operand::Kind::kVar:
      path.push_back(to_string(primary.var));
      break;
    case Operand::Kind::kName:
      if (primary.qualified) {
        error(code::kInvalidAttribute, primary.span,
              fmt::format("`{}` cannot be used as an attribute as it contains a namespace",
                          text(span)));
        return std::nullopt;
      }
      path.push_back(primary.name);
      break;
    case Operand::Kind::kBool:
      error(code::kReservedIdentifier, primary.span,
            fmt::format("this identifier is reserved and cannot be used: {}",
                        primary.flag ? "true" : "false"));
      return std::nullopt;
    default:
      return invalid(primary.span);
  }
  for (const Accessor& accessor : accessors) {
    if (accessor.kind != Accessor::Kind::kField) return invalid(accessor.span);
    if (!check_field_name(*accessor.field)) return std::nullopt;
    path.push_back(accessor.field->text);
  }
  return path;
}

Operand Parser::finish_like(const Expr* target, uint32_t start) {
  const Operand pattern_operand = parse_add();
  Operand result;
  result.span = span_from(start);
  if (pattern_operand.kind != Operand::Kind::kString) {
    error(code::kInvalidPattern, pattern_operand.span,
          fmt::format("right hand side of a `like` expression must be a pattern literal, but got "
                      "`{}`",
                      text(pattern_operand.span)));
    result.expr = error_expr(result.span);
    return result;
  }
  std::vector<PatternElement> elements;
  std::vector<UnescapeError> escape_errors;
  if (!unescape_pattern(pattern_operand.raw, elements, escape_errors)) {
    for (const UnescapeError& escape : escape_errors) {
      error(code::kInvalidEscape, pattern_operand.span, escape.message);
    }
    result.expr = error_expr(result.span);
    return result;
  }
  std::vector<PatternPart> parts;
  parts.reserve(elements.size());
  for (const PatternElement& element : elements) {
    parts.push_back(PatternPart{arena_.copy(element.text), element.wildcard});
  }
  result.expr = built(builder_.like(target, parts, result.span), result.span);
  return result;
}

Operand Parser::finish_is(const Expr* target, const Operand& target_operand, uint32_t start) {
  const Operand type = parse_add();
  const Expr* in_expr = nullptr;
  if (at_keyword(Keyword::kIn)) {
    advance();
    in_expr = into_expr(parse_add());
  }
  Operand result;
  result.span = span_from(start);
  std::string_view entity_type;
  if (type.kind == Operand::Kind::kName) {
    entity_type = type.name;
  } else if (type.kind == Operand::Kind::kVar) {
    entity_type = to_string(type.var);
  } else {
    const std::string_view rhs = text(type.span);
    std::string help = fmt::format("try using `==` to test for equality: `{} == {}`",
                                   text(target_operand.span), rhs);
    if (rhs.size() >= 2 && rhs.front() == '"' && rhs.back() == '"' &&
        is_identifier(rhs.substr(1, rhs.size() - 2))) {
      help = fmt::format("try removing the quotes: `{} is {}`", text(target_operand.span),
                         rhs.substr(1, rhs.size() - 2));
    }
    error(code::kInvalidIs, type.span,
          fmt::format("right hand side of an `is` expression must be an entity type name, but "
                      "got `{}`",
                      rhs),
          std::move(help));
    result.expr = error_expr(result.span);
    return result;
  }
  result.expr = built(builder_.is(target, entity_type, in_expr, result.span), result.span);
  return result;
}

Operand Parser::parse_add() {
  const uint32_t start = peek().offset;
  return parse_add_rest(parse_mult(), start);
}

Operand Parser::parse_add_rest(Operand first, uint32_t start) {
  if (!at(TokenKind::kPlus) && !at(TokenKind::kMinus)) return first;
  const Expr* left = into_expr(first);
  while (at(TokenKind::kPlus) || at(TokenKind::kMinus)) {
    const ExprKind kind = advance().kind == TokenKind::kPlus ? ExprKind::kAdd : ExprKind::kSub;
    const Expr* right = into_expr(parse_mult());
    left = binary(kind, left, right, span_from(start));
  }
  Operand result;
  result.expr = left;
  result.span = span_from(start);
  return result;
}

Operand Parser::parse_mult() {
  const uint32_t start = peek().offset;
  return parse_mult_rest(parse_unary(), start);
}

Operand Parser::parse_mult_rest(Operand first, uint32_t start) {
  if (!at(TokenKind::kStar) && !at(TokenKind::kSlash) && !at(TokenKind::kPercent)) return first;
  const Expr* left = into_expr(first);
  while (at(TokenKind::kStar) || at(TokenKind::kSlash) || at(TokenKind::kPercent)) {
    const TokenKind op = advance().kind;
    const Expr* right = into_expr(parse_unary());
    if (op == TokenKind::kStar) {
      left = binary(ExprKind::kMul, left, right, span_from(start));
      continue;
    }
    error(code::kUnsupportedOperator, span_from(start),
          op == TokenKind::kSlash ? "division is not supported"
                                  : "remainder/modulo is not supported");
  }
  Operand result;
  result.expr = left;
  result.span = span_from(start);
  return result;
}

Operand Parser::parse_unary() {
  const uint32_t start = peek().offset;
  if (!at(TokenKind::kBang) && !at(TokenKind::kMinus)) return parse_member();
  const TokenKind op = peek().kind;
  size_t count = 0;
  while (at(op)) {
    advance();
    ++count;
  }
  Operand member = parse_member();
  Operand result;
  result.span = span_from(start);
  if (count > 4) {
    error(code::kUnaryLimit, result.span,
          fmt::format("too many occurrences of `{}`", op == TokenKind::kBang ? "!" : "-"),
          "cannot chain more the 4 applications of a unary operator");
    result.expr = error_expr(result.span);
    return result;
  }
  const Expr* inner = nullptr;
  size_t remaining = count;
  if (op == TokenKind::kMinus && member.kind == Operand::Kind::kNumber) {
    // `-N` is a literal, so that i64::MIN can be written.
    constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;
    if (member.number > kMinMagnitude) {
      error(code::kIntegerTooLarge, result.span,
            fmt::format("integer literal `{}` is too large", member.number),
            "maximum allowed integer literal is `9223372036854775807`");
      result.expr = error_expr(result.span);
      return result;
    }
    const int64_t value = member.number == kMinMagnitude ? std::numeric_limits<int64_t>::min()
                                                         : -static_cast<int64_t>(member.number);
    inner = literal(Value::from_long(value), member.span);
    --remaining;
  } else {
    inner = into_expr(member);
  }
  const ExprKind kind = op == TokenKind::kBang ? ExprKind::kNot : ExprKind::kNeg;
  for (size_t i = 0; i < remaining; ++i) inner = unary(kind, inner, result.span);
  result.expr = inner;
  return result;
}

Operand Parser::parse_member() {
  const uint32_t start = peek().offset;
  Operand primary = parse_primary();
  if (!at(TokenKind::kDot) && !at(TokenKind::kLeftParen) && !at(TokenKind::kLeftBracket)) {
    return primary;
  }
  std::vector<Accessor> accessors = parse_accessors();
  return apply_accessors(std::move(primary), accessors, span_from(start));
}

std::vector<Accessor> Parser::parse_accessors() {
  std::vector<Accessor> accessors;
  while (true) {
    const uint32_t start = peek().offset;
    Accessor accessor;
    if (at(TokenKind::kDot)) {
      advance();
      accessor.kind = Accessor::Kind::kField;
      accessor.field = &expect_identifier("an attribute or method name");
    } else if (at(TokenKind::kLeftParen)) {
      accessor.kind = Accessor::Kind::kCall;
      accessor.args = parse_call_arguments();
    } else if (at(TokenKind::kLeftBracket)) {
      advance();
      accessor.kind = Accessor::Kind::kIndex;
      accessor.index = parse_expr();
      expect(TokenKind::kRightBracket, "`]`");
    } else {
      return accessors;
    }
    accessor.span = span_from(start);
    accessors.push_back(std::move(accessor));
  }
}

std::vector<const Expr*> Parser::parse_call_arguments() {
  expect(TokenKind::kLeftParen, "`(`");
  std::vector<const Expr*> args;
  while (!at(TokenKind::kRightParen)) {
    args.push_back(parse_expr_value());
    if (!at(TokenKind::kComma)) break;
    advance();
  }
  expect(TokenKind::kRightParen, "`)` or `,`");
  return args;
}

// Applies `.field`, `.method(...)`, `(...)` and `["key"]` to a primary, with Cedar's rules for
// which primaries accept which accessors.
Operand Parser::apply_accessors(Operand primary, std::vector<Accessor>& accessors,
                                SourceSpan span) {
  if (accessors.empty()) return primary;
  Operand result;
  result.span = span;
  // Fields must be identifiers that are not reserved; index keys must be string literals.
  bool valid = true;
  for (Accessor& accessor : accessors) {
    if (accessor.kind == Accessor::Kind::kField && !check_field_name(*accessor.field)) {
      valid = false;
    }
    if (accessor.kind == Accessor::Kind::kIndex && accessor.index->kind != Operand::Kind::kString) {
      error(code::kInvalidString, accessor.index->span,
            fmt::format("invalid string literal: {}", text(accessor.index->span)));
      valid = false;
    }
  }
  if (!valid) {
    result.expr = error_expr(span);
    return result;
  }
  size_t next = 0;
  const Expr* head = nullptr;
  const auto is = [&](size_t i, Accessor::Kind kind) {
    return i < accessors.size() && accessors[i].kind == kind;
  };
  switch (primary.kind) {
    case Operand::Kind::kName:
      if (is(0, Accessor::Kind::kCall)) {
        head = build_function(primary, std::move(accessors[0].args), span);
        next = 1;
      } else if (is(0, Accessor::Kind::kField) && is(1, Accessor::Kind::kCall)) {
        error(code::kInvalidCall, span,
              fmt::format("attempted to call `{}.{}(...)`, but `{}` does not have any methods",
                          primary.name, accessors[0].field->text, primary.name));
        head = error_expr(span);
        next = accessors.size();
      } else if (is(0, Accessor::Kind::kField)) {
        error(code::kInvalidAccess, span,
              fmt::format("invalid member access `{}.{}`, `{}` has no fields or methods",
                          primary.name, accessors[0].field->text, primary.name));
        head = error_expr(span);
        next = accessors.size();
      } else {
        error(code::kInvalidAccess, span,
              fmt::format("invalid indexing expression `{}[{}]`, `{}` has no fields", primary.name,
                          text(accessors[0].index->span), primary.name));
        head = error_expr(span);
        next = accessors.size();
      }
      break;
    case Operand::Kind::kVar:
      if (is(0, Accessor::Kind::kCall)) {
        error(code::kInvalidCall, span,
              fmt::format("`{}(...)` is not a valid function call", to_string(primary.var)),
              "variables cannot be called as functions");
        head = error_expr(span);
        next = accessors.size();
        break;
      }
      [[fallthrough]];
    default:
      head = into_expr(primary);
  }
  result.expr = apply_to_expr(head, accessors, next, span);
  return result;
}

const Expr* Parser::apply_to_expr(const Expr* head, std::vector<Accessor>& accessors, size_t& next,
                                  SourceSpan span) {
  while (next < accessors.size()) {
    Accessor& accessor = accessors[next];
    switch (accessor.kind) {
      case Accessor::Kind::kCall:
        error(code::kInvalidCall, span,
              "function calls must be of the form `<name>(arg1, arg2, ...)`");
        next = accessors.size();
        return error_expr(span);
      case Accessor::Kind::kField:
        if (next + 1 < accessors.size() && accessors[next + 1].kind == Accessor::Kind::kCall) {
          head = build_method(*accessor.field, head, std::move(accessors[next + 1].args), span);
          next += 2;
        } else {
          head = built(builder_.get_attr(head, accessor.field->text, span), span);
          ++next;
        }
        break;
      case Accessor::Kind::kIndex: {
        const auto key = into_string(*accessor.index);
        head = key ? built(builder_.get_attr(head, *key, span), span) : error_expr(span);
        ++next;
        break;
      }
    }
  }
  return head;
}

const Expr* Parser::build_method(const Token& name, const Expr* receiver,
                                 std::vector<const Expr*> args, SourceSpan span) {
  const std::string_view method = name.text;
  const auto single_argument = [&](ExprKind kind) -> const Expr* {
    if (args.size() != 1) {
      error(code::kWrongArity, span,
            fmt::format("call to `{}` requires exactly 1 argument, but got {} argument{}", method,
                        args.size(), args.size() == 1 ? "" : "s"));
      return error_expr(span);
    }
    return binary(kind, receiver, args[0], span);
  };
  if (method == "contains") return single_argument(ExprKind::kContains);
  if (method == "containsAll") return single_argument(ExprKind::kContainsAll);
  if (method == "containsAny") return single_argument(ExprKind::kContainsAny);
  if (method == "getTag") return single_argument(ExprKind::kGetTag);
  if (method == "hasTag") return single_argument(ExprKind::kHasTag);
  if (method == "isEmpty") {
    if (!args.empty()) {
      error(code::kWrongArity, span,
            fmt::format("call to `isEmpty` requires exactly 0 arguments, but got {} argument{}",
                        args.size(), args.size() == 1 ? "" : "s"));
      return error_expr(span);
    }
    return unary(ExprKind::kIsEmpty, receiver, span);
  }
  const ExtensionFunction* function = find_extension_function(method);
  if (function != nullptr && function->method_style) {
    args.insert(args.begin(), receiver);
    return extension_call(*function, std::move(args), span);
  }
  if (function != nullptr) {
    error(code::kInvalidCall, span, fmt::format("`{}` is a function, not a method", method),
          fmt::format("use a function-style call `{}(..)`", method));
  } else {
    error(code::kUnknownMethod, span, fmt::format("`{}` is not a valid method", method),
          suggestion(method, true));
  }
  return error_expr(span);
}

const Expr* Parser::build_function(const Operand& name, std::vector<const Expr*> args,
                                   SourceSpan span) {
  if (!name.qualified) {
    const ExtensionFunction* function = find_extension_function(name.name);
    if (is_builtin_method(name.name) || (function != nullptr && function->method_style)) {
      error(code::kInvalidCall, span, fmt::format("`{}` is a method, not a function", name.name),
            fmt::format("use a method-style call `e.{}(..)`", name.name));
      return error_expr(span);
    }
    if (function != nullptr) return extension_call(*function, std::move(args), span);
  }
  error(code::kUnknownFunction, span, fmt::format("`{}` is not a valid function", name.name),
        suggestion(name.name, false));
  return error_expr(span);
}

Operand Parser::parse_primary() {
  const Token& token = peek();
  Operand result;
  switch (token.kind) {
    case TokenKind::kNumber: {
      advance();
      const auto [end, ec] =
          std::from_chars(token.text.data(), token.text.data() + token.text.size(), result.number);
      if (ec != std::errc()) {
        --pos_;
        syntax_error("");
      }
      result.kind = Operand::Kind::kNumber;
      result.span = span_of(token);
      return result;
    }
    case TokenKind::kString:
      advance();
      result.kind = Operand::Kind::kString;
      result.raw = token.text.substr(1, token.text.size() - 2);
      result.span = span_of(token);
      return result;
    case TokenKind::kSlot:
      advance();
      result.span = span_of(token);
      if (token.text == "?principal" || token.text == "?resource") {
        const SlotId slot = token.text == "?principal" ? SlotId::kPrincipal : SlotId::kResource;
        result.expr = built(builder_.slot(slot, result.span), result.span);
        result.slot = slot;
      } else {
        error(code::kInvalidSlot, result.span,
              fmt::format("`{}` is not a valid template slot", token.text),
              "a template slot may only be `?principal` or `?resource`");
        result.expr = error_expr(result.span);
      }
      return result;
    case TokenKind::kLeftParen: {
      advance();
      const uint32_t start = token.offset;
      Operand inner = parse_expr();
      expect(TokenKind::kRightParen, "`)`");
      inner.expr = into_expr(inner);
      inner.kind = Operand::Kind::kExpr;
      inner.span = span_from(start);
      return inner;
    }
    case TokenKind::kLeftBracket:
      return parse_list();
    case TokenKind::kLeftBrace:
      return parse_record();
    case TokenKind::kIdentifier:
      if ((token.keyword == Keyword::kTrue || token.keyword == Keyword::kFalse) &&
          peek(1).kind != TokenKind::kColonColon) {
        advance();
        result.kind = Operand::Kind::kBool;
        result.flag = token.keyword == Keyword::kTrue;
        result.span = span_of(token);
        return result;
      }
      if (token.keyword == Keyword::kIf && peek(1).kind != TokenKind::kColonColon) break;
      return parse_name_or_reference();
    default:
      break;
  }
  syntax_error("an expression");
}

// `principal`, `ip`, `A::B`, `A::B::"id"`.
Operand Parser::parse_name_or_reference() {
  const uint32_t start = peek().offset;
  std::vector<const Token*> segments{&advance()};
  Operand result;
  while (at(TokenKind::kColonColon)) {
    const TokenKind after = peek(1).kind;
    if (after == TokenKind::kIdentifier) {
      advance();
      segments.push_back(&advance());
      continue;
    }
    if (after != TokenKind::kString && after != TokenKind::kLeftBrace) {
      advance();
      syntax_error("an identifier or a string literal");
    }
    advance();
    if (after == TokenKind::kLeftBrace) {
      // `Type::{id: "x"}`: parsed (RefInit := Ident ':' Literal) to report it well.
      advance();
      while (!at(TokenKind::kRightBrace)) {
        expect_identifier("an identifier");
        expect(TokenKind::kColon, "`:`");
        parse_primary();
        if (!at(TokenKind::kComma)) break;
        advance();
      }
      expect(TokenKind::kRightBrace, "`}`");
      result.span = span_from(start);
      error(code::kInvalidEntityLiteral, result.span,
            fmt::format("invalid entity literal: {}", text(result.span)),
            "entity literals should have a form like `Namespace::User::\"alice\"`");
      result.expr = error_expr(result.span);
      return result;
    }
    const Token& id = advance();
    result.span = span_from(start);
    bool valid = true;
    std::string type;
    for (const Token* segment : segments) {
      if (is_reserved_identifier(segment->text)) {
        check_name_segment(*segment);
        valid = false;
      }
      if (!type.empty()) type += "::";
      type += segment->text;
    }
    if (valid && has_reserved_namespace(type)) {
      error(code::kReservedNamespace, result.span,
            fmt::format("the name `{}` contains `__cedar`, which is reserved", type));
      valid = false;
    }
    const auto id_text =
        unescape_token(id.text.substr(1, id.text.size() - 2), id.offset + 1, span_of(id));
    if (!valid || !id_text) {
      result.expr = error_expr(result.span);
      return result;
    }
    result.uid = make_uid(arena_, type, *id_text);
    result.expr = literal(Value::from_entity(result.uid), result.span);
    return result;
  }
  result.span = span_from(start);
  const Token& first = *segments[0];
  if (segments.size() == 1) {
    switch (first.keyword) {
      case Keyword::kPrincipal:
      case Keyword::kAction:
      case Keyword::kResource:
      case Keyword::kContext:
        result.kind = Operand::Kind::kVar;
        result.var = first.keyword == Keyword::kPrincipal  ? Var::kPrincipal
                     : first.keyword == Keyword::kAction   ? Var::kAction
                     : first.keyword == Keyword::kResource ? Var::kResource
                                                           : Var::kContext;
        return result;
      default:
        break;
    }
  }
  bool valid = true;
  std::string name;
  for (const Token* segment : segments) {
    if (is_reserved_identifier(segment->text)) {
      check_name_segment(*segment);
      valid = false;
    }
    if (!name.empty()) name += "::";
    name += segment->text;
  }
  if (valid && has_reserved_namespace(name)) {
    error(code::kReservedNamespace, result.span,
          fmt::format("the name `{}` contains `__cedar`, which is reserved", name));
    valid = false;
  }
  if (!valid) {
    result.expr = error_expr(result.span);
    return result;
  }
  result.kind = Operand::Kind::kName;
  result.name = arena_.copy(name);
  result.qualified = segments.size() > 1;
  return result;
}

Operand Parser::parse_list() {
  const uint32_t start = advance().offset;
  std::vector<const Expr*> items;
  std::vector<const EntityUid*> uids;
  bool all_uids = true;
  while (!at(TokenKind::kRightBracket)) {
    Operand item = parse_expr();
    all_uids = all_uids && item.uid != nullptr;
    if (item.uid != nullptr) uids.push_back(item.uid);
    items.push_back(into_expr(item));
    if (!at(TokenKind::kComma)) break;
    advance();
  }
  expect(TokenKind::kRightBracket, "`]` or `,`");
  Operand result;
  result.span = span_from(start);
  result.expr = set_literal(std::move(items), result.span);
  result.is_uid_list = all_uids;
  result.uid_list = std::move(uids);
  return result;
}

Operand Parser::parse_record() {
  const uint32_t start = advance().offset;
  std::vector<RecordField> fields;
  bool valid = true;
  while (!at(TokenKind::kRightBrace)) {
    std::optional<std::string_view> key;
    if (at_keyword(Keyword::kIf) && peek(1).kind == TokenKind::kColon) {
      check_name_segment(advance());
      valid = false;
    } else {
      const size_t errors_before = errors_.size();
      const Operand key_operand = parse_expr();
      // A key whose own parse failed is already reported.
      if (errors_.size() == errors_before) key = into_attribute(key_operand);
      valid = valid && key.has_value();
    }
    expect(TokenKind::kColon, "`:`");
    const Expr* value = parse_expr_value();
    if (key) {
      const bool duplicate = std::any_of(fields.begin(), fields.end(),
                                         [&](const RecordField& f) { return f.key == *key; });
      if (duplicate) {
        error(code::kDuplicateKey, span_from(start),
              fmt::format("duplicate key `{}` in record literal", *key));
        valid = false;
      }
      fields.push_back(RecordField{*key, value});
    }
    if (!at(TokenKind::kComma)) break;
    advance();
  }
  expect(TokenKind::kRightBrace, "`}` or `,`");
  Operand result;
  result.span = span_from(start);
  result.expr = valid ? record_literal(std::move(fields), result.span) : error_expr(result.span);
  return result;
}

// ------------------------------------------------------------------------------------------------
// Conversions

const Expr* Parser::into_expr(const Operand& operand) {
  switch (operand.kind) {
    case Operand::Kind::kExpr:
      return operand.expr;
    case Operand::Kind::kVar:
      return built(builder_.var(operand.var, operand.span), operand.span);
    case Operand::Kind::kName:
      error(code::kInvalidVariable, operand.span, fmt::format("invalid variable: {}", operand.name),
            fmt::format("the valid Cedar variables are `principal`, `action`, `resource`, and "
                        "`context`; did you mean to enclose `{}` in quotes to make a string?",
                        operand.name));
      return error_expr(operand.span);
    case Operand::Kind::kString: {
      const auto value = into_string(operand);
      return value ? literal(Value::from_string(*value), operand.span) : error_expr(operand.span);
    }
    case Operand::Kind::kBool:
      return literal(Value::from_bool(operand.flag), operand.span);
    case Operand::Kind::kNumber:
      if (operand.number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        error(code::kIntegerTooLarge, operand.span,
              fmt::format("integer literal `{}` is too large", operand.number),
              "maximum allowed integer literal is `9223372036854775807`");
        return error_expr(operand.span);
      }
      return literal(Value::from_long(static_cast<int64_t>(operand.number)), operand.span);
  }
  return error_expr(operand.span);
}

std::optional<std::string_view> Parser::into_attribute(const Operand& operand) {
  switch (operand.kind) {
    case Operand::Kind::kVar:
      return to_string(operand.var);
    case Operand::Kind::kName:
      if (operand.qualified) {
        error(code::kInvalidAttribute, operand.span,
              fmt::format("`{}` cannot be used as an attribute as it contains a namespace",
                          operand.name));
        return std::nullopt;
      }
      return operand.name;
    case Operand::Kind::kString:
      return into_string(operand);
    case Operand::Kind::kBool:
      error(code::kReservedIdentifier, operand.span,
            fmt::format("this identifier is reserved and cannot be used: {}",
                        operand.flag ? "true" : "false"));
      return std::nullopt;
    default:
      error(code::kInvalidAttribute, operand.span,
            fmt::format("invalid attribute name: {}", text(operand.span)),
            "attribute names can either be identifiers or string literals");
      return std::nullopt;
  }
}

std::optional<std::string_view> Parser::into_string(const Operand& operand) {
  return unescape_token(operand.raw, operand.span.offset + 1, operand.span);
}

std::optional<std::string_view> Parser::unescape_token(std::string_view raw, uint32_t raw_offset,
                                                       SourceSpan span) {
  std::string out;
  std::vector<UnescapeError> escape_errors;
  if (unescape(raw, out, escape_errors)) return arena_.copy(out);
  for (const UnescapeError& escape : escape_errors) {
    const SourceSpan at{raw_offset + static_cast<uint32_t>(escape.offset),
                        static_cast<uint32_t>(escape.length)};
    error(code::kInvalidEscape, escape.length > 0 ? at : span, escape.message);
  }
  return std::nullopt;
}

}  // namespace eksguard::cedar::internal
