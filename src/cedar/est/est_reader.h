// The JSON policy format (EST, docs.cedarpolicy.com policies/json-format.html, cedar-k8s.md §2.6)
// → Cedar policies, built with the same node builder as the text parser so that a policy
// evaluates exactly as its Cedar text does.
//
// Accepted input: a policy set {"staticPolicies": {id: policy}, "templates": {id: template},
// "templateLinks": [{"templateId", "newId", "values": {"?principal": uid, "?resource": uid}}]}
// (every key optional, as cedar-wasm and the Cedar CLI take it), or a single policy object
// (read as `policy0`; a template when it has slots). The keys of the policy set are the policy
// ids. Expressions are the objects Cedar 4 writes (est_writer.h); `has` takes one attribute or
// an array of them (Cedar 4.13's extended `has`).
//
// Everything is checked as Cedar checks it, and more strictly where Cedar's JSON decoding is
// lax: unknown keys and wrong JSON types are errors everywhere (Cedar ignores unknown keys
// beside an entity uid's `type` and `id`). Each policy reports its first error; one run reports
// an error for every broken policy. A diagnostic names the JSON path and the line and column,
// with a stable code (`policy.json.*`). Source spans of the nodes are byte offsets into the JSON
// text (of length 0), so evaluation errors and validation diagnostics point into it.
//
// Limits: ParseOptions::max_bytes for the text, ParseOptions::max_depth for expressions (JSON
// nesting is allowed twice that, plus the policy set's own levels).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cedar/parser.h"
#include "cedar/policy_set.h"
#include "doc/node.h"

namespace eksguard::cedar::est {

namespace code {
inline constexpr std::string_view kInvalidJson = "policy.json.invalid-json";
inline constexpr std::string_view kTooLarge = "policy.json.input-too-large";
inline constexpr std::string_view kTooDeep = "policy.json.too-deep";
inline constexpr std::string_view kWrongType = "policy.json.wrong-type";
inline constexpr std::string_view kUnexpectedKey = "policy.json.unexpected-key";
inline constexpr std::string_view kMissingKey = "policy.json.missing-key";
inline constexpr std::string_view kInvalidVariant = "policy.json.invalid-variant";
inline constexpr std::string_view kInvalidExpression = "policy.json.invalid-expression";
inline constexpr std::string_view kUnknownExpression = "policy.json.unknown-expression";
inline constexpr std::string_view kInvalidValue = "policy.json.invalid-value";
inline constexpr std::string_view kInvalidEntity = "policy.json.invalid-entity";
inline constexpr std::string_view kInvalidEntityType = "policy.json.invalid-entity-type";
inline constexpr std::string_view kInvalidAttribute = "policy.json.invalid-attribute";
inline constexpr std::string_view kInvalidPattern = "policy.json.invalid-pattern";
inline constexpr std::string_view kDuplicateKey = "policy.json.duplicate-key";
inline constexpr std::string_view kInvalidSlot = "policy.json.invalid-slot";
inline constexpr std::string_view kSlotInCondition = "policy.json.slot-in-condition";
inline constexpr std::string_view kInvalidActionType = "policy.json.invalid-action-type";
inline constexpr std::string_view kInvalidAnnotation = "policy.json.invalid-annotation";
inline constexpr std::string_view kNotATemplate = "policy.json.not-a-template";
inline constexpr std::string_view kNotStatic = "policy.json.not-static";
inline constexpr std::string_view kDuplicateId = "policy.json.duplicate-id";
inline constexpr std::string_view kInvalidLink = "policy.json.invalid-link";
}  // namespace code

// Policies read from JSON, ready for PolicySet::compile(std::move(policies), links).
struct JsonPolicies {
  ParsedPolicies policies;          // static policies, then templates, in file order
  std::vector<TemplateLink> links;  // the policy set's `templateLinks`, checked against it
  bool ok() const { return policies.ok(); }
};

JsonPolicies read_policies_json(std::string_view text, std::string file,
                                const ParseOptions& options = {});

// The same from a JSON value already loaded (e.g. inline in a batch line); `source` is the text
// whose positions `root` carries.
JsonPolicies read_policies_json(const doc::Node& root, std::string_view source, std::string file,
                                const ParseOptions& options = {});

// A JSON array of template links, for policies given as Cedar text. Only their shape is checked
// here; PolicySet::compile checks them against the templates.
Result<std::vector<TemplateLink>, std::vector<ParseError>> read_template_links_json(
    std::string_view text, std::string file);

// Whether `text` looks like JSON rather than Cedar (its first significant character is `{` or
// `[`; Cedar text cannot start with either).
bool looks_like_json(std::string_view text);

}  // namespace eksguard::cedar::est
