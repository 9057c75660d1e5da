// libFuzzer target for the Cedar policy parser: any bytes must parse or fail with errors; never
// crash, hang or overflow the stack. Whatever parses is also compiled and evaluated against a
// fixed request, so random policies exercise the evaluator and the authorizer too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/parser.h"
#include "cedar/policy_set.h"
#include "cedar/request.h"

namespace {

using eksguard::cedar::EntityUid;

const eksguard::cedar::Entities& store() {
  static const auto* entities = [] {
    auto loaded = eksguard::cedar::Entities::from_json_text(
        R"([{"uid": {"type": "User", "id": "alice"}, "attrs": {"n": 1, "s": "x", "set": [1]},
             "parents": [{"type": "Group", "id": "g"}], "tags": {"t": "v"}},
            {"uid": {"type": "Action", "id": "view"}, "parents": [{"type": "Action", "id": "all"}]}])",
        "fuzz.json");
    return new eksguard::cedar::Entities(std::move(*loaded));
  }();
  return *entities;
}

EntityUid uid(std::string_view type, std::string_view id) {
  return EntityUid{type, id, EntityUid::hash_of(type, id)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  eksguard::cedar::ParseOptions options;
  options.max_bytes = 1 << 16;
  eksguard::cedar::ParsedPolicies parsed =
      eksguard::cedar::parse_policies(text, "fuzz.cedar", options);
  if (!parsed.ok()) {
    for (const auto& error : parsed.errors) (void)error.diagnostic.render_with_snippet(text);
    return 0;
  }
  for (const auto& policy : parsed.policies) {
    for (const auto& condition : policy.conditions)
      (void)eksguard::cedar::to_cedar_string(*condition.expr);
  }
  auto compiled = eksguard::cedar::PolicySet::compile(std::move(parsed));
  if (!compiled) return 0;
  const eksguard::cedar::Request request(uid("User", "alice"), uid("Action", "view"),
                                         uid("Photo", "p"));
  const auto response = eksguard::cedar::is_authorized(*compiled, request, store());
  (void)response;
  return 0;
}
