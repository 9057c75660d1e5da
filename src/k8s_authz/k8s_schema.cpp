// The embedded Kubernetes Cedar schema (see k8s_schema.h). The text comes from
// k8s.cedarschema through cmake/Embed.cmake.
#include "k8s_authz/k8s_schema.h"

#include <cstddef>

#include "cedar/schema/cedar_schema_parser.h"

namespace eksguard::embedded {
extern const char k8s_cedarschema[];
extern const size_t k8s_cedarschema_size;
}  // namespace eksguard::embedded

namespace eksguard::k8s_authz {

std::string_view k8s_schema_text() {
  return {embedded::k8s_cedarschema, embedded::k8s_cedarschema_size};
}

Result<cedar::Schema> k8s_schema() {
  auto schema = cedar::parse_cedar_schema(k8s_schema_text(), "k8s.cedarschema");
  if (!schema) {
    const auto& errors = schema.error();
    return fail(errors.empty() ? "invalid schema" : errors.front().render());
  }
  return std::move(*schema);
}

}  // namespace eksguard::k8s_authz
