// The Cedar abstract syntax tree: expressions and policies as the parser produces them.
//
// Nodes live in the Arena of the PolicySet that owns them and are immutable once built. The
// parser folds what it can while building (entity literals, constant sets and records, extension
// constructors applied to valid string literals become literal Values), so evaluation only does
// work that depends on the request.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "cedar/value.h"

namespace eksguard::cedar {

// A byte range of the policy text.
struct SourceSpan {
  uint32_t offset = 0;
  uint32_t length = 0;
  friend bool operator==(const SourceSpan&, const SourceSpan&) = default;
};

enum class Var : uint8_t { kPrincipal, kAction, kResource, kContext };
enum class SlotId : uint8_t { kPrincipal, kResource };

std::string_view to_string(Var var);
std::string_view to_string(SlotId slot);  // "?principal"

enum class ExprKind : uint8_t {
  kLiteral,        // literal
  kVar,            // var()
  kSlot,           // slot()
  kIf,             // if a then b else c
  kAnd,            // a && b
  kOr,             // a || b
  kNot,            // !a
  kNeg,            // -a
  kIsEmpty,        // a.isEmpty()
  kEq,             // a == b
  kNotEq,          // a != b
  kLess,           // a < b
  kLessEq,         // a <= b
  kGreater,        // a > b
  kGreaterEq,      // a >= b
  kAdd,            // a + b
  kSub,            // a - b
  kMul,            // a * b
  kIn,             // a in b
  kContains,       // a.contains(b)
  kContainsAll,    // a.containsAll(b)
  kContainsAny,    // a.containsAny(b)
  kGetTag,         // a.getTag(b)
  kHasTag,         // a.hasTag(b)
  kGetAttr,        // a.name, a["name"]
  kHasAttr,        // a has path[0].path[1]...
  kLike,           // a like pattern
  kIs,             // a is name [in b]
  kSet,            // [items...]
  kRecord,         // {fields...}
  kExtensionCall,  // function(items...) or items[0].method(items[1...])
};

// One piece of a `like` pattern: literal text, or the `*` wildcard (empty text).
struct PatternPart {
  std::string_view text;
  bool wildcard = false;
};

struct Expr;

struct RecordField {
  std::string_view key;
  const Expr* value;
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  uint8_t tag = 0;     // Var, SlotId or ExtensionFunctionId, by kind
  uint16_t depth = 1;  // height of this subtree; bounded by ParseOptions::max_depth
  SourceSpan span;
  const Expr* a = nullptr;
  const Expr* b = nullptr;
  const Expr* c = nullptr;
  Value literal;                           // kLiteral
  std::string_view name;                   // kGetAttr attribute, kIs entity type
  std::span<const std::string_view> path;  // kHasAttr attributes (at least one)
  std::span<const Expr* const> items;      // kSet elements, kExtensionCall arguments
  std::span<const RecordField> fields;     // kRecord, sorted by key unless keep_as_written
  std::span<const PatternPart> pattern;    // kLike

  Var var() const { return static_cast<Var>(tag); }
  SlotId slot() const { return static_cast<SlotId>(tag); }
};

enum class Effect : uint8_t { kPermit, kForbid };

// `principal`/`resource` in the scope: any, `== E`, `in E`, `is T`, `is T in E`; E may be a slot.
struct ScopeConstraint {
  enum class Op : uint8_t { kAny, kEq, kIn, kIs, kIsIn } op = Op::kAny;
  const EntityUid* entity = nullptr;  // kEq, kIn, kIsIn unless `slot` is set
  std::optional<SlotId> slot;         // `?principal` / `?resource` (templates)
  std::string_view entity_type;       // kIs, kIsIn
  SourceSpan span;
};

// `action`, `action == A`, `action in A`, `action in [A, B]`.
struct ActionConstraint {
  enum class Op : uint8_t { kAny, kEq, kIn } op = Op::kAny;
  std::span<const EntityUid* const> entities;
  SourceSpan span;
};

struct Condition {
  bool is_when = true;  // `when`; false for `unless`
  const Expr* expr = nullptr;
  SourceSpan span;
};

struct PolicyAnnotation {
  std::string_view key;
  std::string_view value;  // "" for a valueless `@key`
  SourceSpan span;
  bool has_value = false;  // `@key("...")` rather than `@key` (the JSON format tells them apart)
};

struct Policy {
  // "policy0", "policy1", ... in text order; or the id given with the policy (a key of a JSON
  // policy set, a template link's new id), which `explicit_id` marks.
  std::string_view id;
  bool explicit_id = false;
  Effect effect = Effect::kPermit;
  ScopeConstraint principal;
  ActionConstraint action;
  ScopeConstraint resource;
  std::span<const Condition> conditions;
  std::span<const PolicyAnnotation> annotations;
  SourceSpan span;    // the whole policy, annotations included
  uint32_t line = 0;  // 1-based position of the policy's first character
  uint32_t column = 0;
  bool is_template = false;  // uses ?principal or ?resource

  // The value of annotation `key` (`@id("x")` gives "x"), if present.
  std::optional<std::string_view> annotation(std::string_view key) const;
};

// The Cedar spelling of a binary operator kind (`&&`, `==`, `in`, ...), "" for other kinds.
std::string_view binary_operator(ExprKind kind);
// The method name of a built-in method kind (`isEmpty`, `contains`, `getTag`, ...), "" for other
// kinds (extension methods are named by their ExtensionFunction).
std::string_view method_name(ExprKind kind);

// Cedar syntax of an expression (for messages; `is ... in` and `has` paths as written).
std::string to_cedar_string(const Expr& expr);

// A `like` pattern as a Cedar string literal: quote_string escapes, `*` for wildcards and `\*`
// for literal stars.
std::string quote_pattern(std::span<const PatternPart> pattern);

// Whether an attribute can be written `.name` (and as a bare record key or `has` segment): an
// identifier that is neither reserved nor `__cedar`; otherwise it needs `["name"]` / quotes.
bool is_plain_attribute(std::string_view name);

}  // namespace eksguard::cedar
