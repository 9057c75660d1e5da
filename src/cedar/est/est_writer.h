// Cedar policies → the JSON policy format (EST, docs.cedarpolicy.com policies/json-format.html,
// cedar-k8s.md §2.6), shaped as Cedar 4 writes it: scope constraints as {"op", "entity" |
// "slot" | "entity_type" | "in" | "entities"}, conditions as {"kind", "body"}, one JSON object
// per expression keyed by its operator, `like` patterns one element per character, an extended
// `has` with its attributes as an array, annotations only when there are any (`null` for a
// valueless `@key`), record fields sorted by key.
//
// Policies should come from parse_policies with ParseOptions::keep_as_written, so that sets,
// records and extension calls are written as they were in the text; folded literals are written
// as JSON values (entities as {"__entity": ...}, extension values as {"__extn": ...}).
#pragma once

#include <span>

#include "cedar/ast.h"
#include "cedar/policy_set.h"
#include "common/result.h"
#include "report/json_writer.h"

namespace eksguard::cedar::est {

void write_expr(report::JsonWriter& json, const Expr& expr);
void write_policy(report::JsonWriter& json, const Policy& policy);

// {"staticPolicies": {id: policy}, "templates": {id: template}, "templateLinks": [link]}, each
// policy under PolicySet::display_id. Fails, writing nothing, when two policies would have the
// same id or a link names no template.
Status write_policy_set(report::JsonWriter& json, std::span<const Policy> policies,
                        std::span<const TemplateLink> links = {});

}  // namespace eksguard::cedar::est
