// libFuzzer target for the RBAC engine: reading and validating RBAC objects from one input,
// compiling (aggregation, indexes), then a who-can, a lookup and a decision over the result.
// Catches shape confusions in the reader and cycles or blow-ups in aggregation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rbac/authorizer.h"
#include "rbac/model.h"
#include "rbac/policy.h"
#include "rbac/queries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eksguard::rbac;
  eksguard::doc::Limits limits;
  limits.max_depth = 64;
  limits.max_alias_nodes = 10000;
  limits.max_nodes = 100000;
  Inputs inputs;
  add_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml", inputs,
           limits);
  ResourceCatalog catalog;
  catalog.add_inputs(inputs);
  const Policy policy = Policy::compile(std::move(inputs));
  if (auto request = parse_request(catalog, "get", "pods", "", "default")) {
    (void)who_can(policy, WhoCanQuery{*request, true});
    (void)Authorizer(policy).authorize(make_user("system:serviceaccount:default:x", {"g"}),
                                       request->attributes);
  }
  (void)lookup(policy, LookupQuery{"a", std::nullopt});
  return 0;
}
