// The JSON schema syntax (`.cedarschema.json`), exactly as cedar-policy-core's json_schema.rs
// deserializes it:
//
//   { "<namespace>": {                       // "" is the empty namespace
//       "commonTypes": { "<Name>": Type + "annotations"? },          // optional
//       "entityTypes": { "<Name>": { "memberOfTypes": ["<path>"], "shape": Type, "tags": Type,
//                                    "annotations": {...} }
//                                | { "enum": ["<id>", ...], "annotations": {...} } },
//       "actions": { "<name>": { "memberOf": [{"id": "<id>", "type"?: "<path>"}],
//                                "appliesTo": { "principalTypes": [...], "resourceTypes": [...],
//                                               "context"?: Type },
//                                "annotations": {...} } },
//       "annotations": { "<key>": "<value>" | null } } }               // optional
//
//   Type := {"type": "String" | "Long" | "Boolean"}
//         | {"type": "Set", "element": Type}
//         | {"type": "Record", "attributes": {"<attr>": Type + "required"? + "annotations"?},
//            "additionalAttributes"?: false}
//         | {"type": "Entity" | "EntityOrCommon", "name": "<path>"}
//         | {"type": "Extension", "name": "ipaddr" | "decimal" | "datetime" | "duration"}
//         | {"type": "<common type path>"}
//
// Unknown fields, duplicate keys and fields of the wrong JSON type are errors, as in Cedar.
#pragma once

#include <string_view>

#include "cedar/diagnostic.h"
#include "cedar/schema/schema.h"
#include "common/result.h"
#include "doc/node.h"

namespace eksguard::cedar {

// Parses and validates a JSON schema. Errors carry codes `schema.json.*` for the format and
// `schema.*` for meaning, with positions in `text`.
Result<Schema, Diagnostics> parse_json_schema(std::string_view text,
                                              std::string_view file = "<schema>",
                                              const SchemaLimits& limits = {});

// The same from a document already loaded (a schema embedded in a larger configuration, say).
// The document model keeps only the last of duplicate keys, so they cannot be reported here.
Result<Schema, Diagnostics> json_schema_from_node(const doc::Node& root,
                                                  std::string_view file = "<schema>",
                                                  const SchemaLimits& limits = {});

}  // namespace eksguard::cedar
