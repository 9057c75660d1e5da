// Cedar's strict-mode typechecker for one request environment (cedar-policy-core
// validator/typecheck.rs): the rules for every expression kind, singleton booleans and
// short-circuiting, the capabilities that `has` and `hasTag` grant (flowing through `&&`, the
// `then` branch of `if`, and the intersection of both sides of `||`), strict equality and
// least upper bounds, and the special typing of `in` over the entity and action hierarchies.
//
// Cedar types a policy as one expression, `((P && A) && R) && C`, where P, A and R are the
// scope constraints written as expressions and C is the conjunction of the `when` conditions and
// the negated `unless` conditions; scope constraints that cannot hold in an environment type as
// `false`, which short-circuits the rest. The caller builds that expression (validator.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/ast.h"
#include "cedar/validator/types.h"

namespace eksguard::cedar::validation {

// The request an environment describes: a declared action with one of its principal types and
// one of its resource types, and (for templates) the types the slots are linked to.
struct RequestEnv {
  const ActionDef* action = nullptr;
  std::string_view principal;
  std::string_view resource;
  const Type* context = nullptr;
  std::optional<std::string_view> principal_slot;
  std::optional<std::string_view> resource_slot;
};

// One error found by typechecking; `span` locates it in the policy text.
struct TypeError {
  std::string code;
  std::string message;  // without the "for policy `id`," prefix
  std::string help;
  SourceSpan span;

  friend bool operator==(const TypeError&, const TypeError&) = default;
};

class Typechecker {
 public:
  // `source` is the policy text the spans refer to (folded literals are recognised from it).
  Typechecker(TypeContext& context, std::string_view source);

  struct Outcome {
    bool ok = false;        // typechecked without errors
    bool is_false = false;  // has the singleton type False: the policy never applies here
  };
  // Typechecks `condition`, expecting a boolean, appending its errors to `errors`.
  Outcome check_condition(const Expr& condition, const RequestEnv& env,
                          std::vector<TypeError>& errors);

  struct State;  // defined in typecheck.cpp

 private:
  TypeContext& context_;
  std::string_view source_;
};

// Whether `expr` is what Cedar's AST holds as a literal (`true`, `1`, `"s"`, `User::"a"`), as
// opposed to a value the parser computed from extension calls or collections. Spans of length
// 0 mark expressions the validator built itself, which are always literals.
bool is_plain_literal(const Expr& expr, std::string_view source);

}  // namespace eksguard::cedar::validation
