// The Kubernetes default ClusterRoles (../shared/conformance/rbac/bootstrap/cluster-roles.yaml,
// read in place) with the default bindings written here: aggregation of admin/edit/view, what
// each default role allows and does not, and system:masters.
#include <gtest/gtest.h>

#include <algorithm>

#include "rbac/authorizer.h"
#include "rbac/queries.h"
#include "rbac/rbac_test_support.h"
#include "support/test_support.h"

namespace eksguard::rbac {
namespace {

using testing::resource_request;
using testing::url_request;

// The default ClusterRoleBindings (bootstrappolicy testdata cluster-role-bindings.yaml is not in
// ../shared; these follow policy.go) and a few bindings of the user-facing roles.
constexpr std::string_view kBindings = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: cluster-admin}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
  subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:masters"}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: "system:discovery"}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:discovery"}
  subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: "system:basic-user"}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:basic-user"}
  subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: "system:public-info-viewer"}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
  subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: viewers, namespace: prod}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
  subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: viewer}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: editors, namespace: prod}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
  subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: editor}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: admins, namespace: prod}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
  subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: admin}]
)";

class RbacBootstrapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::path file;
    EKSGUARD_REQUIRE_SHARED("conformance/rbac/bootstrap/cluster-roles.yaml", file);
    Inputs inputs = load_inputs({file.string()});
    ASSERT_TRUE(inputs.errors.empty()) << inputs.errors.front().message;
    ASSERT_EQ(inputs.roles.size(), 31u);  // the golden file's 31 ClusterRoles
    add_text(kBindings, "bindings.yaml", inputs);
    ASSERT_TRUE(inputs.errors.empty()) << inputs.errors.front().message;
    policy_ = std::make_unique<Policy>(Policy::compile(std::move(inputs)));
  }

  bool can(const std::string& user, const RequestAttributes& request,
           std::vector<std::string> groups = {}) const {
    return Authorizer(*policy_).authorize(make_user(user, std::move(groups)), request).allowed;
  }

  const std::vector<PolicyRule>& rules(std::string_view cluster_role) const {
    const uint32_t id = policy_->find_role(RoleKind::kClusterRole, "", cluster_role);
    EXPECT_NE(id, kNone) << cluster_role;
    return policy_->rules_of(id);
  }

  std::unique_ptr<Policy> policy_;
};

TEST_F(RbacBootstrapTest, AggregationFillsAdminEditViewAsTheController) {
  const auto& view = rules("view");
  const auto& edit = rules("edit");
  const auto& admin = rules("admin");
  EXPECT_EQ(view, rules("system:aggregate-to-view"));  // view selects only aggregate-to-view
  ASSERT_FALSE(view.empty());
  // edit ⊇ view and admin ⊇ edit, rule for rule (view is labelled aggregate-to-edit, edit
  // aggregate-to-admin).
  for (const PolicyRule& rule : view)
    EXPECT_NE(std::find(edit.begin(), edit.end(), rule), edit.end());
  for (const PolicyRule& rule : edit)
    EXPECT_NE(std::find(admin.begin(), admin.end(), rule), admin.end());
  EXPECT_GT(edit.size(), view.size());
  EXPECT_GT(admin.size(), edit.size());
  // The controller appends each source's rules in name order ("edit" sorts before
  // "system:aggregate-to-admin"), leaving out rules already present.
  EXPECT_TRUE(std::equal(edit.begin(), edit.end(), admin.begin()));
  for (const PolicyRule& rule : rules("system:aggregate-to-admin"))
    EXPECT_NE(std::find(admin.begin(), admin.end(), rule), admin.end());
  EXPECT_TRUE(policy_->warnings().empty());
}

TEST_F(RbacBootstrapTest, ViewCannotReadSecretsEditCanAdminManagesRbac) {
  const auto secrets = resource_request("get", "prod", "", "secrets");
  EXPECT_FALSE(can("viewer", secrets));
  EXPECT_TRUE(can("editor", secrets));
  EXPECT_TRUE(can("admin", secrets));
  EXPECT_TRUE(can("viewer", resource_request("list", "prod", "", "pods")));
  EXPECT_FALSE(can("viewer", resource_request("create", "prod", "", "pods", "exec")));
  EXPECT_TRUE(can("editor", resource_request("create", "prod", "", "pods", "exec")));
  EXPECT_TRUE(can("editor", resource_request("get", "prod", "", "pods", "exec")));
  EXPECT_TRUE(can("editor", resource_request("impersonate", "prod", "", "serviceaccounts")));
  EXPECT_FALSE(can(
      "editor", resource_request("create", "prod", "rbac.authorization.k8s.io", "rolebindings")));
  EXPECT_TRUE(can("admin",
                  resource_request("create", "prod", "rbac.authorization.k8s.io", "rolebindings")));
  EXPECT_TRUE(can("editor", resource_request("patch", "prod", "apps", "deployments", "scale")));
  // A RoleBinding grants only inside its namespace, and never cluster-scoped resources.
  EXPECT_FALSE(can("editor", resource_request("get", "dev", "", "secrets")));
  EXPECT_FALSE(can("admin", resource_request("get", "", "", "namespaces")));
}

TEST_F(RbacBootstrapTest, DiscoveryAndPublicInfoForEveryone) {
  EXPECT_TRUE(can("anyone", url_request("get", "/apis/apps/v1")));
  EXPECT_TRUE(can("anyone", url_request("get", "/version")));
  EXPECT_TRUE(can("system:anonymous", url_request("get", "/healthz")));
  EXPECT_FALSE(can("system:anonymous", url_request("get", "/apis")));
  EXPECT_FALSE(can("anyone", url_request("get", "/metrics")));
  EXPECT_TRUE(can("anyone", resource_request("create", "", "authorization.k8s.io",
                                             "selfsubjectaccessreviews")));
}

TEST_F(RbacBootstrapTest, SystemMastersCanDoAnything) {
  EXPECT_TRUE(can("root", resource_request("delete", "", "", "nodes"), {"system:masters"}));
  EXPECT_TRUE(can("root", url_request("post", "/anything"), {"system:masters"}));
  // And through RBAC alone, cluster-admin grants it too.
  const Decision rbac_only =
      Authorizer(*policy_, {.privileged_groups = false})
          .authorize(make_user("root", {"system:masters"}),
                     resource_request("escalate", "", "rbac.authorization.k8s.io", "clusterroles"));
  EXPECT_TRUE(rbac_only.allowed);
  EXPECT_EQ(
      rbac_only.reason,
      R"(RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters")");
}

TEST_F(RbacBootstrapTest, WhoCanReadSecretsInProd) {
  ResourceCatalog catalog;
  auto request = parse_request(catalog, "get", "secrets", "", "prod");
  ASSERT_TRUE(request);
  const WhoCanAnswer answer = who_can(*policy_, WhoCanQuery{*request, false});
  std::vector<std::string> names;
  for (const SubjectGrants& s : answer.subjects) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"system:masters", "admin", "editor"}));
  EXPECT_EQ(answer.subjects[0].via.size(), 2u);  // privileged group, and cluster-admin
  EXPECT_TRUE(answer.notes.empty());
}

}  // namespace
}  // namespace eksguard::rbac
