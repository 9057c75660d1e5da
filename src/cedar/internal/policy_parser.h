// The policy parser's machinery, shared by its two halves: policies and scopes
// (policy_parser.cpp) and expressions (expression_parser.cpp). Internal to src/cedar; the
// public entry points are in cedar/parser.h.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/arena.h"
#include "cedar/ast.h"
#include "cedar/extension_functions.h"
#include "cedar/internal/expr_builder.h"
#include "cedar/lexer.h"
#include "cedar/parser.h"

namespace eksguard::cedar::internal {

// Stable error codes; tools and tests match on these, never on message text.
namespace code {
inline constexpr std::string_view kInvalidToken = "policy.parse.invalid-token";
inline constexpr std::string_view kUnexpectedToken = "policy.parse.unexpected-token";
inline constexpr std::string_view kUnexpectedEnd = "policy.parse.unexpected-end";
inline constexpr std::string_view kTooLarge = "policy.parse.input-too-large";
inline constexpr std::string_view kTooDeep = "policy.parse.too-deep";
inline constexpr std::string_view kIntegerTooLarge = "policy.parse.integer-too-large";
inline constexpr std::string_view kReservedIdentifier = "policy.parse.reserved-identifier";
inline constexpr std::string_view kReservedNamespace = "policy.parse.reserved-namespace";
inline constexpr std::string_view kInvalidEffect = "policy.parse.invalid-effect";
inline constexpr std::string_view kInvalidCondition = "policy.parse.invalid-condition";
inline constexpr std::string_view kEmptyClause = "policy.parse.empty-clause";
inline constexpr std::string_view kDuplicateAnnotation = "policy.parse.duplicate-annotation";
inline constexpr std::string_view kScope = "policy.parse.invalid-scope";
inline constexpr std::string_view kTypeConstraint = "policy.parse.type-constraint";
inline constexpr std::string_view kSingleEq = "policy.parse.single-eq";
inline constexpr std::string_view kInvalidActionType = "policy.parse.invalid-action-type";
inline constexpr std::string_view kWrongEntityArgument = "policy.parse.wrong-entity-argument";
inline constexpr std::string_view kAmbiguousOperators = "policy.parse.ambiguous-operators";
inline constexpr std::string_view kUnsupportedOperator = "policy.parse.unsupported-operator";
inline constexpr std::string_view kUnaryLimit = "policy.parse.unary-op-limit";
inline constexpr std::string_view kInvalidVariable = "policy.parse.invalid-variable";
inline constexpr std::string_view kInvalidAttribute = "policy.parse.invalid-attribute";
inline constexpr std::string_view kInvalidHas = "policy.parse.invalid-has";
inline constexpr std::string_view kInvalidPattern = "policy.parse.invalid-pattern";
inline constexpr std::string_view kInvalidIs = "policy.parse.invalid-is";
inline constexpr std::string_view kInvalidString = "policy.parse.invalid-string";
inline constexpr std::string_view kInvalidEscape = "policy.parse.invalid-escape";
inline constexpr std::string_view kInvalidCall = "policy.parse.invalid-call";
inline constexpr std::string_view kUnknownFunction = "policy.parse.unknown-function";
inline constexpr std::string_view kUnknownMethod = "policy.parse.unknown-method";
inline constexpr std::string_view kWrongArity = "policy.parse.wrong-arity";
inline constexpr std::string_view kInvalidAccess = "policy.parse.invalid-access";
inline constexpr std::string_view kInvalidEntityLiteral = "policy.parse.invalid-entity-literal";
inline constexpr std::string_view kInvalidSlot = "policy.parse.invalid-slot";
inline constexpr std::string_view kSlotInCondition = "policy.parse.slot-in-condition";
inline constexpr std::string_view kDuplicateKey = "policy.parse.duplicate-key";
}  // namespace code

inline constexpr std::string_view kScopeHelp =
    "policy scopes must contain a `principal`, `action`, and `resource` element in that order";

// Thrown after a syntax error has been recorded; caught at the policy level, where parsing
// resumes after the next `;`. Exceptions never leave this file.
struct SyntaxError {};

// What a sub-expression turned out to be before it is forced into an expression, mirroring the
// Rust parser's ExprOrSpecial: names, string and boolean literals and bare numbers are kept
// apart because some positions (record keys, `has`, `like`, `is`, `-` literals) treat them
// specially.
struct Operand {
  enum class Kind : uint8_t { kExpr, kVar, kName, kString, kBool, kNumber } kind = Kind::kExpr;
  const Expr* expr = nullptr;  // kExpr
  Var var = Var::kPrincipal;   // kVar
  std::string_view name;       // kName: `A::B` with segments joined
  bool qualified = false;      // kName has a namespace
  std::string_view raw;        // kString: literal content, still escaped
  bool flag = false;           // kBool
  uint64_t number = 0;         // kNumber
  SourceSpan span;
  // Set while the operand is exactly an entity literal, a slot, or a list of entity literals:
  // the forms a policy scope accepts.
  const EntityUid* uid = nullptr;
  std::optional<SlotId> slot;
  bool is_uid_list = false;
  std::vector<const EntityUid*> uid_list;
};

struct Accessor {
  enum class Kind : uint8_t { kField, kCall, kIndex } kind = Kind::kField;
  const Token* field = nullptr;   // kField
  std::vector<const Expr*> args;  // kCall
  std::optional<Operand> index;   // kIndex
  SourceSpan span;
};

struct VarDef {
  const Token* variable = nullptr;
  std::optional<SourceSpan> type_constraint;  // `principal: User` (not Cedar syntax)
  std::optional<Operand> is_type;
  std::optional<TokenKind> op;
  std::optional<Operand> target;
  SourceSpan span;
};

bool is_relational(TokenKind kind);
std::string_view operator_text(TokenKind kind);
// Byte offset of the start of every line of `source`.
std::vector<uint32_t> line_starts(std::string_view source);

class Parser {
 public:
  Parser(std::string_view source, std::string_view file, Arena& arena, const ParseOptions& options,
         std::vector<ParseError>& errors)
      : source_(source),
        file_(file),
        tokens_(tokenize(source)),
        line_starts_(line_starts(source)),
        arena_(arena),
        options_(options),
        builder_(arena, options),
        errors_(errors) {}

  std::vector<Policy> parse_all();
  // One entity literal and nothing else; nullptr after recording an error.
  const EntityUid* parse_entity_literal();

 private:
  // ---- tokens
  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool at(TokenKind kind) const { return peek().kind == kind; }
  bool at_keyword(Keyword keyword) const {
    return peek().kind == TokenKind::kIdentifier && peek().keyword == keyword;
  }
  const Token& advance() {
    const Token& token = tokens_[pos_];
    if (token.kind != TokenKind::kEnd) ++pos_;
    last_end_ = token.offset + token.length;
    return token;
  }
  const Token& expect(TokenKind kind, std::string_view expected) {
    if (!at(kind)) syntax_error(expected);
    return advance();
  }
  const Token& expect_identifier(std::string_view expected) {
    return expect(TokenKind::kIdentifier, expected);
  }
  SourceSpan span_from(uint32_t start) const {
    return SourceSpan{start, last_end_ >= start ? last_end_ - start : 0};
  }
  SourceSpan span_of(const Token& token) const { return SourceSpan{token.offset, token.length}; }
  std::string_view text(SourceSpan span) const { return source_.substr(span.offset, span.length); }
  LineColumn position_of(uint32_t offset) const {
    // The last line starting at or before `offset`.
    const auto line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - 1;
    return LineColumn{static_cast<uint32_t>(line - line_starts_.begin() + 1), offset - *line + 1};
  }

  // ---- errors
  [[noreturn]] void syntax_error(std::string_view expected);
  void error(std::string_view error_code, SourceSpan span, std::string message,
             std::string help = {});
  const Expr* error_expr(SourceSpan span);
  void check_name_segment(const Token& token);
  bool check_field_name(const Token& token);

  // ---- policies
  Policy parse_policy(size_t index);
  std::vector<PolicyAnnotation> parse_annotations();
  VarDef parse_var_def();
  std::vector<Condition> parse_conditions();
  ScopeConstraint to_scope_constraint(const VarDef& def, Var expected);
  ActionConstraint to_action_constraint(const VarDef& def);
  std::optional<Var> to_scope_variable(const VarDef& def);
  const EntityUid* scope_entity(const Operand& target, Var var, std::optional<SlotId>& slot);
  std::optional<std::vector<const EntityUid*>> action_entities(const Operand& target, bool single);
  void check_slots(const Expr* expr, bool is_when);

  // ---- expressions
  Operand parse_expr();
  const Expr* parse_expr_value() { return into_expr(parse_expr()); }
  Operand parse_or();
  Operand parse_and();
  Operand parse_relation();
  Operand parse_add();
  Operand parse_add_rest(Operand first, uint32_t start);
  Operand parse_mult();
  Operand parse_mult_rest(Operand first, uint32_t start);
  Operand parse_unary();
  Operand parse_member();
  Operand parse_primary();
  Operand parse_name_or_reference();
  Operand parse_list();
  Operand parse_record();
  std::vector<Accessor> parse_accessors();
  std::vector<const Expr*> parse_call_arguments();
  Operand apply_accessors(Operand primary, std::vector<Accessor>& accessors, SourceSpan span);
  const Expr* apply_to_expr(const Expr* head, std::vector<Accessor>& accessors, size_t& next,
                            SourceSpan span);
  const Expr* build_method(const Token& name, const Expr* receiver, std::vector<const Expr*> args,
                           SourceSpan span);
  const Expr* build_function(const Operand& name, std::vector<const Expr*> args, SourceSpan span);
  Operand finish_has(const Expr* target, uint32_t start);
  Operand finish_like(const Expr* target, uint32_t start);
  Operand finish_is(const Expr* target, const Operand& target_operand, uint32_t start);
  std::optional<std::vector<std::string_view>> has_path(Operand& primary,
                                                        const std::vector<Accessor>& accessors,
                                                        SourceSpan span);

  // ---- conversions (ExprOrSpecial → expression / attribute / pattern / type)
  const Expr* into_expr(const Operand& operand);
  std::optional<std::string_view> into_attribute(const Operand& operand);
  std::optional<std::string_view> into_string(const Operand& operand);
  std::optional<std::string_view> unescape_token(std::string_view raw, uint32_t raw_offset,
                                                 SourceSpan span);

  // ---- node construction (ExprBuilder, with the depth limit reported as a syntax error)
  template <typename T>
  T* built(T* expr, SourceSpan span) {
    if (expr == nullptr) too_deep(span);
    return expr;
  }
  Expr* node(ExprKind kind, SourceSpan span, std::initializer_list<const Expr*> children) {
    return built(builder_.node(kind, span, children), span);
  }
  [[noreturn]] void too_deep(SourceSpan span);
  const Expr* literal(const Value& value, SourceSpan span) {
    return built(builder_.literal(value, span), span);
  }
  const Expr* unary(ExprKind kind, const Expr* a, SourceSpan span) { return node(kind, span, {a}); }
  const Expr* binary(ExprKind kind, const Expr* a, const Expr* b, SourceSpan span) {
    return node(kind, span, {a, b});
  }
  const Expr* extension_call(const ExtensionFunction& function, std::vector<const Expr*> args,
                             SourceSpan span) {
    return built(builder_.extension_call(function, args, span), span);
  }
  const Expr* set_literal(std::vector<const Expr*> items, SourceSpan span) {
    return built(builder_.set(items, span), span);
  }
  const Expr* record_literal(std::vector<RecordField> fields, SourceSpan span) {
    return built(builder_.record(std::move(fields), span), span);
  }

  std::string_view source_;
  std::string_view file_;
  std::vector<Token> tokens_;
  std::vector<uint32_t> line_starts_;  // byte offset of each line, for positions
  size_t pos_ = 0;
  uint32_t last_end_ = 0;
  Arena& arena_;
  const ParseOptions& options_;
  ExprBuilder builder_;
  std::vector<ParseError>& errors_;
  uint32_t nesting_ = 0;
};

}  // namespace eksguard::cedar::internal
