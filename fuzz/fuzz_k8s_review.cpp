// libFuzzer target for the webhook decoders: any bytes given to the SubjectAccessReview and
// AdmissionReview decoders must map to a Cedar request or fail with a 4xx message; never crash,
// hang or leak. Decoded reviews are evaluated against a few policies that read what the
// mapping builds (selectors, labels, tags, old objects).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "k8s_authz/k8s_schema.h"
#include "k8s_authz/policy_store.h"
#include "k8s_authz/review.h"

namespace {

const eksguard::k8s_authz::PolicyStore& policies() {
  static const auto store = [] {
    const std::vector<std::pair<std::string, std::string>> files{{"fuzz.cedar", R"(
permit (principal in k8s::Group::"dev", action, resource is k8s::Resource)
when { resource has labelSelector && resource.labelSelector.contains(
         {"key": "owner", "operator": "in", "values": [principal.name]}) };
forbid (principal, action, resource is k8s::Resource)
when { resource has fieldSelector && resource.fieldSelector.isEmpty() };
forbid (principal, action in k8s::admission::Action::"all", resource)
unless { resource has metadata && resource.metadata has labels &&
         resource.metadata.labels.contains({"key": "owner", "value": principal.name}) };
forbid (principal, action, resource)
when { resource.hasTag("x") && resource.getTag("x") like "*a*" };
forbid (principal, action == k8s::admission::Action::"update", resource)
when { resource has oldObject && resource.oldObject has spec };
)"}};
    auto loaded = eksguard::k8s_authz::PolicyStore::from_texts(files, nullptr);
    return *loaded;
  }();
  return *store;
}

void evaluate(const eksguard::k8s_authz::Review& review) {
  const auto decision = policies().decide(*review.request, review.entities);
  (void)decision;
}

// The built-in schema's conversion plan, as the service uses it.
const eksguard::k8s_authz::ConversionPlan& plan() {
  static const auto compiled = [] {
    auto schema = eksguard::k8s_authz::k8s_schema();
    return eksguard::k8s_authz::ConversionPlan::compile(schema ? *schema
                                                               : eksguard::cedar::Schema());
  }();
  return *compiled;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  eksguard::k8s_authz::DecodeLimits limits;
  limits.max_body_bytes = 1 << 20;
  if (auto review = eksguard::k8s_authz::decode_access_review(body, limits)) evaluate(*review);
  if (auto review = eksguard::k8s_authz::decode_admission_review(body, plan(), limits))
    evaluate(*review);
  (void)eksguard::k8s_authz::parse_selector(body);
  return 0;
}
