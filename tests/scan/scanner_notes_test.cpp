// What the scanner's cluster-wide phase could not see becomes notes: missing identity inputs
// (only when the inputs hold cluster-access data) and the RBAC policy's warnings that no finding
// already reports. eksctl ClusterConfigs are identity inputs of a scan (EKS-AUTH, EKS-AE).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "scan/scanner.h"
#include "support/test_support.h"

namespace eksguard::scan {
namespace {

const std::string kSource = EKSGUARD_SOURCE_DIR;
const std::string kCluster = kSource + "/tests/scan/data/cluster";

std::vector<std::string> notes_of(const report::ScanResult& result, report::NoteKind kind) {
  std::vector<std::string> out;
  for (const report::Note& note : result.notes)
    if (note.kind == kind) out.push_back(note.message);
  return out;
}

const Finding* find(const report::ScanResult& result, std::string_view id) {
  for (const Finding& f : result.findings)
    if (f.info().id == id) return &f;
  return nullptr;
}

TEST(ScannerNotesTest, ClusterAuditNamesMissingInputs) {
  const report::ScanResult result = Scanner(ScanOptions{}).scan_paths({kCluster});
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(notes_of(result, report::NoteKind::kMissingInput),
            (std::vector<std::string>{"aws eks list-associated-access-policies for 1 entry"}));
  // The dangling roleRef of `leftover` is already K8S-RBAC-017: not repeated as a warning.
  EXPECT_TRUE(notes_of(result, report::NoteKind::kWarning).empty());
  // The mode is API_AND_CONFIG_MAP and aws-auth still maps people.
  const Finding* unfinished = find(result, "EKS-AUTH-002");
  ASSERT_NE(unfinished, nullptr);
  EXPECT_EQ(unfinished->file(), kCluster + "/cluster.json");
  EXPECT_EQ(unfinished->position.line, 5u);
  EXPECT_EQ(unfinished->position.column, 44u);
  EXPECT_EQ(unfinished->resource().kind, "Cluster");
}

TEST(ScannerNotesTest, AccessEntriesAloneAskForTheRest) {
  const report::ScanResult result =
      Scanner(ScanOptions{}).scan_paths({kCluster + "/access-entry-ops.json"});
  const auto missing = notes_of(result, report::NoteKind::kMissingInput);
  ASSERT_FALSE(missing.empty());
  EXPECT_TRUE(missing[0].starts_with("aws eks describe-cluster")) << missing[0];
  EXPECT_TRUE(std::any_of(missing.begin(), missing.end(), [](const std::string& m) {
    return m.find("configmap aws-auth") != std::string::npos;
  }));
}

TEST(ScannerNotesTest, DuplicateRbacObjectsAreWarningsWithPositions) {
  const report::ScanResult result = Scanner(ScanOptions{})
                                        .scan_text(
                                            R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: app}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: app}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: app
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/app"}
)",
                                            "chart.yaml");
  ASSERT_EQ(result.notes.size(), 1u);
  const report::Note& warning = result.notes[0];
  EXPECT_EQ(warning.kind, report::NoteKind::kWarning);
  EXPECT_EQ(warning.file, "chart.yaml");
  EXPECT_EQ(warning.line, 6u);
  EXPECT_NE(warning.message.find("appears twice"), std::string::npos);
  // A plain manifest scan (RBAC objects, an IRSA annotation) is not asked for AWS exports.
  EXPECT_TRUE(notes_of(result, report::NoteKind::kMissingInput).empty());
}

TEST(ScannerNotesTest, PlainManifestsHaveNoNotes) {
  const report::ScanResult result =
      Scanner(ScanOptions{}).scan_paths({kSource + "/examples/insecure-workloads"});
  EXPECT_TRUE(result.notes.empty());
}

TEST(ScannerNotesTest, EksctlClusterConfigIsAnIdentityInput) {
  const std::string file = kSource + "/tests/identity/data/eksctl/cluster-config-defaults.yaml";
  const report::ScanResult result = Scanner(ScanOptions{}).scan_paths({file});
  EXPECT_TRUE(result.errors.empty());  // not "not a Kubernetes object", no shape errors
  const Finding* bootstrap = find(result, "EKS-AUTH-003");
  ASSERT_NE(bootstrap, nullptr);
  EXPECT_EQ(bootstrap->file(), file);
  EXPECT_EQ(bootstrap->position.line, 1u);
  EXPECT_EQ(bootstrap->resource().kind, "ClusterConfig");
  EXPECT_EQ(bootstrap->severity, Severity::kMedium);

  const std::string entries = kSource + "/tests/identity/data/eksctl/cluster-config.yaml";
  const report::ScanResult declared = Scanner(ScanOptions{}).scan_paths({entries});
  EXPECT_TRUE(declared.errors.empty());
  const Finding* admin = find(declared, "EKS-AE-001");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->file(), entries);
  EXPECT_EQ(admin->position.line, 13u);
  EXPECT_EQ(admin->path, "accessConfig.accessEntries[0].accessPolicies[0]");
  EXPECT_EQ(notes_of(declared, report::NoteKind::kMissingInput),
            (std::vector<std::string>{"kubectl -n kube-system get configmap aws-auth -o yaml"}));
}

TEST(ScannerNotesTest, ClusterCreatorOptionReachesTheCheck) {
  testing::TempDir dir;
  const std::string cluster = (dir.path() / "cluster.json").string();
  std::ofstream(cluster) << R"({"cluster": {"name": "prod", "accessConfig": {
    "authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": true}}})";
  std::ofstream(dir.path() / "policies.json")
      << R"({"principalArn": "arn:aws:iam::111122223333:role/Creator",
    "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
      "accessScope": {"type": "cluster"}}]})";
  EXPECT_NE(find(Scanner(ScanOptions{}).scan_paths({dir.path().string()}), "EKS-AUTH-003"),
            nullptr);
  ScanOptions options;
  options.cluster_creator = "arn:aws:iam::111122223333:role/Creator";
  // The creator's entry has no admin policy any more.
  EXPECT_EQ(find(Scanner(options).scan_paths({dir.path().string()}), "EKS-AUTH-003"), nullptr);
}

}  // namespace
}  // namespace eksguard::scan
