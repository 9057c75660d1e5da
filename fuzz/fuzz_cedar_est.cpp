// libFuzzer target for the JSON policy format (EST). Any bytes read as JSON policies must read or
// fail with diagnostics, never crash, hang or overflow the stack; whatever reads is written back,
// and that JSON must read again and write the same JSON (the writer and the reader agree). Any
// bytes that parse as Cedar text go the same way: text → JSON → policies must read.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cedar/est/est_reader.h"
#include "cedar/est/est_writer.h"
#include "cedar/parser.h"
#include "cedar/policy_set.h"
#include "report/json_writer.h"

namespace {

namespace cedar = eksguard::cedar;

std::string written(const cedar::ParsedPolicies& parsed,
                    std::span<const cedar::TemplateLink> links) {
  std::string out;
  eksguard::report::JsonWriter json(out);
  if (!cedar::est::write_policy_set(json, parsed.policies, links)) return {};
  return out;
}

// The JSON must read back and write the same JSON again.
void check_round_trip(const std::string& json, const cedar::ParseOptions& options) {
  if (json.empty()) return;
  const cedar::est::JsonPolicies again =
      cedar::est::read_policies_json(json, "again.json", options);
  if (!again.ok() || written(again.policies, again.links) != json) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cedar::ParseOptions options;
  options.max_bytes = 1 << 16;
  options.keep_as_written = true;
  if (cedar::est::looks_like_json(text)) {
    cedar::est::JsonPolicies read = cedar::est::read_policies_json(text, "fuzz.json", options);
    if (!read.ok()) {
      for (const auto& error : read.policies.errors)
        (void)error.diagnostic.render_with_snippet(text);
      return 0;
    }
    check_round_trip(written(read.policies, read.links), options);
    (void)cedar::PolicySet::compile(std::move(read.policies), read.links);
    return 0;
  }
  const cedar::ParsedPolicies parsed = cedar::parse_policies(text, "fuzz.cedar", options);
  if (parsed.ok()) check_round_trip(written(parsed, {}), options);
  return 0;
}
