// libFuzzer target for the policy folder's manifests: Policy objects read from YAML/JSON and
// their Cedar text laid out at the manifest's lines. Invariant: every parsed policy's position
// lies inside its laid-out text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cedar/policy_set.h"
#include "k8s_authz/policy_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = eksguard::k8s_authz::read_policy_manifest(text, "fuzz.yaml");
  if (!manifest) return 0;
  for (const auto& policy : manifest->policies) {
    size_t lines = 1;
    for (const char c : policy.source) lines += c == '\n';
    auto parsed = eksguard::cedar::PolicySet::parse(policy.source, "fuzz.yaml");
    if (parsed) {
      for (const auto& p : parsed->policies()) {
        if (p.line == 0 || p.line > lines) __builtin_trap();
      }
    }
  }
  return 0;
}
