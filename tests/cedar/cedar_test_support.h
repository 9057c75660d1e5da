// Helpers for the Cedar tests: parse policies or a single expression, load entities from JSON
// text, and evaluate against a request.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/evaluator.h"
#include "cedar/parser.h"
#include "cedar/policy_set.h"
#include "cedar/request.h"
#include "doc/loader.h"

namespace eksguard::cedar::testing {

inline PolicySet policies(std::string_view text) {
  auto parsed = PolicySet::parse(text, "test.cedar");
  if (!parsed) {
    ADD_FAILURE() << "parse failed: " << parsed.error().front().diagnostic.render();
    return PolicySet();
  }
  return std::move(*parsed);
}

// The error codes (in order) of a policy text that must not parse.
inline std::vector<std::string> error_codes(std::string_view text) {
  const ParsedPolicies parsed = parse_policies(text, "test.cedar");
  std::vector<std::string> codes;
  for (const ParseError& error : parsed.errors) codes.push_back(error.diagnostic.code);
  return codes;
}

inline std::string first_error(std::string_view text) {
  const ParsedPolicies parsed = parse_policies(text, "test.cedar");
  return parsed.errors.empty() ? std::string() : parsed.errors.front().diagnostic.message;
}

inline Entities entities(std::string_view json, const Schema* schema = nullptr) {
  auto loaded = Entities::from_json_text(json, "entities.json", schema);
  if (!loaded) {
    ADD_FAILURE() << "entities failed: " << loaded.error().message;
    return Entities();
  }
  return std::move(*loaded);
}

inline EntityUid uid(std::string_view type, std::string_view id) {
  return EntityUid{type, id, EntityUid::hash_of(type, id)};
}

// A request User::"alice", Action::"view", Photo::"p1" with the given JSON context.
inline Request request(std::string_view context_json = "{}",
                       EntityUid principal = uid("User", "alice"),
                       EntityUid action = uid("Action", "view"),
                       EntityUid resource = uid("Photo", "p1")) {
  auto documents = doc::load_all(context_json, "context.json");
  EXPECT_TRUE(documents) << documents.error().message;
  auto made = Request::from_uids(principal, action, resource, documents->front().root());
  EXPECT_TRUE(made) << made.error().message;
  return std::move(*made);
}

// The result of evaluating one expression: a value, or an error message.
struct Evaluated {
  std::optional<Value> value;
  std::string error;
  EvalErrorKind kind = EvalErrorKind::kTypeError;
  std::string text;  // the value in Cedar syntax, when there is one
};

// Evaluates `expression` (as the condition of a policy) for `req` against `store`.
class ExpressionRunner {
 public:
  ExpressionRunner(const Request& req, const Entities& store) : request_(req), entities_(store) {}

  Evaluated operator()(std::string_view expression) {
    std::string text = "permit(principal, action, resource) when { ";
    text.append(expression).append(" };");
    parsed_.push_back(parse_policies(text, "expr.cedar"));
    const ParsedPolicies& parsed = parsed_.back();
    Evaluated result;
    if (!parsed.ok()) {
      result.error = "parse error: " + parsed.errors.front().diagnostic.message;
      return result;
    }
    Evaluator evaluator(request_, entities_, arena_);
    Value value;
    if (evaluator.evaluate(*parsed.policies[0].conditions[0].expr, value)) {
      result.value = value;
      result.text = to_cedar_string(value);
    } else {
      result.error = evaluator.error().message;
      result.kind = evaluator.error().kind;
    }
    return result;
  }

 private:
  const Request& request_;
  const Entities& entities_;
  Arena arena_;
  std::vector<ParsedPolicies> parsed_;
};

}  // namespace eksguard::cedar::testing
