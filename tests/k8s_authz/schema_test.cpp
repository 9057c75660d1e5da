// The published Kubernetes schema: it parses, declares what the mapping produces, and
// `eksguard cedar schema k8s` prints it for `eksguard cedar validate`.
#include <gtest/gtest.h>

#include <fstream>

#include "k8s_authz/k8s_schema.h"
#include "support/test_support.h"

namespace eksguard::k8s_authz {
namespace {

using eksguard::testing::run_eksguard;
using eksguard::testing::TempDir;

TEST(K8sAuthzSchema, ParsesAndDeclaresTheMapping) {
  auto schema = k8s_schema();
  ASSERT_TRUE(schema) << schema.error().message;
  for (const char* type :
       {"k8s::User", "k8s::Group", "k8s::ServiceAccount", "k8s::Node", "k8s::Resource",
        "k8s::NonResourceURL", "k8s::Extra", "k8s::PrincipalUID", "core::v1::Pod",
        "core::v1::ConfigMap", "core::v1::PodExecOptions", "apps::v1::Deployment",
        "rbac::v1::ClusterRoleBinding", "networking::v1::NetworkPolicy",
        "aws::k8s::cedar::v1alpha1::Policy"}) {
    EXPECT_NE(schema->find_entity_type(type), nullptr) << type;
  }
  // Objects carry their labels as tags; admission actions are in the group "all".
  EXPECT_NE(schema->tags_type("core::v1::ConfigMap"), nullptr);
  for (const char* operation : {"create", "update", "delete", "connect"}) {
    EXPECT_TRUE(schema->action_in(cedar::ActionUid{"k8s::admission::Action", operation},
                                  cedar::ActionUid{"k8s::admission::Action", "all"}))
        << operation;
  }
  EXPECT_TRUE(schema->action_applies(cedar::ActionUid{"k8s::Action", "impersonate"}, "k8s::User",
                                     "k8s::ServiceAccount"));
  EXPECT_TRUE(schema->action_applies(cedar::ActionUid{"k8s::admission::Action", "connect"},
                                     "k8s::User", "core::v1::PodExecOptions"));
}

// Generated from the OpenAPI: every GA and beta kind (no alpha one but the prototype's Policy
// CRD), every field, IntOrString and quantities typed as the conversion makes them.
TEST(K8sAuthzSchema, CoversEveryGaAndBetaKind) {
  auto schema = k8s_schema();
  ASSERT_TRUE(schema) << schema.error().message;
  size_t kinds = 0;
  for (const cedar::EntityTypeDef& type : schema->entity_types()) {
    if (type.name.starts_with("k8s::")) continue;
    ++kinds;
    EXPECT_TRUE(type.name.find("alpha") == std::string::npos ||
                type.name == "aws::k8s::cedar::v1alpha1::Policy")
        << type.name;
  }
  EXPECT_GE(kinds, 80U);  // 74 API kinds, 6 CONNECT option kinds, the Policy CRD
  for (const char* type :
       {"apiregistration::v1::APIService", "apiextensions::v1::CustomResourceDefinition",
        "resource::v1beta1::ResourceClaim", "networking::v1beta1::ServiceCIDR",
        "storage::v1beta1::VolumeAttributesClass", "autoscaling::v1::Scale", "policy::v1::Eviction",
        "authentication::v1::TokenRequest", "core::v1::ComponentStatus",
        "admissionregistration::v1beta1::ValidatingAdmissionPolicy"}) {
    EXPECT_NE(schema->find_entity_type(type), nullptr) << type;
  }
  const auto* ports = schema->find_entity_type("core::v1::Service")
                          ->find_attribute("spec")
                          ->type.find_attribute("ports");
  ASSERT_NE(ports, nullptr);
  EXPECT_EQ(ports->type.element().find_attribute("targetPort")->type.to_string(), "String");
  EXPECT_EQ(ports->type.element().find_attribute("port")->type.to_string(), "Long");
  const auto* container = schema->find_common_type("core::v1::Container");
  ASSERT_NE(container, nullptr);
  EXPECT_EQ(container->type.find_attribute("livenessProbe")
                ->type.find_attribute("httpGet")
                ->type.find_attribute("port")
                ->type.to_string(),
            "String");
  EXPECT_EQ(schema->find_common_type("core::v1::ResourceRequirements")
                ->type.find_attribute("limits")
                ->type.to_string(),
            "Set<meta::v1::KeyValue>");
}

TEST(K8sAuthzSchema, CommandPrintsItForValidate) {
  const auto printed = run_eksguard("cedar schema k8s");
  EXPECT_EQ(printed.exit_code, 0);
  EXPECT_EQ(printed.out, k8s_schema_text());
  EXPECT_EQ(run_eksguard("cedar schema nope").exit_code, 2);

  TempDir dir("eksguard-schema");
  std::ofstream(dir.path() / "k8s.cedarschema") << printed.out;
  std::ofstream(dir.path() / "ok.cedar") << R"(
forbid (principal is k8s::User, action in k8s::admission::Action::"all", resource is core::v1::Pod)
when { resource has spec && resource.spec has hostNetwork && resource.spec.hostNetwork };
permit (principal in k8s::Group::"dev", action == k8s::Action::"get", resource is k8s::Resource)
when { resource.apiGroup == "apps" };
)";
  std::ofstream(dir.path() / "bad.cedar")
      << "permit (principal, action, resource is core::v1::Pod) when { resource.spec.colour };\n";
  const std::string schema = "--schema '" + (dir.path() / "k8s.cedarschema").string() + "'";
  EXPECT_EQ(run_eksguard("cedar validate " + schema + " --policies '" +
                         (dir.path() / "ok.cedar").string() + "'")
                .exit_code,
            0);
  const auto bad = run_eksguard("cedar validate " + schema + " --policies '" +
                                (dir.path() / "bad.cedar").string() + "'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("bad.cedar:1:"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace eksguard::k8s_authz
