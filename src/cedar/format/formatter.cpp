#include "cedar/format/formatter.h"

#include <fmt/format.h>

#include <optional>

#include "cedar/extension_functions.h"
#include "cedar/format/doc.h"
#include "cedar/format/source_text.h"
#include "common/utf8.h"

namespace eksguard::cedar {
namespace {

using format::Doc;
using format::Docs;
using format::SourceText;

constexpr std::string_view kFormatFailed = "policy.format.failed";
constexpr std::string_view kInvalidUtf8 = "policy.format.invalid-utf8";

// Precedence levels of the Cedar grammar, loosest first. An operand printed where a tighter
// level is required gets parentheses.
enum Level : int {
  kIfLevel,
  kOrLevel,
  kAndLevel,
  kRelationLevel,
  kAddLevel,
  kMultLevel,
  kUnaryLevel,
  kMemberLevel,
  kPrimaryLevel,
};

bool is_method_call(const Expr& expr) {
  return expr.kind == ExprKind::kExtensionCall && !expr.items.empty() &&
         extension_function(static_cast<ExtensionFunctionId>(expr.tag)).method_style;
}

// `.name`, `["name"]`, `.method(...)`: the nodes a member chain is made of.
bool is_accessor(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kGetAttr:
    case ExprKind::kIsEmpty:
    case ExprKind::kContains:
    case ExprKind::kContainsAll:
    case ExprKind::kContainsAny:
    case ExprKind::kGetTag:
    case ExprKind::kHasTag:
      return true;
    case ExprKind::kExtensionCall:
      return is_method_call(expr);
    default:
      return false;
  }
}

const Expr& receiver_of(const Expr& expr) {
  return expr.kind == ExprKind::kExtensionCall ? *expr.items[0] : *expr.a;
}

int level_of(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kIf:
      return kIfLevel;
    case ExprKind::kOr:
      return kOrLevel;
    case ExprKind::kAnd:
      return kAndLevel;
    case ExprKind::kEq:
    case ExprKind::kNotEq:
    case ExprKind::kLess:
    case ExprKind::kLessEq:
    case ExprKind::kGreater:
    case ExprKind::kGreaterEq:
    case ExprKind::kIn:
    case ExprKind::kHasAttr:
    case ExprKind::kLike:
    case ExprKind::kIs:
      return kRelationLevel;
    case ExprKind::kAdd:
    case ExprKind::kSub:
      return kAddLevel;
    case ExprKind::kMul:
      return kMultLevel;
    case ExprKind::kNot:
    case ExprKind::kNeg:
      return kUnaryLevel;
    case ExprKind::kLiteral:
      // `-1` is a unary minus to the grammar: `(-1).foo`, `-(-1)`.
      return expr.literal.is_long() && expr.literal.as_long() < 0 ? kUnaryLevel : kPrimaryLevel;
    case ExprKind::kVar:
    case ExprKind::kSlot:
    case ExprKind::kSet:
    case ExprKind::kRecord:
      return kPrimaryLevel;
    default:
      return is_accessor(expr) ? kMemberLevel : kPrimaryLevel;
  }
}

TokenKind operator_token(ExprKind kind) {
  switch (kind) {
    case ExprKind::kOr:
      return TokenKind::kOrOr;
    case ExprKind::kAnd:
      return TokenKind::kAndAnd;
    case ExprKind::kEq:
      return TokenKind::kEqEq;
    case ExprKind::kNotEq:
      return TokenKind::kNotEq;
    case ExprKind::kLess:
      return TokenKind::kLess;
    case ExprKind::kLessEq:
      return TokenKind::kLessEq;
    case ExprKind::kGreater:
      return TokenKind::kGreater;
    case ExprKind::kGreaterEq:
      return TokenKind::kGreaterEq;
    case ExprKind::kIn:
      return TokenKind::kIdentifier;
    case ExprKind::kAdd:
      return TokenKind::kPlus;
    case ExprKind::kSub:
      return TokenKind::kMinus;
    default:
      return TokenKind::kStar;
  }
}

std::string_view method_name(const Expr& expr) {
  const std::string_view name = cedar::method_name(expr.kind);
  return name.empty() ? extension_function(static_cast<ExtensionFunctionId>(expr.tag)).name : name;
}

std::string record_key(std::string_view key) {
  return is_plain_attribute(key) ? std::string(key) : quote_string(key);
}

uint32_t end_of(SourceSpan span) {
  return span.offset + span.length;
}

using MaybeSpan = std::optional<SourceSpan>;

// Builds the document of policies and expressions. With a SourceText, every printed token is
// looked up in the source so that the comments attached to it are printed next to it.
class Printer {
 public:
  Printer(Docs& docs, const FormatOptions& options, SourceText* source)
      : d_(docs), indent_(options.indent), source_(source) {}

  Doc policies(std::span<const Policy> policies) {
    std::vector<Doc> parts;
    for (const Policy& policy : policies) {
      if (!parts.empty()) parts.insert(parts.end(), {d_.hardline(), d_.hardline()});
      parts.push_back(print_policy(policy));
    }
    if (source_ != nullptr && source_->comment_count() > 0) {
      const Doc rest = source_->remaining(d_);
      if (rest != d_.nil() && !parts.empty()) parts.push_back(d_.hardline());
      parts.push_back(rest);
    }
    return d_.concat(parts);
  }

 private:
  // ---- tokens
  Doc tok(MaybeSpan span, std::string_view text) { return tok(span, d_.text(text)); }
  Doc tok(MaybeSpan span, Doc doc) {
    if (source_ == nullptr || !span) return doc;
    return source_->piece(d_, *span, doc);
  }
  MaybeSpan find(TokenKind kind, uint32_t from, uint32_t to, Keyword keyword = Keyword::kNone) {
    if (source_ == nullptr) return std::nullopt;
    return source_->find(kind, from, to, keyword);
  }
  MaybeSpan next(TokenKind kind, uint32_t from) {
    if (source_ == nullptr) return std::nullopt;
    return source_->next(kind, from);
  }
  MaybeSpan matching_close(MaybeSpan open) {
    if (source_ == nullptr || !open) return std::nullopt;
    return source_->matching_close(*open);
  }
  // The source range from `from` to `to`, when there is a source and it is not empty.
  MaybeSpan range(uint32_t from, uint32_t to) {
    if (source_ == nullptr || to <= from) return std::nullopt;
    return SourceSpan{from, to - from};
  }
  MaybeSpan token_at(uint32_t from) {
    if (source_ == nullptr) return std::nullopt;
    const Token& token = source_->token_at_or_after(from);
    if (token.kind == TokenKind::kEnd) return std::nullopt;
    return SourceSpan{token.offset, token.length};
  }
  static uint32_t after(MaybeSpan span, uint32_t otherwise) {
    return span ? end_of(*span) : otherwise;
  }

  // ---- policies
  Doc print_policy(const Policy& policy) {
    std::vector<Doc> parts;
    uint32_t cursor = policy.span.offset;
    for (const PolicyAnnotation& annotation : policy.annotations) {
      parts.push_back(
          tok(range(annotation.span.offset, end_of(annotation.span)), annotation_text(annotation)));
      parts.push_back(d_.hardline());
      cursor = end_of(annotation.span);
    }
    const MaybeSpan effect = find(TokenKind::kIdentifier, cursor, end_of(policy.span));
    const MaybeSpan open = next(TokenKind::kLeftParen, after(effect, cursor));
    parts.push_back(tok(effect, policy.effect == Effect::kPermit ? "permit" : "forbid"));
    parts.push_back(d_.text(" "));
    parts.push_back(scope(policy, open));
    cursor = end_of(policy.resource.span);
    for (const Condition& condition : policy.conditions) {
      parts.push_back(d_.hardline());
      parts.push_back(print_condition(condition));
      cursor = end_of(condition.span);
    }
    parts.push_back(tok(find(TokenKind::kSemicolon, cursor, end_of(policy.span)), ";"));
    return d_.concat(parts);
  }

  std::string annotation_text(const PolicyAnnotation& annotation) {
    // `@key` and `@key("")` mean the same; keep the form that was written.
    const bool valueless = source_ != nullptr && annotation.value.empty() &&
                           annotation.span.length > 0 &&
                           source_->source()[end_of(annotation.span) - 1] != ')';
    if (valueless) return fmt::format("@{}", annotation.key);
    return fmt::format("@{}({})", annotation.key, quote_string(annotation.value));
  }

  // `(principal, action, resource)` on one line when nothing is constrained, else one element
  // per line.
  // Docs are built in output order throughout: building one hands out the comments before it.
  Doc scope(const Policy& policy, MaybeSpan open) {
    const MaybeSpan first_comma =
        find(TokenKind::kComma, end_of(policy.principal.span), policy.action.span.offset);
    const MaybeSpan second_comma =
        find(TokenKind::kComma, end_of(policy.action.span), policy.resource.span.offset);
    const MaybeSpan close = matching_close(open);
    const bool unconstrained = policy.principal.op == ScopeConstraint::Op::kAny &&
                               policy.action.op == ActionConstraint::Op::kAny &&
                               policy.resource.op == ScopeConstraint::Op::kAny;
    const Doc separator = unconstrained ? d_.line() : d_.hardline();
    const Doc edge = unconstrained ? d_.softline() : d_.hardline();
    const Doc open_doc = tok(open, "(");
    const Doc elements =
        d_.concat({edge, scope_element(policy.principal, Var::kPrincipal), tok(first_comma, ","),
                   separator, action_element(policy.action), tok(second_comma, ","), separator,
                   scope_element(policy.resource, Var::kResource)});
    return d_.concat(
        {d_.group(d_.concat({open_doc, d_.nest(indent_, elements), edge})), tok(close, ")")});
  }

  Doc scope_element(const ScopeConstraint& scope, Var var) {
    const std::string_view name = to_string(var);
    const uint32_t start = scope.span.offset;
    const uint32_t end = end_of(scope.span);
    const MaybeSpan var_span = range(start, start + static_cast<uint32_t>(name.size()));
    std::vector<Doc> parts{tok(var_span, name)};
    const auto target = [&](MaybeSpan op) {
      const std::string text = scope.slot                ? std::string(to_string(*scope.slot))
                               : scope.entity != nullptr ? to_cedar_string(*scope.entity)
                                                         : std::string("?");
      return tok(range(after(op, start), end), text);
    };
    uint32_t cursor = after(var_span, start);
    if (scope.op == ScopeConstraint::Op::kIs || scope.op == ScopeConstraint::Op::kIsIn) {
      const MaybeSpan is = find(TokenKind::kIdentifier, cursor, end, Keyword::kIs);
      const MaybeSpan in = find(TokenKind::kIdentifier, after(is, cursor), end, Keyword::kIn);
      parts.insert(parts.end(),
                   {d_.text(" "), tok(is, "is"), d_.text(" "),
                    tok(range(after(is, cursor), in ? in->offset : end), scope.entity_type)});
      if (scope.op == ScopeConstraint::Op::kIsIn) {
        parts.insert(parts.end(), {d_.text(" "), tok(in, "in"), d_.text(" "), target(in)});
      }
    } else if (scope.op == ScopeConstraint::Op::kEq) {
      const MaybeSpan op = find(TokenKind::kEqEq, cursor, end);
      parts.insert(parts.end(), {d_.text(" "), tok(op, "=="), d_.text(" "), target(op)});
    } else if (scope.op == ScopeConstraint::Op::kIn) {
      const MaybeSpan op = find(TokenKind::kIdentifier, cursor, end, Keyword::kIn);
      parts.insert(parts.end(), {d_.text(" "), tok(op, "in"), d_.text(" "), target(op)});
    }
    return d_.concat(parts);
  }

  Doc action_element(const ActionConstraint& action) {
    const uint32_t start = action.span.offset;
    const uint32_t end = end_of(action.span);
    const MaybeSpan var_span = range(start, start + 6);
    std::vector<Doc> parts{tok(var_span, "action")};
    if (action.op == ActionConstraint::Op::kAny) return parts[0];
    const uint32_t cursor = after(var_span, start);
    const MaybeSpan op = action.op == ActionConstraint::Op::kEq
                             ? find(TokenKind::kEqEq, cursor, end)
                             : find(TokenKind::kIdentifier, cursor, end, Keyword::kIn);
    parts.insert(parts.end(),
                 {d_.text(" "), tok(op, action.op == ActionConstraint::Op::kEq ? "==" : "in"),
                  d_.text(" ")});
    const MaybeSpan open = next(TokenKind::kLeftBracket, after(op, cursor));
    const bool list = source_ != nullptr ? open.has_value() : action.entities.size() != 1;
    if (!list) {
      const std::string text =
          action.entities.empty() ? std::string("[]") : to_cedar_string(*action.entities[0]);
      parts.push_back(tok(range(after(op, cursor), end), text));
      return d_.concat(parts);
    }
    // `[A, B]`: each entity's source range runs to the next `,` or the closing `]`.
    const MaybeSpan close = matching_close(open);
    const Doc open_doc = tok(open, "[");
    std::vector<Doc> items;
    uint32_t item_start = after(open, cursor);
    for (size_t i = 0; i < action.entities.size(); ++i) {
      const uint32_t limit = close ? close->offset : end;
      const MaybeSpan comma = find(TokenKind::kComma, item_start, limit);
      const MaybeSpan first = token_at(item_start);
      const MaybeSpan item =
          first ? range(first->offset, comma ? comma->offset : limit) : std::nullopt;
      items.push_back(tok(item, to_cedar_string(*action.entities[i])));
      if (i + 1 < action.entities.size()) items.push_back(tok(comma, ","));
      item_start = after(comma, item_start);
    }
    parts.push_back(bracketed(open_doc, items, close, "]", false));
    return d_.concat(parts);
  }

  Doc print_condition(const Condition& condition) {
    const std::string_view keyword = condition.is_when ? "when" : "unless";
    const uint32_t start = condition.span.offset;
    const MaybeSpan keyword_span = range(start, start + static_cast<uint32_t>(keyword.size()));
    const MaybeSpan open =
        find(TokenKind::kLeftBrace, after(keyword_span, start), condition.expr->span.offset);
    const MaybeSpan close =
        find(TokenKind::kRightBrace, end_of(condition.expr->span), end_of(condition.span) + 1);
    // `when { e }`; else `when` and `{ e }` on the next line; else `e` on lines of its own.
    const Doc keyword_doc = tok(keyword_span, keyword);
    const Doc open_doc = tok(open, "{");
    const Doc body = d_.concat({d_.line(), d_.group(expr(*condition.expr, kIfLevel))});
    const Doc braces = d_.concat(
        {d_.group(d_.concat({open_doc, d_.nest(indent_, body), d_.line()})), tok(close, "}")});
    return d_.group(d_.concat({keyword_doc, d_.line(), braces}));
  }

  // ---- expressions
  Doc expr(const Expr& e, int min_level) {
    if (level_of(e) >= min_level) return bare(e);
    return parenthesized(bare(e));
  }

  Doc parenthesized(Doc inner) {
    return d_.group(d_.concat({d_.text("("), d_.nest(1, inner), d_.text(")")}));
  }

  Doc bare(const Expr& e) {
    const MaybeSpan span = range(e.span.offset, end_of(e.span));
    switch (e.kind) {
      case ExprKind::kLiteral:
        return tok(span, value(e.literal));
      case ExprKind::kVar:
        return tok(span, to_string(e.var()));
      case ExprKind::kSlot:
        return tok(span, to_string(e.slot()));
      case ExprKind::kIf:
        return if_then_else(e);
      case ExprKind::kOr:
      case ExprKind::kAnd: {
        // No group of their own: a whole `&&`/`||` chain breaks at every operator or none.
        const int level = e.kind == ExprKind::kOr ? kOrLevel : kAndLevel;
        return d_.concat({logical_operand(e, *e.a, level), d_.text(" "), op_token(e), d_.line(),
                          logical_operand(e, *e.b, level + 1)});
      }
      case ExprKind::kEq:
      case ExprKind::kNotEq:
      case ExprKind::kLess:
      case ExprKind::kLessEq:
      case ExprKind::kGreater:
      case ExprKind::kGreaterEq:
      case ExprKind::kIn:
        return d_.concat({expr(*e.a, kAddLevel), d_.text(" "), op_token(e), d_.text(" "),
                          expr(*e.b, kAddLevel)});
      case ExprKind::kAdd:
      case ExprKind::kSub:
      case ExprKind::kMul:
        return arithmetic(e);
      case ExprKind::kNot:
      case ExprKind::kNeg:
        return unary(e);
      case ExprKind::kHasAttr:
        return has(e);
      case ExprKind::kLike: {
        const Doc target = expr(*e.a, kAddLevel);
        const MaybeSpan like =
            find(TokenKind::kIdentifier, end_of(e.a->span), end_of(e.span), Keyword::kLike);
        const MaybeSpan pattern = range(after(like, end_of(e.a->span)), end_of(e.span));
        return d_.concat({target, d_.text(" "), tok(like, "like"), d_.text(" "),
                          tok(pattern, quote_pattern(e.pattern))});
      }
      case ExprKind::kIs:
        return is(e);
      case ExprKind::kSet:
        return set(e);
      case ExprKind::kRecord:
        return record(e);
      case ExprKind::kExtensionCall:
        if (!is_method_call(e)) {
          uint32_t end = 0;
          return function_call(e, end);
        }
        return member_chain(e);
      default:
        return member_chain(e);
    }
  }

  // An `&&` inside `||` keeps parentheses, as Cedar's formatter keeps the ones people write
  // there: `(a && b) || c` reads unambiguously.
  Doc logical_operand(const Expr& parent, const Expr& operand, int level) {
    if (parent.kind == ExprKind::kOr && operand.kind == ExprKind::kAnd) {
      return parenthesized(bare(operand));
    }
    return expr(operand, level);
  }

  Doc op_token(const Expr& e) {
    const MaybeSpan span = find(operator_token(e.kind), end_of(e.a->span), e.b->span.offset,
                                e.kind == ExprKind::kIn ? Keyword::kIn : Keyword::kNone);
    return tok(span, binary_operator(e.kind));
  }

  Doc if_then_else(const Expr& e) {
    const MaybeSpan if_span =
        find(TokenKind::kIdentifier, e.span.offset, e.a->span.offset, Keyword::kIf);
    const MaybeSpan then_span =
        find(TokenKind::kIdentifier, end_of(e.a->span), e.b->span.offset, Keyword::kThen);
    const MaybeSpan else_span =
        find(TokenKind::kIdentifier, end_of(e.b->span), e.c->span.offset, Keyword::kElse);
    const auto branch = [&](MaybeSpan keyword_span, std::string_view keyword, const Expr& body) {
      return d_.concat({tok(keyword_span, keyword),
                        d_.nest(indent_, d_.concat({d_.line(), expr(body, kIfLevel)}))});
    };
    return d_.group(
        d_.concat({branch(if_span, "if", *e.a), d_.line(), branch(then_span, "then", *e.b),
                   d_.line(), branch(else_span, "else", *e.c)}));
  }

  // `a + b - c` (or `a * b * c`) as one group: all on one line, or a break after each operator.
  Doc arithmetic(const Expr& e) {
    const bool additive = e.kind != ExprKind::kMul;
    const auto same_level = [&](const Expr& x) {
      return additive ? (x.kind == ExprKind::kAdd || x.kind == ExprKind::kSub)
                      : x.kind == ExprKind::kMul;
    };
    std::vector<const Expr*> chain;  // outermost first
    for (const Expr* x = &e; same_level(*x); x = x->a) chain.push_back(x);
    const int level = additive ? kAddLevel : kMultLevel;
    std::vector<Doc> parts{expr(*chain.back()->a, level)};
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      parts.insert(parts.end(),
                   {d_.text(" "), op_token(**it), d_.line(), expr(*(*it)->b, level + 1)});
    }
    return d_.group(d_.concat(parts));
  }

  Doc unary(const Expr& e) {
    const bool negation = e.kind == ExprKind::kNeg;
    const MaybeSpan op =
        find(negation ? TokenKind::kMinus : TokenKind::kBang, e.span.offset, e.span.offset + 1);
    // `-(5)` stays a negation of 5: `-5` would be the literal -5.
    const bool literal_number =
        negation && e.a->kind == ExprKind::kLiteral && e.a->literal.is_long();
    const Doc op_doc = tok(op, negation ? "-" : "!");
    const Doc operand = literal_number ? parenthesized(bare(*e.a)) : expr(*e.a, kMemberLevel);
    return d_.concat({op_doc, operand});
  }

  Doc has(const Expr& e) {
    const Doc target = expr(*e.a, kAddLevel);
    const MaybeSpan has_span =
        find(TokenKind::kIdentifier, end_of(e.a->span), end_of(e.span), Keyword::kHas);
    const MaybeSpan path_span = range(after(has_span, end_of(e.a->span)), end_of(e.span));
    bool plain = true;
    for (const std::string_view part : e.path) plain = plain && is_plain_attribute(part);
    std::string path;
    if (plain) {
      for (const std::string_view part : e.path) {
        if (!path.empty()) path += '.';
        path += part;
      }
    } else if (e.path.size() == 1) {
      path = quote_string(e.path[0]);
    } else {
      return has_desugared(e);
    }
    return d_.concat(
        {target, d_.text(" "), tok(has_span, "has"), d_.text(" "), tok(path_span, path)});
  }

  // `e has a.b` whose attributes cannot all be written bare (only from ASTs built without
  // source): the `e has "a" && e["a"] has "b"` it stands for.
  Doc has_desugared(const Expr& e) {
    const Doc target = expr(*e.a, kMemberLevel);
    std::vector<Doc> parts;
    std::string access;
    for (size_t i = 0; i < e.path.size(); ++i) {
      if (i > 0) parts.insert(parts.end(), {d_.text(" &&"), d_.line()});
      parts.insert(parts.end(), {target, d_.text(access + " has " + quote_string(e.path[i]))});
      access += fmt::format("[{}]", quote_string(e.path[i]));
    }
    return parenthesized(d_.concat(parts));
  }

  Doc is(const Expr& e) {
    const Doc target = expr(*e.a, kAddLevel);
    const uint32_t end = e.b != nullptr ? e.b->span.offset : end_of(e.span);
    const MaybeSpan is_span = find(TokenKind::kIdentifier, end_of(e.a->span), end, Keyword::kIs);
    const MaybeSpan in_span =
        e.b != nullptr
            ? find(TokenKind::kIdentifier, after(is_span, end_of(e.a->span)), end, Keyword::kIn)
            : std::nullopt;
    const MaybeSpan type_span =
        range(after(is_span, end_of(e.a->span)), in_span ? in_span->offset : end);
    std::vector<Doc> parts{target, d_.text(" "), tok(is_span, "is"), d_.text(" "),
                           tok(type_span, e.name)};
    if (e.b != nullptr) {
      parts.insert(parts.end(),
                   {d_.text(" "), tok(in_span, "in"), d_.text(" "), expr(*e.b, kAddLevel)});
    }
    return d_.concat(parts);
  }

  // `open item, item, ... close`: on one line, or one item per line indented. `spaced` puts
  // spaces inside the brackets on one line (records). A comment after the closing bracket does
  // not break the brackets.
  Doc bracketed(Doc open, const std::vector<Doc>& items_and_commas, MaybeSpan close,
                std::string_view close_text, bool spaced) {
    if (items_and_commas.empty()) return d_.concat({open, tok(close, close_text)});
    // items_and_commas alternates item, comma, item, ...: a break goes after each comma.
    std::vector<Doc> body{spaced ? d_.line() : d_.softline()};
    for (size_t i = 0; i < items_and_commas.size(); ++i) {
      body.push_back(items_and_commas[i]);
      if (i % 2 == 1) body.push_back(d_.line());
    }
    return d_.concat({d_.group(d_.concat({open, d_.nest(indent_, d_.concat(body)),
                                          spaced ? d_.line() : d_.softline()})),
                      tok(close, close_text)});
  }

  // Items with the `,` tokens between them, for bracketed().
  std::vector<Doc> comma_separated(std::span<const Expr* const> items) {
    std::vector<Doc> out;
    for (size_t i = 0; i < items.size(); ++i) {
      out.push_back(expr(*items[i], kIfLevel));
      if (i + 1 < items.size()) {
        out.push_back(
            tok(find(TokenKind::kComma, end_of(items[i]->span), items[i + 1]->span.offset), ","));
      }
    }
    return out;
  }

  Doc set(const Expr& e) {
    const MaybeSpan open = range(e.span.offset, e.span.offset + 1);
    const Doc open_doc = tok(open, "[");
    return bracketed(open_doc, comma_separated(e.items), matching_close(open), "]", false);
  }

  Doc record(const Expr& e) {
    const MaybeSpan open = range(e.span.offset, e.span.offset + 1);
    const MaybeSpan close = matching_close(open);
    const Doc open_doc = tok(open, "{");
    std::vector<Doc> fields;
    uint32_t cursor = after(open, e.span.offset);
    for (size_t i = 0; i < e.fields.size(); ++i) {
      const RecordField& field = e.fields[i];
      const MaybeSpan key = token_at(cursor);
      const MaybeSpan colon = find(TokenKind::kColon, after(key, cursor), field.value->span.offset);
      fields.push_back(d_.concat({tok(key, record_key(field.key)), tok(colon, ":"), d_.text(" "),
                                  expr(*field.value, kIfLevel)}));
      cursor = end_of(field.value->span);
      if (i + 1 < e.fields.size()) {
        const MaybeSpan comma =
            find(TokenKind::kComma, cursor, close ? close->offset : end_of(e.span));
        fields.push_back(tok(comma, ","));
        cursor = after(comma, cursor);
      }
    }
    return bracketed(open_doc, fields, close, "}", true);
  }

  // `(arg, ...)` of a call whose `(` is the first token at or after `from`; `end` is set to
  // the end of its `)` in the source.
  Doc arguments(std::span<const Expr* const> args, uint32_t from, uint32_t& end) {
    const MaybeSpan open = next(TokenKind::kLeftParen, from);
    const MaybeSpan close = matching_close(open);
    end = after(close, from);
    const Doc open_doc = tok(open, "(");
    return bracketed(open_doc, comma_separated(args), close, ")", false);
  }

  Doc function_call(const Expr& e, uint32_t& end) {
    const std::string_view name = extension_function(static_cast<ExtensionFunctionId>(e.tag)).name;
    const MaybeSpan name_span = find(TokenKind::kIdentifier, e.span.offset, end_of(e.span));
    const Doc head = tok(name_span, name);
    return d_.concat({head, arguments(e.items, after(name_span, e.span.offset), end)});
  }

  // `base.a.b(x)["c"]`: the accessors follow the base, each after a possible break (indented)
  // once the chain does not fit on its line. The parser gives every node of a chain the span of
  // the whole chain, so the accessors are found in the source one after another.
  Doc member_chain(const Expr& e) {
    std::vector<const Expr*> chain;  // outermost first
    const Expr* base = &e;
    while (is_accessor(*base)) {
      chain.push_back(base);
      base = &receiver_of(*base);
    }
    uint32_t cursor = end_of(base->span);
    const Doc base_doc = base->kind == ExprKind::kExtensionCall && !is_method_call(*base)
                             ? function_call(*base, cursor)
                             : expr(*base, kMemberLevel);
    std::vector<Doc> accessors;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      accessors.push_back(accessor(**it, cursor));
    }
    std::vector<Doc> rest;
    for (size_t i = 1; i < accessors.size(); ++i) {
      rest.push_back(d_.softline());
      rest.push_back(accessors[i]);
    }
    return d_.group(d_.concat({base_doc, accessors[0], d_.nest(indent_, d_.concat(rest))}));
  }

  Doc accessor(const Expr& e, uint32_t& cursor) {
    if (e.kind == ExprKind::kGetAttr) {
      const std::string text = is_plain_attribute(e.name)
                                   ? fmt::format(".{}", e.name)
                                   : fmt::format("[{}]", quote_string(e.name));
      MaybeSpan span;
      if (const MaybeSpan dot = next(TokenKind::kDot, cursor)) {
        const MaybeSpan name = token_at(end_of(*dot));
        span = range(dot->offset, after(name, end_of(*dot)));
      } else if (const MaybeSpan open = next(TokenKind::kLeftBracket, cursor)) {
        span = range(open->offset, after(matching_close(open), end_of(*open)));
      }
      cursor = after(span, cursor);
      return tok(span, text);
    }
    const MaybeSpan dot = next(TokenKind::kDot, cursor);
    const MaybeSpan name = dot ? token_at(end_of(*dot)) : std::nullopt;
    const MaybeSpan head = dot ? range(dot->offset, after(name, end_of(*dot))) : std::nullopt;
    const Doc head_doc = tok(head, fmt::format(".{}", method_name(e)));
    std::span<const Expr* const> args;
    if (e.kind == ExprKind::kExtensionCall) {
      args = e.items.subspan(1);
    } else if (e.b != nullptr) {
      args = std::span<const Expr* const>(&e.b, 1);
    }
    uint32_t end = after(head, cursor);
    const Doc args_doc = arguments(args, after(head, cursor), end);
    cursor = end;
    return d_.concat({head_doc, args_doc});
  }

  // ---- literal values (folded by the parser, or built without source)
  Doc value(const Value& v) {
    switch (v.kind()) {
      case ValueKind::kSet: {
        std::vector<Doc> items;
        for (const Value& item : v.set_items()) {
          if (!items.empty()) items.push_back(d_.text(","));
          items.push_back(value(item));
        }
        return bracketed(d_.text("["), items, std::nullopt, "]", false);
      }
      case ValueKind::kRecord: {
        std::vector<Doc> fields;
        for (const RecordEntry& entry : v.record_entries()) {
          if (!fields.empty()) fields.push_back(d_.text(","));
          fields.push_back(
              d_.concat({d_.text(record_key(entry.key)), d_.text(": "), value(entry.value)}));
        }
        return bracketed(d_.text("{"), fields, std::nullopt, "}", true);
      }
      default:
        return d_.text(to_cedar_string(v));
    }
  }

  Docs& d_;
  uint32_t indent_;
  SourceText* source_;
};

std::string render(Docs& docs, Doc doc, const FormatOptions& options) {
  std::string out = docs.render(doc, options.line_width);
  if (!out.empty()) out += '\n';
  return out;
}

ParseError format_failure(const std::string& file, std::string message) {
  ParseError error;
  error.diagnostic = make_diagnostic(std::string(kFormatFailed), std::move(message), file, 1, 1, 0);
  return error;
}

// The offset of the first byte that is not part of well-formed UTF-8, if any.
std::optional<size_t> invalid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const Utf8Char ch = decode_utf8(text.data() + i, text.size() - i);
    if (!ch.valid) return i;
    i += ch.length;
  }
  return std::nullopt;
}

}  // namespace

Result<std::string, std::vector<ParseError>> format_policies(std::string_view source,
                                                             std::string file,
                                                             const FormatOptions& options) {
  ParseOptions parse_options;
  parse_options.keep_as_written = true;
  ParsedPolicies parsed = parse_policies(source, file, parse_options);
  if (!parsed.ok()) return Unexpected(std::move(parsed.errors));
  // Policy text is UTF-8; a string holding other bytes could not be written back faithfully.
  if (const auto offset = invalid_utf8(source)) {
    const LineColumn at = line_column(source, static_cast<uint32_t>(*offset));
    ParseError error;
    error.diagnostic =
        make_diagnostic(std::string(kInvalidUtf8), "the policy text is not valid UTF-8", file,
                        at.line, at.column, 1);
    error.offset = static_cast<uint32_t>(*offset);
    return Unexpected(std::vector<ParseError>{std::move(error)});
  }

  SourceText text(parsed.source);
  Docs docs;
  Printer printer(docs, options, &text);
  const Doc doc = printer.policies(parsed.policies);
  std::string out = render(docs, doc, options);

  // The formatter must never lose a comment or emit text that does not parse; check both.
  std::vector<Comment> comments;
  tokenize(out, &comments);
  if (comments.size() != text.comment_count()) {
    return Unexpected(std::vector<ParseError>{format_failure(
        file, fmt::format("internal error: the formatted text has {} comments instead of {}",
                          comments.size(), text.comment_count()))});
  }
  const ParsedPolicies reparsed = parse_policies(out, file, parse_options);
  if (!reparsed.ok() || reparsed.policies.size() != parsed.policies.size()) {
    return Unexpected(std::vector<ParseError>{format_failure(
        file, "internal error: the formatted text does not parse as the original did")});
  }
  return out;
}

std::string print_policies(std::span<const Policy> policies, const FormatOptions& options) {
  Docs docs;
  Printer printer(docs, options, nullptr);
  const Doc doc = printer.policies(policies);
  return render(docs, doc, options);
}

}  // namespace eksguard::cedar
