// The scanner's cluster-wide phase over a fixture cluster dump (tests/scan/data/cluster): RBAC
// objects from a List and from YAML, aws-auth, an access entry and describe-cluster JSON. The
// K8S-RBAC and EKS-CM/EKS-AE findings land at their objects' positions and go through the same
// exceptions as every other finding.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "scan/scanner.h"

namespace eksguard::scan {
namespace {

const std::string kCluster = std::string(EKSGUARD_SOURCE_DIR) + "/tests/scan/data/cluster";

const Finding* find(const report::ScanResult& result, std::string_view id, std::string_view name) {
  for (const Finding& f : result.findings)
    if (f.info().id == id && f.resource().name == name) return &f;
  return nullptr;
}

TEST(ScannerClusterTest, FindsRbacAndIdentityRisksAtTheirObjects) {
  ScanOptions options;
  options.threads = 2;
  const report::ScanResult result = Scanner(options).scan_paths({kCluster});
  for (const InputError& error : result.errors)
    ADD_FAILURE() << error.file << ":" << error.line << ": " << error.message;

  const Finding* admin = find(result, "K8S-RBAC-001", "ops-admin");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->file(), kCluster + "/rbac.json");
  EXPECT_EQ(admin->position.line, 41u);
  EXPECT_EQ(admin->position.column, 5u);
  EXPECT_EQ(admin->resource().kind, "ClusterRoleBinding");

  const Finding* secrets = find(result, "K8S-RBAC-003", "secret-reader");
  ASSERT_NE(secrets, nullptr);
  EXPECT_EQ(secrets->file(), kCluster + "/rbac.yaml");
  EXPECT_EQ(secrets->position.line, 1u);
  EXPECT_NE(secrets->message.find("Group developers"), std::string::npos);

  const Finding* edit = find(result, "K8S-RBAC-003", "dev-edit");  // a default role, bound by us
  ASSERT_NE(edit, nullptr);
  EXPECT_EQ(edit->position.line, 23u);
  EXPECT_EQ(edit->resource().namespace_, "dev");
  ASSERT_NE(find(result, "K8S-RBAC-017", "leftover"), nullptr);
  ASSERT_NE(find(result, "K8S-RBAC-002", "anonymous-view"), nullptr);

  // The bootstrap cluster-admin binding of system:masters is Kubernetes' own.
  EXPECT_EQ(find(result, "K8S-RBAC-001", "cluster-admin"), nullptr);

  // Identity checks see the RBAC groups: `ops` is bound to cluster-admin, `ghost-group` nowhere.
  const std::string ops_arn = "arn:aws:iam::111122223333:role/Ops";
  const Finding* privileged = find(result, "EKS-AE-005", ops_arn);
  ASSERT_NE(privileged, nullptr);
  EXPECT_EQ(privileged->file(), kCluster + "/access-entry-ops.json");
  const Finding* dangling = find(result, "EKS-AE-004", ops_arn);
  ASSERT_NE(dangling, nullptr);
  EXPECT_NE(dangling->message.find("ghost-group"), std::string::npos);
  EXPECT_NE(find(result, "EKS-CM-003", "aws-auth"), nullptr);

  // Sorted like every other finding: by file, then position.
  EXPECT_TRUE(std::is_sorted(result.findings.begin(), result.findings.end(),
                             [](const Finding& a, const Finding& b) {
                               if (a.file() != b.file()) return a.file() < b.file();
                               return a.position.line < b.position.line;
                             }));
}

TEST(ScannerClusterTest, ExceptionsSuppressClusterFindings) {
  ScanOptions options;
  Exception exception;
  exception.checks = {"K8S-RBAC-001"};
  exception.kinds = {"ClusterRoleBinding"};
  exception.names = {"ops-admin"};
  exception.reason = "break-glass group";
  options.exceptions.push_back(exception);
  const report::ScanResult result = Scanner(options).scan_paths({kCluster});
  const Finding* admin = find(result, "K8S-RBAC-001", "ops-admin");
  ASSERT_NE(admin, nullptr);
  EXPECT_TRUE(admin->suppressed);
  EXPECT_FALSE(find(result, "K8S-RBAC-003", "secret-reader")->suppressed);
}

TEST(ScannerClusterTest, IgnoreAnnotationsOnRbacObjectsSuppressClusterFindings) {
  const report::ScanResult result = Scanner(ScanOptions{})
                                        .scan_text(
                                            R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
  annotations:
    eksguard.io/ignore: K8S-RBAC-003
    eksguard.io/ignore-reason: audit tooling
rules:
- {apiGroups: [""], resources: [secrets, pods/exec], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, annotations: {eksguard.io/ignore: K8S-RBAC-017}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
subjects: [{kind: ServiceAccount, name: app}]
)",
                                            "rbac.yaml");
  EXPECT_TRUE(result.errors.empty());
  const Finding* secrets = find(result, "K8S-RBAC-003", "reader");
  ASSERT_NE(secrets, nullptr);
  EXPECT_TRUE(secrets->suppressed);
  EXPECT_NE(secrets->suppression().find("audit tooling"), std::string::npos);
  const Finding* exec = find(result, "K8S-RBAC-006", "reader");
  ASSERT_NE(exec, nullptr);
  EXPECT_FALSE(exec->suppressed);
  const Finding* dangling = find(result, "K8S-RBAC-017", "b");  // namespace defaulted
  ASSERT_NE(dangling, nullptr);
  EXPECT_TRUE(dangling->suppressed);
}

TEST(ScannerClusterTest, WithoutRbacInputsTheGroupCheckIsSkipped) {
  const report::ScanResult result =
      Scanner(ScanOptions{}).scan_paths({kCluster + "/access-entry-ops.json"});
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(find(result, "EKS-AE-004", "arn:aws:iam::111122223333:role/Ops"), nullptr);
}

TEST(ScannerClusterTest, InvalidRbacObjectsAreInputErrors) {
  const report::ScanResult result = Scanner(ScanOptions{})
                                        .scan_text(
                                            R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bad}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: app}
)",
                                            "bad.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].file, "bad.yaml");
  EXPECT_EQ(result.errors[0].line, 6u);
  EXPECT_NE(result.errors[0].message.find("needs a namespace"), std::string::npos);
}

TEST(ScannerClusterTest, SameResultWithOneThreadOrMany) {
  ScanOptions one;
  one.threads = 1;
  ScanOptions many;
  many.threads = 4;
  const auto a = Scanner(one).scan_paths({kCluster});
  const auto b = Scanner(many).scan_paths({kCluster});
  ASSERT_EQ(a.findings.size(), b.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].message, b.findings[i].message);
    EXPECT_EQ(a.findings[i].position.line, b.findings[i].position.line);
  }
}

TEST(ScannerClusterTest, RunsWorkloadIdentityChecksOnRolesAndAssociations) {
  const std::string workload = std::string(EKSGUARD_SOURCE_DIR) + "/tests/identity/data/workload";
  const report::ScanResult result = Scanner(ScanOptions{}).scan_paths({workload});
  size_t irsa = 0;
  size_t pod_identity = 0;
  for (const Finding& f : result.findings) {
    const std::string_view id = f.info().id;
    irsa += id.starts_with("EKS-IRSA-") ? 1 : 0;
    pod_identity += id.starts_with("EKS-PI-") ? 1 : 0;
    EXPECT_GT(f.position.line, 0u) << id;  // every finding points into its file
  }
  EXPECT_GT(irsa, 0u);
  EXPECT_GT(pod_identity, 0u);
}

}  // namespace
}  // namespace eksguard::scan

namespace eksguard::scan {
namespace {

// K8S-RBAC-019 next to EKS-POD-001/002: each object gets its own finding, and the
// ServiceAccount's ignore annotation suppresses 019 there only.
constexpr std::string_view kDefaultAccountInUse = R"(apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: dev
  annotations: {eksguard.io/ignore: K8S-RBAC-019}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: dev}
spec:
  containers: [{name: app, image: nginx}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: sa-view, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: default}]
)";

TEST(ScannerClusterTest, DefaultServiceAccountFindingsSplitBetweenPodAndAccount) {
  const report::ScanResult result =
      Scanner(ScanOptions{}).scan_text(kDefaultAccountInUse, "sa.yaml");
  EXPECT_TRUE(result.errors.empty());
  auto on = [&](std::string_view id, std::string_view kind) {
    std::vector<const Finding*> out;
    for (const Finding& f : result.findings)
      if (f.info().id == id && f.resource().kind == kind) out.push_back(&f);
    return out;
  };
  ASSERT_EQ(on("EKS-POD-001", "Pod").size(), 1u);
  ASSERT_EQ(on("EKS-POD-002", "Pod").size(), 1u);
  const auto account = on("K8S-RBAC-019", "ServiceAccount");
  ASSERT_EQ(account.size(), 1u);
  EXPECT_TRUE(account[0]->suppressed);
  EXPECT_EQ(account[0]->position.line, 1u);
  const auto binding = on("K8S-RBAC-019", "RoleBinding");
  ASSERT_EQ(binding.size(), 1u);
  EXPECT_FALSE(binding[0]->suppressed);
  EXPECT_EQ(binding[0]->file(), "sa.yaml");
  EXPECT_EQ(binding[0]->position.line, 14u);
  EXPECT_EQ(binding[0]->path, "subjects[0]");
  EXPECT_NE(binding[0]->message.find("Pod p"), std::string::npos) << binding[0]->message;
  EXPECT_EQ(on("K8S-RBAC-019", "Pod").size(), 0u);
}

TEST(ScannerClusterTest, DefaultAccountThatDisablesAutomountQuietsPodsAnd019) {
  std::string text(kDefaultAccountInUse);
  text.insert(text.find("---"), "automountServiceAccountToken: false\n");
  const report::ScanResult result = Scanner(ScanOptions{}).scan_text(text, "sa.yaml");
  std::vector<std::string> ids;
  for (const Finding& f : result.findings)
    if (f.info().id == "EKS-POD-001" || f.info().id == "K8S-RBAC-019")
      ids.push_back(fmt::format("{} {}", f.info().id, f.resource().kind));
  // The binding still grants the default account rights; nothing mounts its token.
  EXPECT_EQ(ids, std::vector<std::string>{"K8S-RBAC-019 RoleBinding"});
}

}  // namespace
}  // namespace eksguard::scan
