// Evaluation of Cedar expressions with exact Cedar semantics (cedar-k8s.md §2.2, §2.7; the Lean
// specification in cedar-spec, Cedar/Spec/Evaluator.lean):
//
//  * `&&`, `||` and `if` short-circuit; an operand that is evaluated must be a Bool.
//  * Errors are values of the evaluation, never exceptions: a missing entity, attribute or tag,
//    a type error, an integer overflow, an extension failure. The first error ends the policy.
//  * `==` compares any two values structurally (extension values by value); `<`, `<=`, `>`,
//    `>=` take two Longs, two datetimes or two durations.
//  * `e in E` is true when e == E or E is an ancestor of e in the entity store; an entity missing
//    from the store simply has no ancestors. Reading attributes or tags of a missing entity is an
//    error, but `has`/`hasTag` on one is false.
//
// An Evaluator serves one request; it is cheap to make. Sets, records and extension values it
// builds live in the scratch Arena the caller provides.
#pragma once

#include <cstdint>
#include <string>

#include "cedar/arena.h"
#include "cedar/ast.h"
#include "cedar/entities.h"
#include "cedar/request.h"
#include "cedar/value.h"

namespace eksguard::cedar {

enum class EvalErrorKind : uint8_t {
  kEntityDoesNotExist,
  kAttributeDoesNotExist,
  kTagDoesNotExist,
  kTypeError,
  kIntegerOverflow,
  kExtensionError,
  kWrongArity,
  kUnlinkedSlot,
  kRecursionLimit,  // the thread's stack ran low
};

struct EvalError {
  EvalErrorKind kind = EvalErrorKind::kTypeError;
  std::string message;  // Cedar's wording, e.g. "`User::\"alice\"` does not have the attribute `x`"
  SourceSpan span;      // the sub-expression at fault
};

class Evaluator {
 public:
  Evaluator(const Request& request, const Entities& entities, Arena& scratch);

  // Evaluates `expr` into `out`; false when evaluation errors (see error()).
  bool evaluate(const Expr& expr, Value& out);

  enum class Outcome : uint8_t { kSatisfied, kNotSatisfied, kError };
  // The `when`/`unless` conditions of `policy`, in order (the caller has matched the scope).
  Outcome evaluate_conditions(const Policy& policy);

  const EvalError& error() const { return error_; }

 private:
  bool eval(const Expr& expr, Value& out);
  bool eval_bool(const Expr& expr, bool& out);
  bool eval_binary(const Expr& expr, Value& out);
  bool eval_arithmetic(const Expr& expr, const Value& left, const Value& right, Value& out);
  bool eval_comparison(const Expr& expr, const Value& left, const Value& right, Value& out);
  bool eval_in(const Expr& expr, const Value& left, const Value& right, Value& out);
  bool eval_set_operation(const Expr& expr, const Value& left, const Value& right, Value& out);
  bool eval_tag(const Expr& expr, const Value& left, const Value& right, Value& out);
  bool eval_get_attr(const Expr& expr, Value& out);
  bool eval_has_attr(const Expr& expr, Value& out);
  bool eval_like(const Expr& expr, Value& out);
  bool eval_is(const Expr& expr, Value& out);
  bool eval_set(const Expr& expr, Value& out);
  bool eval_record(const Expr& expr, Value& out);
  bool eval_extension_call(const Expr& expr, Value& out);

  // The attributes of a record or entity: true with `attrs` set; true with attrs == nullptr for
  // an entity missing from the store; false (error set) for any other value.
  bool attributes_of(const Value& value, const Expr& at, const Value*& attrs);
  bool entity_in(const EntityUid& uid, const EntityUid& target, const Entity* entity) const;

  bool fail(EvalErrorKind kind, std::string message, SourceSpan span);
  bool type_error(std::string_view expected, const Value& actual, SourceSpan span,
                  std::string_view advice = {});

  const Request& request_;
  const Entities& entities_;
  Arena& scratch_;
  Value principal_;
  Value action_;
  Value resource_;
  EvalError error_;
};

// Cedar's `like`: `*` matches any sequence of characters, everything else itself.
bool wildcard_match(std::string_view text, std::span<const PatternPart> pattern);

}  // namespace eksguard::cedar
