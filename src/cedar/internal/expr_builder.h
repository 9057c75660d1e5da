// Construction of Cedar AST nodes, shared by the two front ends that build policies: the text
// parser (policy_parser.h) and the JSON policy format reader (cedar/est/). Both get the same trees
// for the same policy: the same depth bookkeeping and limit, the same constant folding (sets,
// records and extension calls of literals become literal Values unless keep_as_written), record
// fields sorted by key for evaluation, `like` patterns normalised as the evaluator expects.
//
// The builder never copies strings: attribute names, types and pattern texts must already live
// in the arena. It reports nothing itself; a method returns nullptr when the node would be
// deeper than ParseOptions::max_depth and the caller reports that in its own terms.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "cedar/arena.h"
#include "cedar/ast.h"
#include "cedar/extension_functions.h"
#include "cedar/parser.h"

namespace eksguard::cedar::internal {

class ExprBuilder {
 public:
  ExprBuilder(Arena& arena, const ParseOptions& options) : arena_(arena), options_(options) {}

  Arena& arena() { return arena_; }
  const ParseOptions& options() const { return options_; }

  // A node of `kind` over `children` (a, b, c in order), one level above the deepest child.
  Expr* node(ExprKind kind, SourceSpan span, std::initializer_list<const Expr*> children);
  // Records the height of `expr`; false when it exceeds the limit.
  bool set_depth(Expr& expr, uint32_t depth) const;

  const Expr* literal(const Value& value, SourceSpan span);
  const Expr* var(Var var, SourceSpan span);
  const Expr* slot(SlotId slot, SourceSpan span);
  const Expr* unary(ExprKind kind, const Expr* a, SourceSpan span) { return node(kind, span, {a}); }
  const Expr* binary(ExprKind kind, const Expr* a, const Expr* b, SourceSpan span) {
    return node(kind, span, {a, b});
  }
  const Expr* get_attr(const Expr* target, std::string_view attribute, SourceSpan span);
  // `target has path[0].path[1]...` (at least one attribute); an extended `has` counts as deep
  // as the chain of `has` and `&&` it stands for.
  const Expr* has_attr(const Expr* target, std::span<const std::string_view> path, SourceSpan span);
  // Neighbouring literal parts are joined (the evaluator needs literal runs); neighbouring
  // wildcards are joined too unless keep_as_written.
  const Expr* like(const Expr* target, std::span<const PatternPart> parts, SourceSpan span);
  // `target is type` or, with `in_scope`, `target is type in in_scope`.
  const Expr* is(const Expr* target, std::string_view type, const Expr* in_scope, SourceSpan span);
  const Expr* if_then_else(const Expr* condition, const Expr* then_branch, const Expr* else_branch,
                           SourceSpan span) {
    return node(ExprKind::kIf, span, {condition, then_branch, else_branch});
  }
  // Evaluated now when every argument is a literal and the call succeeds (and not
  // keep_as_written); a failing call stays a call so that it errors at evaluation, as in Cedar.
  const Expr* extension_call(const ExtensionFunction& function, std::span<const Expr* const> args,
                             SourceSpan span);
  const Expr* set(std::span<const Expr* const> items, SourceSpan span);
  // Keys must be unique. Sorted by key (Cedar keeps record literals in a sorted map) unless
  // keep_as_written, which keeps them as the caller gives them.
  const Expr* record(std::vector<RecordField> fields, SourceSpan span);

 private:
  Arena& arena_;
  const ParseOptions& options_;
};

}  // namespace eksguard::cedar::internal
