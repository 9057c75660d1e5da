// `eksguard rbac` end to end: tables, the who-can JSON contract, exit codes, bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "doc/loader.h"
#include "support/test_support.h"

namespace {

using ::eksguard::testing::run_eksguard;
using ::eksguard::testing::TempDir;

constexpr std::string_view kCluster = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules: [{verbs: [get, list], apiGroups: [""], resources: [secrets]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: health}
rules: [{verbs: [get], nonResourceURLs: ["/healthz", "/livez"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: auditors}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: auditors}
- {kind: ServiceAccount, name: scanner, namespace: security}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: probes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: health}
subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:unauthenticated"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-secrets, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: ServiceAccount, name: app}
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: alice}
)";

class RbacCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { write("cluster.yaml", kCluster); }

  std::string write(const std::string& name, std::string_view text) {
    const std::string path = (dir_.path() / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string cluster() const { return (dir_.path() / "cluster.yaml").string(); }

  TempDir dir_;
};

TEST_F(RbacCommandTest, WhoCanPrintsKubectlWhoCanTables) {
  const auto result = run_eksguard("rbac who-can get secrets -n prod " + cluster());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out,
            "ROLEBINDING   NAMESPACE   SUBJECT   TYPE             SA-NAMESPACE\n"
            "app-secrets   prod        app       ServiceAccount   prod\n"
            "app-secrets   prod        alice     User\n"
            "\n"
            "CLUSTERROLEBINDING   SUBJECT    TYPE             SA-NAMESPACE\n"
            "auditors             auditors   Group\n"
            "auditors             scanner    ServiceAccount   security\n"
            "\n"
            "Group system:masters may get secrets regardless of RBAC: the API server allows that "
            "group everything before RBAC is asked.\n");
}

TEST_F(RbacCommandTest, WhoCanSaysWhenNothingMatches) {
  const auto result = run_eksguard("rbac who-can delete secrets -n prod " + cluster());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("No subjects found with permissions to delete secrets assigned "
                            "through RoleBindings\n"),
            std::string::npos);
  EXPECT_NE(result.out.find("No subjects found with permissions to delete secrets assigned "
                            "through ClusterRoleBindings\n"),
            std::string::npos);
}

TEST_F(RbacCommandTest, WhoCanNonResourceUrlSkipsRoleBindings) {
  const auto result = run_eksguard("rbac who-can get /healthz -o wide " + cluster());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_FALSE(result.out.starts_with("ROLEBINDING"));
  EXPECT_EQ(result.out.find("\nROLEBINDING"), std::string::npos);
  EXPECT_NE(result.out.find("probes               ClusterRole/health   system:unauthenticated   "
                            "Group\n"),
            std::string::npos)
      << result.out;
}

TEST_F(RbacCommandTest, WhoCanJsonFollowsTheContract) {
  const auto result = run_eksguard("rbac who-can get secrets -n prod --format json " + cluster());
  ASSERT_EQ(result.exit_code, 0);
  auto documents = eksguard::doc::load_all(result.out, "out.json");
  ASSERT_TRUE(documents) << result.out;
  const eksguard::doc::Node& root = *documents->front().root();
  const auto subjects = root.get("subjects")->items();
  ASSERT_EQ(subjects.size(), 5u);  // system:masters, alice, auditors, prod/app, security/scanner
  EXPECT_EQ(subjects[0]->string_at("name"), "system:masters");
  EXPECT_EQ(subjects[0]->get("via")->items()[0]->string_at("source"), "privileged-group");
  const eksguard::doc::Node* alice = subjects[1];
  EXPECT_EQ(alice->string_at("kind"), "User");
  EXPECT_EQ(alice->string_at("name"), "alice");
  EXPECT_EQ(alice->string_at("namespace"), "");
  ASSERT_TRUE(alice->get("iam")->is_sequence());
  EXPECT_EQ(alice->get("iam")->size(), 0u);
  const eksguard::doc::Node* via = alice->get("via")->items()[0];
  EXPECT_EQ(via->string_at("binding_kind"), "RoleBinding");
  EXPECT_EQ(via->string_at("binding"), "app-secrets");
  EXPECT_EQ(via->string_at("role_kind"), "ClusterRole");
  EXPECT_EQ(via->string_at("role"), "secret-reader");
  EXPECT_EQ(via->string_at("namespace"), "prod");
  EXPECT_EQ(subjects[3]->string_at("kind"), "ServiceAccount");
  EXPECT_EQ(root.get("errors")->size(), 0u);
}

TEST_F(RbacCommandTest, ObjectNamePositionalAndStdin) {
  write("named.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: one-secret, namespace: prod}
rules: [{verbs: [get], apiGroups: [""], resources: [secrets], resourceNames: [db]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: db-reader, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: one-secret}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: bob}]
)");
  const std::string named = (dir_.path() / "named.yaml").string();
  EXPECT_NE(run_eksguard("rbac who-can get secrets db -n prod " + named).out.find("db-reader"),
            std::string::npos);
  EXPECT_EQ(run_eksguard("rbac who-can get secrets other -n prod " + named).out.find("db-reader"),
            std::string::npos);
  const auto piped = run_eksguard("rbac who-can get secrets --name db -n prod -", false, named);
  EXPECT_NE(piped.out.find("db-reader"), std::string::npos);
}

TEST_F(RbacCommandTest, CanIExitCodesAndReason) {
  auto yes = run_eksguard("rbac can-i get secrets -n prod --as alice " + cluster());
  EXPECT_EQ(yes.exit_code, 0);
  EXPECT_EQ(yes.out,
            "yes\nRBAC: allowed by RoleBinding \"app-secrets/prod\" of ClusterRole "
            "\"secret-reader\" to User \"alice\"\nrule: verbs=[get list] apiGroups=[\"\"] "
            "resources=[secrets]\n");
  auto group = run_eksguard("rbac can-i list secrets --as bob --as-group auditors --as-group x " +
                            cluster());
  EXPECT_EQ(group.exit_code, 0) << group.out;
  auto sa = run_eksguard("rbac can-i get secrets -n prod --as system:serviceaccount:prod:app " +
                         cluster());
  EXPECT_EQ(sa.exit_code, 0);
  auto no = run_eksguard("rbac can-i get secrets -n dev --as alice " + cluster());
  EXPECT_EQ(no.exit_code, 1);
  EXPECT_TRUE(no.out.starts_with("no\n"));
  auto json = run_eksguard("rbac can-i get /livez --as system:anonymous -o json " + cluster());
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(json.out.find(R"("allowed": true)"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find(R"("system:unauthenticated")"), std::string::npos);
}

TEST_F(RbacCommandTest, LookupListsRolesAndSources) {
  const auto result = run_eksguard("rbac lookup -o wide " + cluster());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("User/alice                        prod           "
                            "ClusterRole/secret-reader   RoleBinding/app-secrets\n"),
            std::string::npos)
      << result.out;
  const auto filtered = run_eksguard("rbac lookup scan --kind serviceaccount " + cluster());
  EXPECT_EQ(filtered.out,
            "SUBJECT            SCOPE          ROLE\n"
            "security:scanner   cluster-wide   ClusterRole/secret-reader\n");
}

TEST_F(RbacCommandTest, MatrixShowsVerbsPerResource) {
  const auto result =
      run_eksguard("rbac matrix --sa prod:app -n prod --verbs get,list,delete " + cluster());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("NAME "), std::string::npos);
  EXPECT_NE(result.out.find("\nsecrets      "), std::string::npos);
  EXPECT_NE(result.out.find("   ✔     ✔      ✖\n"), std::string::npos) << result.out;
  const auto ascii = run_eksguard("rbac matrix --as alice -o ascii -n prod " + cluster());
  EXPECT_NE(ascii.out.find("pods "), std::string::npos);
  EXPECT_EQ(ascii.out.find("✖"), std::string::npos);
}

TEST_F(RbacCommandTest, BadInputIsNamedAndTheRestGoesOn) {
  const std::string bad = write("bad.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: broken}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: x}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: eve}]
)");
  const auto result =
      run_eksguard("rbac who-can get secrets -n prod " + cluster() + " " + bad, true);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.out.find("bad.yaml:4:10: error: rbac.role-ref: ClusterRoleBinding \"broken\""),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("app-secrets"), std::string::npos);
  // A "no" with input errors may be incomplete: exit 2, not 1.
  EXPECT_EQ(run_eksguard("rbac can-i get secrets --as eve " + cluster() + " " + bad).exit_code, 2);
}

TEST_F(RbacCommandTest, MissingInputsAreNamed) {
  const std::string pods = write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
  const auto none = run_eksguard("rbac who-can get pods " + pods, true);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.out.find("no RBAC objects (Roles, ClusterRoles, RoleBindings, "
                          "ClusterRoleBindings) in the inputs (1 Kubernetes objects"),
            std::string::npos)
      << none.out;
  const std::string only_roles = write("roles.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: c}
rules: [{verbs: [get], apiGroups: [""], resources: [pods]}]
)");
  const auto notes = run_eksguard("rbac who-can get pods -n x " + only_roles);
  EXPECT_NE(notes.out.find("Note: no ClusterRoleBindings in the inputs.\n"), std::string::npos);
  EXPECT_NE(notes.out.find("Note: no RoleBindings in the inputs.\n"), std::string::npos);
  EXPECT_EQ(
      run_eksguard("rbac who-can get pods " + (dir_.path() / "missing.yaml").string()).exit_code,
      2);
}

TEST_F(RbacCommandTest, UsageErrors) {
  EXPECT_EQ(run_eksguard("rbac who-can get gizmos " + cluster()).exit_code, 2);
  EXPECT_EQ(run_eksguard("rbac who-can get pods -n a -A " + cluster()).exit_code, 2);
  EXPECT_EQ(run_eksguard("rbac can-i get pods " + cluster()).exit_code, 2);  // no --as
  const auto arn = run_eksguard(
      "rbac can-i get pods --as arn:aws:iam::111122223333:role/admin " + cluster(), true);
  EXPECT_EQ(arn.exit_code, 2);
  EXPECT_NE(arn.out.find("IAM principal"), std::string::npos);
  EXPECT_EQ(run_eksguard("rbac matrix --sa bad " + cluster()).exit_code, 2);
}

}  // namespace
