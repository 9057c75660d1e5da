// End-to-end tests of `eksguard scan`: the real binary on the bundled examples, checking the
// exit-code and JSON contracts of PRODUCT.md.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "support/test_support.h"

namespace {

using ::eksguard::testing::CommandResult;

CommandResult run(const std::string& args, const std::string& stdin_file = "") {
  return ::eksguard::testing::run_eksguard(args, /*with_stderr=*/false, stdin_file);
}

const std::string kExamples = std::string(EKSGUARD_SOURCE_DIR) + "/examples";

TEST(ScanCommandTest, InsecureExampleFailsWithFindings) {
  const CommandResult result =
      run("scan " + kExamples + "/insecure-workloads --format json --config /dev/null");
  EXPECT_EQ(result.exit_code, 1);
  simdjson::dom::parser parser;
  simdjson::dom::element report;
  ASSERT_EQ(parser.parse(result.out).get(report), simdjson::SUCCESS) << result.out.substr(0, 500);
  EXPECT_EQ(std::string_view(report["tool"]["name"]), "eksguard");
  simdjson::dom::array findings = report["findings"];
  EXPECT_GT(findings.size(), 20u);
  bool saw_pss = false;
  for (simdjson::dom::element finding : findings) {
    std::string_view check = finding["check_id"];
    if (check == "PSS-PRIVILEGED") {
      saw_pss = true;
      EXPECT_EQ(std::string_view(finding["standards"]["pss"]), "privileged");
      EXPECT_GT(int64_t(finding["location"]["line"]), 0);
    }
  }
  EXPECT_TRUE(saw_pss);
  EXPECT_EQ(int64_t(report["summary"]["resources"]), 5);
}

TEST(ScanCommandTest, HardenedExampleIsClean) {
  const CommandResult result =
      run("scan " + kExamples + "/hardened --format json --fail-on info --config /dev/null");
  EXPECT_EQ(result.exit_code, 0) << result.out;
}

TEST(ScanCommandTest, ReadsStdinAndHonoursFailOn) {
  const std::string file = kExamples + "/insecure-workloads/payments.yaml";
  EXPECT_EQ(run("scan - --format json --config /dev/null", file).exit_code, 1);
  EXPECT_EQ(run("scan - --format json --fail-on none --config /dev/null", file).exit_code, 0);
}

TEST(ScanCommandTest, UnreadableInputExitsTwoButStillReports) {
  const CommandResult result =
      run("scan " + kExamples + "/hardened /nonexistent.yaml --format json --config /dev/null");
  EXPECT_EQ(result.exit_code, 2);
  simdjson::dom::parser parser;
  simdjson::dom::element report;
  ASSERT_EQ(parser.parse(result.out).get(report), simdjson::SUCCESS);
  EXPECT_EQ(simdjson::dom::array(report["errors"]).size(), 1u);
  EXPECT_EQ(int64_t(report["summary"]["resources"]), 2);
}

TEST(ScanCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run("scan " + kExamples + " --format yaml").exit_code, 2);
  EXPECT_EQ(run("scan " + kExamples + " --pss-version v2.0").exit_code, 2);
  EXPECT_EQ(run("scan").exit_code, 2);
}

TEST(ScanCommandTest, OlderPolicyVersionDropsNewerChecks) {
  // runAsUser exists from v1.23: the CronJob's runAsUser: 0 is only a finding from then on.
  const std::string file = kExamples + "/insecure-workloads/nightly-report.json";
  const CommandResult v22 =
      run("scan " + file + " --format json --pss-version v1.22 --config /dev/null");
  const CommandResult v23 =
      run("scan " + file + " --format json --pss-version v1.23 --config /dev/null");
  EXPECT_EQ(v22.out.find("PSS-RUN-AS-USER"), std::string::npos);
  EXPECT_NE(v23.out.find("PSS-RUN-AS-USER"), std::string::npos);
}

TEST(ScanCommandTest, NotesDoNotChangeTheExitCode) {
  // An access entry alone: several inputs are missing, its only finding is low (EKS-AE-004
  // needs RBAC, so none at all here).
  const std::string entry =
      std::string(EKSGUARD_SOURCE_DIR) + "/tests/scan/data/cluster/access-entry-ops.json";
  const CommandResult result = run("scan " + entry + " --format json --config /dev/null");
  EXPECT_EQ(result.exit_code, 0) << result.out;
  simdjson::dom::parser parser;
  simdjson::dom::element report;
  ASSERT_EQ(parser.parse(result.out).get(report), simdjson::SUCCESS) << result.out;
  simdjson::dom::array notes = report["notes"];
  ASSERT_GT(notes.size(), 0u);
  EXPECT_EQ(std::string_view(notes.at(0)["kind"]), "missing-input");
  EXPECT_EQ(simdjson::dom::array(report["errors"]).size(), 0u);
  for (const char* format : {"text", "sarif", "junit"})
    EXPECT_EQ(run("scan " + entry + " --format " + format + " --config /dev/null").exit_code, 0)
        << format;
  EXPECT_EQ(run("scan " + entry + " --cluster-creator not-an-arn --config /dev/null").exit_code, 2);
}

}  // namespace

namespace {

TEST(ScanCommandTest, ConfigSetsTheRbacThresholds) {
  const eksguard::testing::TempDir dir;
  const auto write = [&](const std::string& name, std::string_view text) {
    std::ofstream(dir.path() / name) << text;
    return (dir.path() / name).string();
  };
  const std::string manifest = write("bindings.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: a, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
)");
  const std::string config =
      write("config.yaml", "rbac: {rolesPerSubject: 2, subjectsPerNamespace: 1}\n");
  const auto many = [&](const std::string& config_path) {
    const CommandResult result =
        run("scan " + manifest + " --format json --fail-on none --config " + config_path);
    EXPECT_EQ(result.exit_code, 0) << result.out;
    size_t found = 0;
    for (size_t at = result.out.find("\"K8S-RBAC-020\""); at != std::string::npos;
         at = result.out.find("\"K8S-RBAC-020\"", at + 1))
      ++found;
    return found;
  };
  EXPECT_EQ(many("/dev/null"), 0u);
  EXPECT_EQ(many(config), 2u);  // alice's two roles, and dev's one subject
}

}  // namespace
