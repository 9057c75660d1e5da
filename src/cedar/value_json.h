// Cedar values and entity uids in JSON, as entity files, contexts and requests write them
// (cedar-k8s.md §2.5): strings, integers (exact i64, also beyond 2^53), booleans, arrays as
// sets, objects as records, and the escapes {"__entity": {"type", "id"}} and
// {"__extn": {"fn", "arg"}} / {"__extn": {"fn", "args": [...]}}.
//
// Without a schema the JSON shape decides. With a schema (Cedar's schema-based parsing) the
// declared type decides: the escapes become optional (`{"type": "User", "id": "alice"}` is an
// entity where an entity is declared, "10.0.0.1" an ipaddr where an ipaddr is), records must
// have their required attributes and no undeclared ones, and any other mismatch is an error.
#pragma once

#include "cedar/arena.h"
#include "cedar/schema/schema.h"
#include "cedar/value.h"
#include "common/result.h"
#include "doc/node.h"

namespace eksguard::cedar {

// A value (attribute, tag, context field or set element). Strings and nested data are copied
// into `arena`. Errors carry the JSON node's position.
Result<Value> value_from_json(const doc::Node& node, Arena& arena);

// A record (entity attributes, tags, or a request context).
Result<Value> record_from_json(const doc::Node& node, Arena& arena);

// Schema-based parsing of a value declared as `expected`.
Result<Value> value_from_json(const doc::Node& node, const SchemaType& expected, Arena& arena);

// The empty record where `expected` (a record type) is declared: an error when it has required
// attributes (an entity without `attrs`, a request without a context).
Result<Value> empty_record(const SchemaType& expected);

// {"type": "User", "id": "alice"} or {"__entity": {"type": "User", "id": "alice"}}.
Result<const EntityUid*> entity_uid_from_json(const doc::Node& node, Arena& arena);

}  // namespace eksguard::cedar
