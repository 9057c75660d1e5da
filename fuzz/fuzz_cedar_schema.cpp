// libFuzzer target for the Cedar schema parsers (Cedar syntax and JSON syntax). Any bytes must
// parse or fail with diagnostics; a schema that parses must print to Cedar text that parses
// back to the same model.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cedar/schema/cedar_schema_parser.h"
#include "cedar/schema/cedar_schema_printer.h"
#include "cedar/schema/json_schema_parser.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void round_trips(const eksguard::cedar::Schema& schema) {
  const auto text = eksguard::cedar::to_cedar_text(schema);
  if (!text) return;  // some models cannot be named in Cedar text (documented printer limit)
  const auto again = eksguard::cedar::parse_cedar_schema(*text, "printed");
  check(again.has_value() && *again == schema);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  eksguard::cedar::SchemaLimits limits;
  limits.max_declarations = 10'000;
  limits.max_closure_size = 100'000;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto schema = eksguard::cedar::parse_cedar_schema(text, "fuzz", limits)) round_trips(*schema);
  if (const auto schema = eksguard::cedar::parse_json_schema(text, "fuzz", limits)) round_trips(*schema);
  return 0;
}
