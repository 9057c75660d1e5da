// libFuzzer target for the whole scan of one input: loader, workload extraction, every check,
// annotations. Catches shape confusions (a string where a mapping is expected, …) in checks.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scan/scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const eksguard::scan::Scanner scanner([] {
    eksguard::scan::ScanOptions options;
    options.limits.max_depth = 64;
    options.limits.max_alias_nodes = 10000;
    options.limits.max_nodes = 100000;
    options.hardening.allowed_registries = {"123456789012.dkr.ecr.us-east-1.amazonaws.com"};
    return options;
  }());
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = scanner.scan_text(text, "fuzz.yaml");
  (void)result;
  return 0;
}
