// Cedar policy text → AST, by recursive descent over the Cedar 4 grammar
// (cedar-policy-core/src/parser/grammar.lalrpop, cedar-k8s.md §2.1):
//
//   Policies   ::= {Policy}
//   Policy     ::= {Annotation} Effect '(' Scope ')' {Condition} ';'
//   Annotation ::= '@' AnyIdent ['(' STR ')']
//   Scope      ::= VarDef {',' VarDef} [',']
//   VarDef     ::= Variable [':' Name] ['is' Add] [RelOp Expr]
//   Condition  ::= ('when' | 'unless') '{' Expr '}'
//   Expr       ::= Or | 'if' Expr 'then' Expr 'else' Expr
//   Or         ::= And {'||' And}
//   And        ::= Relation {'&&' Relation}
//   Relation   ::= Add {RelOp Add} | Add 'has' (Add | 'if' {Access}) | Add 'like' Add
//                | Add 'is' Add ['in' Add]
//   RelOp      ::= '<' | '<=' | '>=' | '>' | '!=' | '==' | 'in' | '='
//   Add        ::= Mult {('+' | '-') Mult}
//   Mult       ::= Unary {('*' | '/' | '%') Unary}
//   Unary      ::= ['!'... | '-'...] Member
//   Member     ::= Primary {Access}
//   Access     ::= '.' AnyIdent | '(' [Exprs] ')' | '[' Expr ']'
//   Primary    ::= NUMBER | STR | 'true' | 'false' | Name | Name '::' STR | Slot
//                | '(' Expr ')' | '[' [Exprs] ']' | '{' [RecInits] '}'
//   Name       ::= Ident {'::' Ident}
//
// The grammar is deliberately loose (several relational operators, `/`, `%`, `=`, any
// expression after `has`); the checks Cedar applies while building its AST are applied here
// with the same messages: lowercase, user input in backticks. Every error carries a stable code
// and a byte range; a syntax error ends the policy it occurs in and parsing resumes after the
// next `;`, so one run reports the errors of every policy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cedar/arena.h"
#include "cedar/ast.h"
#include "cedar/diagnostic.h"
#include "common/result.h"

namespace eksguard::cedar {

// Resource limits for hostile input.
struct ParseOptions {
  size_t max_bytes = size_t{32} << 20;  // policy text
  uint32_t max_depth = 128;             // expression nesting (parentheses, operator chains)
  // Keep constant sets, records (in written order) and extension calls as written instead of
  // evaluating them while parsing: the form printers need (formatter, JSON policy format).
  // Evaluate and validate the default form.
  bool keep_as_written = false;
};

// A parse error: the shared Diagnostic (stable code such as "policy.parse.unexpected-token",
// Cedar's message, file, 1-based line and byte column, byte length), plus Cedar's help text and
// the byte offset of the range.
struct ParseError {
  Diagnostic diagnostic;
  std::string help;  // may be empty
  uint32_t offset = 0;
};

// Everything parsed from one policy source. The arena owns the nodes, the copy of the source
// and every string the policies refer to; `policies` is in text order (templates included).
struct ParsedPolicies {
  std::unique_ptr<Arena> arena;
  std::string_view source;  // in `arena`
  std::string file;
  std::vector<Policy> policies;
  std::vector<ParseError> errors;  // empty when every policy parsed

  bool ok() const { return errors.empty(); }
};

ParsedPolicies parse_policies(std::string_view source, std::string file,
                              const ParseOptions& options = {});

// Parses an entity uid literal such as `k8s::User::"alice"` (whole text, surrounding whitespace
// allowed). Returns the type and the unescaped id.
Result<std::pair<std::string, std::string>> parse_entity_uid(std::string_view text);

// 1-based line and byte column of `offset` in `source`.
struct LineColumn {
  uint32_t line = 1;
  uint32_t column = 1;
};
LineColumn line_column(std::string_view source, uint32_t offset);

}  // namespace eksguard::cedar
