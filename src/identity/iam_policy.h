// IAM policy documents (trust policies of roles, mostly) read from the document model into an
// immutable form with the position of every principal, action and condition value, so that
// workload-identity checks can point at the exact place. Accepts the shapes IAM accepts:
// Statement as an object or an array; Principal "*" or {AWS|Federated|Service|CanonicalUser:
// string or array}; Action/NotAction as a string or an array; Condition {operator: {key: value
// or values}}. Condition keys are case-insensitive in IAM and are kept lower-cased.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/node.h"
#include "findings/finding.h"
#include "identity/origin.h"

namespace eksguard::identity {

struct PolicyValue {
  std::string text;
  Origin origin;
};

struct ConditionClause {
  std::string op;       // as written: "ForAnyValue:StringLike", "StringEqualsIfExists"
  std::string base_op;  // without set prefix and IfExists: "StringLike"
  std::string key;      // lower-cased: "oidc.eks.us-east-1.amazonaws.com/id/abc:sub"
  std::string key_as_written;
  std::vector<PolicyValue> values;
  Origin origin;  // the key

  // StringNotEquals, StringNotLike, StringNotEqualsIgnoreCase, ArnNotEquals, ArnNotLike.
  bool negated() const;
  // StringLike, StringNotLike, ArnLike, ArnNotLike: `*` and `?` are wildcards.
  bool pattern() const;
  // StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals, ArnLike (not negated).
  bool positive_string() const;
};

struct PolicyStatement {
  std::string sid;
  bool allow = true;
  bool not_principal = false;  // NotPrincipal: everyone but the listed principals
  bool any_principal = false;  // "Principal": "*" or {"AWS": "*"}
  std::vector<PolicyValue> aws, federated, service;
  bool not_action = false;
  std::vector<PolicyValue> actions;  // Action or NotAction, as written
  std::vector<ConditionClause> conditions;
  Origin origin;
  Origin principal_origin;

  // True when the statement's actions cover `action` (case-insensitive; `*` and `?` wildcards
  // as in "sts:*"; NotAction inverts).
  bool allows_action(std::string_view action) const;
  // True when some Service principal equals `service` (case-insensitive).
  bool has_service(std::string_view service) const;
};

struct PolicyDocument {
  std::string version;
  std::vector<PolicyStatement> statements;
  Origin origin;
};

// Reads a policy document from `root` (a mapping with Statement). `path` prefixes the field
// paths ("Role.AssumeRolePolicyDocument"). Shape errors go to `errors` with their position;
// the parts that could be read are kept (a statement with a malformed Condition is kept without
// it, so a check may over-report but never silently under-report: the error says why).
PolicyDocument parse_policy(const doc::Node& root, std::string_view file, std::string_view path,
                            std::vector<InputError>& errors);

// Reads a policy document given as text: a JSON object, or the URL-encoded form the IAM API
// returns (`%7B%22Version%22...`). Positions of the result are those of `at` (the string node in
// its file), since the decoded text has no place in the file; errors name the line and column
// inside the decoded text. nullopt when it cannot be parsed.
std::optional<PolicyDocument> parse_policy_text(std::string_view text, const doc::Node& at,
                                                std::string_view file, std::string_view path,
                                                std::vector<InputError>& errors);

// Decodes %XX escapes (and `+` as space, as in form encoding); nullopt on a malformed escape.
std::optional<std::string> url_decode(std::string_view text);

// IAM string matching for StringLike: `*` matches any run of characters (including none), `?`
// any one character; case-sensitive unless `ignore_case`.
bool iam_glob_match(std::string_view pattern, std::string_view value, bool ignore_case = false);

// True for documents that look like a bare policy (a mapping with Statement and a Version
// or statements carrying Effect).
bool looks_like_policy(const doc::Node& root);

}  // namespace eksguard::identity
