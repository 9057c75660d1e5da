// libFuzzer target for the Cedar formatter: any bytes must format or fail with parse errors,
// never crash or hang. When the input parses, the formatted text must parse too, keep every
// comment, and format to itself; printing the default-parse AST without source must parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "cedar/format/formatter.h"
#include "cedar/lexer.h"
#include "cedar/parser.h"

namespace {

size_t comment_count(std::string_view text) {
  std::vector<eksguard::cedar::Comment> comments;
  eksguard::cedar::tokenize(text, &comments);
  return comments.size();
}

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const eksguard::cedar::FormatOptions options{static_cast<uint32_t>(size % 100 + 1),
                                               static_cast<uint32_t>(size % 5)};
  const auto formatted = eksguard::cedar::format_policies(text, "fuzz.cedar", options);
  const eksguard::cedar::ParsedPolicies parsed =
      eksguard::cedar::parse_policies(text, "fuzz.cedar");
  if (!formatted) {
    // Only text that does not parse, or is not UTF-8, is refused (the formatter's own checks
    // never fire).
    require(!parsed.ok() ||
            formatted.error().front().diagnostic.code == "policy.format.invalid-utf8");
    return 0;
  }
  require(parsed.ok());
  require(comment_count(*formatted) == comment_count(text));
  const auto again = eksguard::cedar::format_policies(*formatted, "fuzz.cedar", options);
  require(again.has_value() && *again == *formatted);

  const std::string printed = eksguard::cedar::print_policies(parsed.policies, options);
  const eksguard::cedar::ParsedPolicies reparsed =
      eksguard::cedar::parse_policies(printed, "printed.cedar");
  require(reparsed.ok() && reparsed.policies.size() == parsed.policies.size());
  return 0;
}
