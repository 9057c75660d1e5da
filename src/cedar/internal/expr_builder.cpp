#include "cedar/internal/expr_builder.h"

#include <algorithm>
#include <string>

namespace eksguard::cedar::internal {

Expr* ExprBuilder::node(ExprKind kind, SourceSpan span,
                        std::initializer_list<const Expr*> children) {
  Expr* expr = arena_.make<Expr>();
  expr->kind = kind;
  expr->span = span;
  const Expr** slots[3] = {&expr->a, &expr->b, &expr->c};
  size_t i = 0;
  uint32_t depth = 0;
  for (const Expr* child : children) {
    *slots[i++] = child;
    depth = std::max<uint32_t>(depth, child->depth);
  }
  return set_depth(*expr, depth + 1) ? expr : nullptr;
}

bool ExprBuilder::set_depth(Expr& expr, uint32_t depth) const {
  if (depth > options_.max_depth) return false;
  expr.depth = static_cast<uint16_t>(depth);
  return true;
}

const Expr* ExprBuilder::literal(const Value& value, SourceSpan span) {
  Expr* expr = node(ExprKind::kLiteral, span, {});
  if (expr != nullptr) expr->literal = value;
  return expr;
}

const Expr* ExprBuilder::var(Var var, SourceSpan span) {
  Expr* expr = node(ExprKind::kVar, span, {});
  if (expr != nullptr) expr->tag = static_cast<uint8_t>(var);
  return expr;
}

const Expr* ExprBuilder::slot(SlotId slot, SourceSpan span) {
  Expr* expr = node(ExprKind::kSlot, span, {});
  if (expr != nullptr) expr->tag = static_cast<uint8_t>(slot);
  return expr;
}

const Expr* ExprBuilder::get_attr(const Expr* target, std::string_view attribute, SourceSpan span) {
  Expr* expr = node(ExprKind::kGetAttr, span, {target});
  if (expr != nullptr) expr->name = attribute;
  return expr;
}

const Expr* ExprBuilder::has_attr(const Expr* target, std::span<const std::string_view> path,
                                  SourceSpan span) {
  Expr* expr = node(ExprKind::kHasAttr, span, {target});
  if (expr == nullptr || path.empty()) return nullptr;
  // `e has a.b.c` stands for `e has a && e.a has b && e.a.b has c`.
  if (!set_depth(*expr, expr->depth + 2 * static_cast<uint32_t>(path.size() - 1))) return nullptr;
  expr->path = arena_.copy(path);
  expr->name = path[0];
  return expr;
}

const Expr* ExprBuilder::like(const Expr* target, std::span<const PatternPart> parts,
                              SourceSpan span) {
  Expr* expr = node(ExprKind::kLike, span, {target});
  if (expr == nullptr) return nullptr;
  std::vector<PatternPart> normalised;
  normalised.reserve(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    const PatternPart& part = parts[i];
    if (part.wildcard) {
      const bool join = !normalised.empty() && normalised.back().wildcard;
      if (!join || options_.keep_as_written) normalised.push_back(PatternPart{{}, true});
      continue;
    }
    if (part.text.empty()) continue;
    // A literal run: this part and every literal part right after it.
    size_t end = i + 1;
    while (end < parts.size() && !parts[end].wildcard) ++end;
    if (end == i + 1) {
      normalised.push_back(part);
    } else {
      std::string text;
      for (size_t j = i; j < end; ++j) text += parts[j].text;
      normalised.push_back(PatternPart{arena_.copy(text), false});
    }
    i = end - 1;
  }
  expr->pattern = arena_.copy(std::span<const PatternPart>(normalised));
  return expr;
}

const Expr* ExprBuilder::is(const Expr* target, std::string_view type, const Expr* in_scope,
                            SourceSpan span) {
  Expr* expr = in_scope != nullptr ? node(ExprKind::kIs, span, {target, in_scope})
                                   : node(ExprKind::kIs, span, {target});
  if (expr != nullptr) expr->name = type;
  return expr;
}

const Expr* ExprBuilder::extension_call(const ExtensionFunction& function,
                                        std::span<const Expr* const> args, SourceSpan span) {
  uint32_t depth = 0;
  bool constant = !options_.keep_as_written;
  std::vector<Value> values;
  for (const Expr* arg : args) {
    depth = std::max<uint32_t>(depth, arg->depth);
    constant = constant && arg->kind == ExprKind::kLiteral;
    if (constant) values.push_back(arg->literal);
  }
  if (constant) {
    Value result;
    ExtensionCallError call_error;
    if (call_extension_function(function, values, arena_, result, call_error)) {
      return literal(result, span);
    }
  }
  Expr* expr = node(ExprKind::kExtensionCall, span, {});
  if (expr == nullptr || !set_depth(*expr, depth + 1)) return nullptr;
  expr->tag = static_cast<uint8_t>(function.id);
  expr->items = arena_.copy(args);
  return expr;
}

const Expr* ExprBuilder::set(std::span<const Expr* const> items, SourceSpan span) {
  uint32_t depth = 0;
  bool constant = !options_.keep_as_written;
  for (const Expr* item : items) {
    depth = std::max<uint32_t>(depth, item->depth);
    constant = constant && item->kind == ExprKind::kLiteral;
  }
  if (constant) {
    std::vector<Value> values;
    values.reserve(items.size());
    for (const Expr* item : items) values.push_back(item->literal);
    return literal(make_set(arena_, values), span);
  }
  Expr* expr = node(ExprKind::kSet, span, {});
  if (expr == nullptr || !set_depth(*expr, depth + 1)) return nullptr;
  expr->items = arena_.copy(items);
  return expr;
}

const Expr* ExprBuilder::record(std::vector<RecordField> fields, SourceSpan span) {
  if (!options_.keep_as_written) {
    std::stable_sort(fields.begin(), fields.end(),
                     [](const RecordField& x, const RecordField& y) { return x.key < y.key; });
  }
  uint32_t depth = 0;
  bool constant = !options_.keep_as_written;
  for (const RecordField& field : fields) {
    depth = std::max<uint32_t>(depth, field.value->depth);
    constant = constant && field.value->kind == ExprKind::kLiteral;
  }
  if (constant) {
    std::vector<RecordEntry> entries;
    entries.reserve(fields.size());
    for (const RecordField& field : fields) entries.push_back({field.key, field.value->literal});
    return literal(make_record(arena_, entries), span);
  }
  Expr* expr = node(ExprKind::kRecord, span, {});
  if (expr == nullptr || !set_depth(*expr, depth + 1)) return nullptr;
  expr->fields = arena_.copy(std::span<const RecordField>(fields));
  return expr;
}

}  // namespace eksguard::cedar::internal
