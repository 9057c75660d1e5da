// Schemas in several files (Cedar's schema fragments): each file is in the Cedar or the JSON
// syntax, and the fragments make one schema as Cedar's ValidatorSchema::from_schema_fragments
// makes it. A namespace may be spread over several fragments (its declarations are merged),
// names resolve across fragments (a fragment may use a type another declares), and declaring
// the same entity type, action or common type twice is an error naming the second
// declaration's file, line and column.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cedar/diagnostic.h"
#include "cedar/schema/schema.h"
#include "common/result.h"

namespace eksguard::cedar {

enum class SchemaSyntax : uint8_t { kCedar, kJson };

// JSON when the first character that is not blank is `{` (no Cedar schema can start so).
SchemaSyntax detect_schema_syntax(std::string_view text);

struct SchemaFragment {
  std::string file;  // named by diagnostics
  std::string_view text;
  SchemaSyntax syntax = SchemaSyntax::kCedar;
};

// Parses every fragment (each within `limits`) and merges them. Parse errors of every fragment
// are reported; the merged schema is only built when all of them parse.
Result<Schema, Diagnostics> parse_schema_fragments(std::span<const SchemaFragment> fragments,
                                                   const SchemaLimits& limits = {});

}  // namespace eksguard::cedar
