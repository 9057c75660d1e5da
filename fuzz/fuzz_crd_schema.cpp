// libFuzzer target for `eksguard cedar schema crd`: any bytes as a CRD file must translate into
// a fragment or fail with crd.* diagnostics; never crash, hang or leak. A fragment that comes
// out must merge with the built-in Kubernetes schema (as `eksguard serve --schema` merges it):
// a translation the webhook would refuse is a bug, so it aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#include "k8s_authz/crd_schema.h"
#include "k8s_authz/k8s_schema.h"

namespace {

const eksguard::cedar::Schema& base() {
  static const eksguard::cedar::Schema schema = *eksguard::k8s_authz::k8s_schema();
  return schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  eksguard::k8s_authz::CrdLimits limits;
  limits.max_input_bytes = 1 << 20;
  limits.max_attributes = 5000;
  const eksguard::k8s_authz::CrdSource source{"fuzz.yaml", text};
  auto fragment = eksguard::k8s_authz::crd_schema_fragment(std::span(&source, 1), &base(), limits);
  if (!fragment || fragment->entity_types.empty()) return 0;
  const eksguard::cedar::SchemaFragment generated{"crds.cedarschema", fragment->text,
                                                  eksguard::cedar::SchemaSyntax::kCedar};
  auto merged = eksguard::k8s_authz::k8s_schema_with(std::span(&generated, 1));
  if (!merged) {
    std::fprintf(stderr, "generated fragment does not merge:\n%s\n%s\n",
                 merged.error().message.c_str(), fragment->text.c_str());
    std::abort();
  }
  return 0;
}
