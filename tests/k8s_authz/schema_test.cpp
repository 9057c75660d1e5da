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
