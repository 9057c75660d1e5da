// A recursive-descent parser for the Cedar schema syntax (grammar in cedar_schema_parser.h),
// building the RawSchema that schema_builder.cpp resolves. Syntax errors stop the parse, as
// in Cedar; errors of meaning (a duplicate `principal`, say) are collected and parsing goes on.
#include "cedar/schema/cedar_schema_parser.h"

#include <algorithm>
#include <deque>

#include "cedar/schema/cedar_schema_lexer.h"
#include "cedar/schema/names.h"
#include "cedar/schema/raw_schema.h"
#include "common/utf8.h"

namespace eksguard::cedar {
namespace schema_internal {
namespace {

Span span_of(const Token& token) {
  return Span{token.line, token.column, static_cast<uint32_t>(token.text.size())};
}

// From the start of `first` to the end of `last` when both sit on one line.
Span span_between(const Token& first, const Token& last) {
  Span span = span_of(first);
  if (last.line == first.line && last.column >= first.column) {
    span.length = last.column - first.column + static_cast<uint32_t>(last.text.size());
  }
  return span;
}

// The position of byte `offset` of a token's text, which may span lines (string literals).
Span position_in(const Token& token, size_t offset) {
  Span span{token.line, token.column, 1};
  for (size_t i = 0; i < offset && i < token.text.size(); ++i) {
    if (token.text[i] == '\n') {
      ++span.line;
      span.column = 1;
    } else {
      ++span.column;
    }
  }
  return span;
}

// Everything an action's `appliesTo` block declared, checked as Cedar's convert_app_decls.
struct AppliesTo {
  std::optional<std::vector<RawName>> principals;
  std::optional<std::vector<RawName>> resources;
  std::optional<RawType> context;
};

class Parser {
 public:
  Parser(std::string_view text, std::string_view file, const SchemaLimits& limits)
      : lexer_(text), file_(file), limits_(limits) {}

  // The schema as written; errors_ holds why when it is nullopt.
  std::optional<RawSchema> parse() {
    RawSchema schema;
    RawNamespace unqualified;
    while (!at(TokenKind::kEnd)) {
      Annotations annotations;
      if (!parse_annotations(annotations)) return std::nullopt;
      const bool ok = at_keyword("namespace")
                          ? parse_namespace(std::move(annotations), schema)
                          : parse_declaration(std::move(annotations), unqualified);
      if (!ok) return std::nullopt;
    }
    // Cedar merges every declaration outside a namespace block into one empty namespace.
    if (!unqualified.entity_types.empty() || !unqualified.actions.empty() ||
        !unqualified.common_types.empty()) {
      schema.namespaces.push_back(std::move(unqualified));
    }
    if (!errors_.empty()) return std::nullopt;
    schema.warnings = std::move(warnings_);
    schema.warn_on_shadowing = true;
    return schema;
  }

  Diagnostics take_errors() { return std::move(errors_); }

 private:
  // ---- Tokens ---------------------------------------------------------------------------------

  const Token& peek(size_t k = 0) {
    while (lookahead_.size() <= k) lookahead_.push_back(lexer_.next());
    return lookahead_[k];
  }

  Token take() {
    Token token = peek();
    lookahead_.pop_front();
    return token;
  }

  bool at(TokenKind kind, size_t k = 0) { return peek(k).kind == kind; }

  // Takes the next token when it is `kind`.
  bool accept(TokenKind kind) {
    if (!at(kind)) return false;
    take();
    return true;
  }

  bool at_keyword(std::string_view word, size_t k = 0) {
    return peek(k).kind == TokenKind::kIdentifier && peek(k).text == word;
  }

  void error(std::string code, std::string message, Span span) {
    errors_.push_back(make_diagnostic(std::move(code), std::move(message), file_, span.line,
                                      span.column, span.length));
  }

  // Reports an error that ends the parse; returns false for `return fail(...)`.
  bool fail(std::string code, std::string message, Span span) {
    error(std::move(code), std::move(message), span);
    return false;
  }

  bool unexpected(std::string_view expected) {
    const Token& token = peek();
    if (token.kind == TokenKind::kInvalid) {
      return fail("schema.parse.invalid-token",
                  std::string(token.invalid_reason) + " " + describe(token) + "; expected " +
                      std::string(expected),
                  span_of(token));
    }
    const bool eof = token.kind == TokenKind::kEnd;
    return fail(eof ? "schema.parse.unexpected-eof" : "schema.parse.unexpected-token",
                "unexpected " + describe(token) + "; expected " + std::string(expected),
                span_of(token));
  }

  bool expect(TokenKind kind, std::string_view expected, Token* out = nullptr) {
    if (!at(kind)) return unexpected(expected);
    Token token = take();
    if (out != nullptr) *out = token;
    return true;
  }

  // ---- Names and strings ----------------------------------------------------------------------

  bool parse_any_ident(std::string& out, Span& span) {
    if (!at(TokenKind::kIdentifier)) return unexpected("identifier");
    const Token token = take();
    out = std::string(token.text);
    span = span_of(token);
    return true;
  }

  bool parse_ident(std::string& out, Span& span) {
    if (!parse_any_ident(out, span)) return false;
    if (!is_reserved_word(out)) return true;
    return fail("schema.parse.reserved-identifier",
                "`" + out + "` is a reserved identifier; use a string literal or another name",
                span);
  }

  bool parse_string(std::string& out, Span& span) {
    if (!at(TokenKind::kString)) return unexpected("string literal");
    const Token token = take();
    span = span_of(token);
    size_t error_offset = 0;
    std::string error_message;
    std::optional<std::string> value = unescape_cedar_string(
        token.text.substr(1, token.text.size() - 2), error_offset, error_message);
    if (!value) {
      return fail("schema.parse.invalid-escape", "invalid string literal: " + error_message,
                  position_in(token, error_offset + 1));
    }
    out = std::move(*value);
    return true;
  }

  // Name := Ident | STR
  bool parse_name(std::string& out, Span& span) {
    return at(TokenKind::kString) ? parse_string(out, span) : parse_ident(out, span);
  }

  // Path := Ident {'::' Ident}; stops before `::` + string (a QualName's id).
  bool parse_path(RawName& out) {
    const Token first = peek();
    Token last = first;
    Span span;
    if (!parse_ident(out.text, span)) return false;
    while (at(TokenKind::kPathSeparator) && at(TokenKind::kIdentifier, 1)) {
      take();
      last = peek();
      std::string part;
      if (!parse_ident(part, span)) return false;
      out.text += "::" + part;
    }
    out.span = span_between(first, last);
    return true;
  }

  // EntTypes := Path | '[' [Path {',' Path}] ']'
  bool parse_entity_types(std::vector<RawName>& out) {
    if (!at(TokenKind::kLeftBracket)) {
      out.emplace_back();
      return parse_path(out.back());
    }
    take();
    if (!at(TokenKind::kRightBracket)) {
      do {
        out.emplace_back();
        if (!parse_path(out.back())) return false;
      } while (accept(TokenKind::kComma));
    }
    return expect(TokenKind::kRightBracket, "`,` or `]`");
  }

  // QualName := Name | Path '::' STR
  bool parse_qual_name(RawActionRef& out) {
    if (at(TokenKind::kString)) return parse_string(out.id, out.span);
    RawName path;
    if (!parse_path(path)) return false;
    out.span = path.span;
    if (!at(TokenKind::kPathSeparator)) {
      if (path.text.find("::") == std::string::npos) {
        out.id = path.text;
        return true;
      }
      return unexpected("`::`");
    }
    take();
    out.type = path.text;
    Span id_span;
    return parse_string(out.id, id_span);
  }

  // {'@' AnyIdent ['(' STR ')']}; a key may appear once.
  bool parse_annotations(Annotations& out) {
    while (at(TokenKind::kAt)) {
      take();
      Annotation annotation;
      Span span;
      if (!parse_any_ident(annotation.key, span)) return false;
      if (at(TokenKind::kLeftParen)) {
        take();
        Span value_span;
        if (!parse_string(annotation.value, value_span)) return false;
        if (!expect(TokenKind::kRightParen, "`)`")) return false;
      }
      if (find_annotation(out, annotation.key) != nullptr) {
        return fail("schema.parse.duplicate-annotation",
                    "duplicate annotation `@" + annotation.key + "`", span);
      }
      const auto at_key =
          std::lower_bound(out.begin(), out.end(), annotation.key,
                           [](const Annotation& a, const std::string& key) { return a.key < key; });
      out.insert(at_key, std::move(annotation));
    }
    return true;
  }

  // ---- Types ----------------------------------------------------------------------------------

  bool parse_type(RawType& out, uint32_t depth) {
    if (depth >= limits_.max_nesting_depth) {
      return fail("schema.limit.nesting",
                  "types nest deeper than " + std::to_string(limits_.max_nesting_depth) + " levels",
                  span_of(peek()));
    }
    if (at(TokenKind::kLeftBrace)) return parse_record(out, depth + 1);
    if (at_keyword("Set") && at(TokenKind::kLeftAngle, 1)) {
      out.kind = RawTypeKind::kSet;
      out.span = span_of(take());
      take();
      auto element = std::make_shared<RawType>();
      if (!parse_type(*element, depth + 1)) return false;
      out.element = std::move(element);
      return expect(TokenKind::kRightAngle, "`>`");
    }
    RawName path;
    if (!parse_path(path)) return false;
    out.kind = RawTypeKind::kEntityOrCommon;
    out.name = std::move(path.text);
    out.span = path.span;
    return true;
  }

  // RecType := '{' [AttrDecls] '}'; AttrDecls := Annotations Name ['?'] ':' Type [',' ...]
  bool parse_record(RawType& out, uint32_t depth) {
    out.kind = RawTypeKind::kRecord;
    out.span = span_of(take());
    while (!at(TokenKind::kRightBrace)) {
      if (!parse_attribute(out, depth)) return false;
      if (!accept(TokenKind::kComma)) break;
    }
    return expect(TokenKind::kRightBrace, "`,` or `}`");
  }

  bool parse_attribute(RawType& record, uint32_t depth) {
    RawAttribute attribute;
    if (!parse_annotations(attribute.annotations)) return false;
    if (!parse_name(attribute.name, attribute.span)) return false;
    if (at(TokenKind::kQuestion)) {
      take();
      attribute.required = false;
    }
    if (!expect(TokenKind::kColon, "`:`") || !parse_type(attribute.type, depth)) return false;
    // Cedar collects attributes into a map, where a repeated name keeps its last declaration.
    auto same = std::find_if(record.attributes.begin(), record.attributes.end(),
                             [&](const RawAttribute& a) { return a.name == attribute.name; });
    if (same == record.attributes.end()) {
      record.attributes.push_back(std::move(attribute));
      return true;
    }
    warnings_.push_back(
        make_diagnostic("schema.duplicate-attribute",
                        "attribute " + quote_cedar_string(attribute.name) +
                            " is declared more than once; the last declaration wins",
                        file_, attribute.span.line, attribute.span.column, attribute.span.length,
                        Severity::kWarning));
    *same = std::move(attribute);
    return true;
  }

  // ---- Declarations ---------------------------------------------------------------------------

  bool parse_namespace(Annotations annotations, RawSchema& schema) {
    take();
    RawNamespace ns;
    RawName path;
    if (!parse_path(path)) return false;
    ns.name = std::move(path.text);
    ns.span = path.span;
    ns.annotations = std::move(annotations);
    if (!expect(TokenKind::kLeftBrace, "`{`")) return false;
    while (!at(TokenKind::kRightBrace)) {
      Annotations decl_annotations;
      if (!parse_annotations(decl_annotations)) return false;
      if (!parse_declaration(std::move(decl_annotations), ns)) return false;
    }
    take();
    schema.namespaces.push_back(std::move(ns));
    return true;
  }

  bool parse_declaration(Annotations annotations, RawNamespace& ns) {
    if (at_keyword("entity")) return parse_entity(std::move(annotations), ns);
    if (at_keyword("action")) return parse_action(std::move(annotations), ns);
    if (at_keyword("type")) return parse_common_type(std::move(annotations), ns);
    return unexpected("`entity`, `action` or `type`");
  }

  // Idents := Ident {',' Ident}, and Names := Name {',' Name}
  bool parse_declared_names(bool strings_allowed,
                            std::vector<std::pair<std::string, Span>>& names) {
    do {
      names.emplace_back();
      const bool ok = strings_allowed ? parse_name(names.back().first, names.back().second)
                                      : parse_ident(names.back().first, names.back().second);
      if (!ok) return false;
    } while (accept(TokenKind::kComma));
    return true;
  }

  bool parse_entity(Annotations annotations, RawNamespace& ns) {
    take();
    std::vector<std::pair<std::string, Span>> names;
    if (!parse_declared_names(false, names)) return false;
    RawEntityType entity;
    entity.annotations = std::move(annotations);
    const bool ok = at_keyword("enum") ? parse_enum_choices(entity) : parse_entity_body(entity);
    if (!ok || !expect(TokenKind::kSemicolon, "`;`")) return false;
    for (auto& [name, span] : names) {
      RawEntityType& copy = ns.entity_types.emplace_back(entity);
      copy.name = std::move(name);
      copy.span = span;
    }
    return true;
  }

  bool parse_enum_choices(RawEntityType& entity) {
    take();
    if (!expect(TokenKind::kLeftBracket, "`[`")) return false;
    entity.enum_choices.emplace();
    do {
      Span span;
      if (!parse_string(entity.enum_choices->emplace_back(), span)) return false;
    } while (accept(TokenKind::kComma));
    return expect(TokenKind::kRightBracket, "`,` or `]`");
  }

  // ['in' EntTypes] [['='] RecType] ['tags' Type]
  bool parse_entity_body(RawEntityType& entity) {
    if (at_keyword("in")) {
      take();
      if (!parse_entity_types(entity.member_of)) return false;
    }
    if (at(TokenKind::kEquals)) {
      take();
      if (!at(TokenKind::kLeftBrace)) return unexpected("`{`");
    }
    if (at(TokenKind::kLeftBrace) && !parse_record(entity.shape.emplace(), 1)) return false;
    if (at_keyword("tags")) {
      take();
      if (!parse_type(entity.tags.emplace(), 0)) return false;
    }
    return true;
  }

  bool parse_common_type(Annotations annotations, RawNamespace& ns) {
    take();
    RawCommonType common;
    common.annotations = std::move(annotations);
    if (!parse_ident(common.name, common.span)) return false;
    if (!expect(TokenKind::kEquals, "`=`") || !parse_type(common.type, 0)) return false;
    if (!expect(TokenKind::kSemicolon, "`;`")) return false;
    ns.common_types.push_back(std::move(common));
    return true;
  }

  bool parse_action(Annotations annotations, RawNamespace& ns) {
    take();
    std::vector<std::pair<std::string, Span>> names;
    if (!parse_declared_names(true, names)) return false;
    RawAction action;
    action.annotations = std::move(annotations);
    if (at_keyword("in") && !parse_action_parents(action)) return false;
    if (at_keyword("appliesTo")) {
      take();
      AppliesTo applies_to;
      if (!expect(TokenKind::kLeftBrace, "`{`") || !parse_app_decls(names.front(), applies_to) ||
          !expect(TokenKind::kRightBrace, "`,` or `}`")) {
        return false;
      }
      apply(names.front(), std::move(applies_to), action);
    }
    // `attributes {}` is accepted and ignored, as Cedar does (action attributes are gone).
    if (at_keyword("attributes")) {
      take();
      if (!expect(TokenKind::kLeftBrace, "`{`") || !expect(TokenKind::kRightBrace, "`}`")) {
        return false;
      }
    }
    if (!expect(TokenKind::kSemicolon, "`;`")) return false;
    for (auto& [name, span] : names) {
      RawAction& copy = ns.actions.emplace_back(action);
      copy.name = std::move(name);
      copy.span = span;
    }
    return true;
  }

  // 'in' (QualName | '[' QualName {',' QualName} ']')
  bool parse_action_parents(RawAction& action) {
    take();
    if (!at(TokenKind::kLeftBracket)) return parse_qual_name(action.member_of.emplace_back());
    take();
    do {
      if (!parse_qual_name(action.member_of.emplace_back())) return false;
    } while (accept(TokenKind::kComma));
    return expect(TokenKind::kRightBracket, "`,` or `]`");
  }

  // AppDecls: at least one of principal/resource/context, comma separated, trailing comma
  // allowed.
  bool parse_app_decls(const std::pair<std::string, Span>& action, AppliesTo& out) {
    bool first = true;
    do {
      if (!first && at(TokenKind::kRightBrace)) break;  // a trailing comma
      first = false;
      if (!parse_app_decl(action, out)) return false;
    } while (accept(TokenKind::kComma));
    return true;
  }

  bool parse_app_decl(const std::pair<std::string, Span>& action, AppliesTo& out) {
    const Token key = peek();
    const bool principal = at_keyword("principal");
    if (!principal && !at_keyword("resource") && !at_keyword("context")) {
      return unexpected("`principal`, `resource` or `context`");
    }
    take();
    if (!expect(TokenKind::kColon, "`:`")) return false;
    if (key.text == "context") {
      RawType context;
      const bool ok =
          at(TokenKind::kLeftBrace) ? parse_record(context, 1) : parse_context_name(context);
      if (!ok) return false;
      if (out.context) duplicate_app_decl(action, key);
      out.context = std::move(context);
      return true;
    }
    std::vector<RawName> types;
    if (!parse_entity_types(types)) return false;
    std::optional<std::vector<RawName>>& slot = principal ? out.principals : out.resources;
    if (slot) duplicate_app_decl(action, key);
    if (types.empty()) {
      error("schema.empty-applies-to",
            "`" + std::string(key.text) + "` of action " + quote_cedar_string(action.first) +
                " is an empty list; name at least one entity type",
            span_of(key));
    }
    slot = std::move(types);
    return true;
  }

  // `context: Name` must name a common type (Cedar's CommonTypeRef).
  bool parse_context_name(RawType& out) {
    RawName path;
    if (!parse_path(path)) return false;
    out.kind = RawTypeKind::kCommon;
    out.name = std::move(path.text);
    out.span = path.span;
    return true;
  }

  void duplicate_app_decl(const std::pair<std::string, Span>& action, const Token& key) {
    error("schema.duplicate-applies-to",
          "`" + std::string(key.text) + "` is declared twice in the `appliesTo` of action " +
              quote_cedar_string(action.first),
          span_of(key));
  }

  // With `appliesTo`, Cedar requires both `principal` and `resource`.
  void apply(const std::pair<std::string, Span>& action, AppliesTo applies_to, RawAction& out) {
    const auto require = [&](bool present, std::string_view word) {
      if (present) return;
      error("schema.missing-applies-to",
            "the `appliesTo` of action " + quote_cedar_string(action.first) + " has no `" +
                std::string(word) + "`",
            action.second);
    };
    require(applies_to.principals.has_value(), "principal");
    require(applies_to.resources.has_value(), "resource");
    if (applies_to.principals) out.principal_types = std::move(*applies_to.principals);
    if (applies_to.resources) out.resource_types = std::move(*applies_to.resources);
    out.context = std::move(applies_to.context);
  }

  Lexer lexer_;
  std::deque<Token> lookahead_;
  std::string file_;
  const SchemaLimits& limits_;
  Diagnostics errors_;
  Diagnostics warnings_;
};

// Cedar reads a schema as a Rust string, so it must be UTF-8.
std::optional<Diagnostic> check_utf8(std::string_view text, std::string_view file) {
  uint32_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < text.size();) {
    const Utf8Char c = decode_utf8(text.data() + i, text.size() - i);
    if (!c.valid) {
      return make_diagnostic("schema.parse.invalid-utf8", "the schema is not valid UTF-8", file,
                             line, static_cast<uint32_t>(i - line_start + 1));
    }
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
    i += c.length;
  }
  return std::nullopt;
}

}  // namespace
}  // namespace schema_internal

namespace schema_internal {

Result<RawSchema, Diagnostics> parse_cedar_schema_raw(std::string_view text, std::string_view file,
                                                      const SchemaLimits& limits) {
  if (text.size() > limits.max_input_bytes) {
    return Unexpected<Diagnostics>(Diagnostics{make_diagnostic(
        "schema.limit.size",
        "the schema is larger than " + std::to_string(limits.max_input_bytes) + " bytes", file, 0,
        0, 0)});
  }
  if (std::optional<Diagnostic> bad = check_utf8(text, file)) {
    return Unexpected<Diagnostics>(Diagnostics{std::move(*bad)});
  }
  Parser parser(text, file, limits);
  std::optional<RawSchema> raw = parser.parse();
  if (!raw) return Unexpected<Diagnostics>(parser.take_errors());
  return std::move(*raw);
}

}  // namespace schema_internal

Result<Schema, Diagnostics> parse_cedar_schema(std::string_view text, std::string_view file,
                                               const SchemaLimits& limits) {
  auto raw = schema_internal::parse_cedar_schema_raw(text, file, limits);
  if (!raw) return Unexpected<Diagnostics>(std::move(raw.error()));
  return schema_internal::build_schema(*raw, file, limits);
}

}  // namespace eksguard::cedar
