#include "scan/scanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "scan/config.h"

namespace eksguard::scan {
namespace {

bool has_check(const report::ScanResult& result, std::string_view id, bool suppressed = false) {
  return std::any_of(result.findings.begin(), result.findings.end(), [&](const Finding& f) {
    return f.info().id == id && f.suppressed == suppressed;
  });
}

const Finding* find(const report::ScanResult& result, std::string_view id) {
  for (const Finding& f : result.findings) {
    if (f.info().id == id) return &f;
  }
  return nullptr;
}

constexpr std::string_view kPrivilegedDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.27
        securityContext:
          privileged: true
)";

TEST(ScannerTest, ReportsFindingWithExactLocationAndPath) {
  const Scanner scanner(ScanOptions{});
  const report::ScanResult result = scanner.scan_text(kPrivilegedDeployment, "web.yaml");
  EXPECT_EQ(result.resources, 1u);
  EXPECT_TRUE(result.errors.empty());
  const Finding* finding = find(result, "PSS-PRIVILEGED");
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->file(), "web.yaml");
  EXPECT_EQ(finding->position.line, 13u);
  EXPECT_EQ(finding->path, "spec.template.spec.containers[0].securityContext.privileged");
  EXPECT_EQ(finding->resource().kind, "Deployment");
  EXPECT_EQ(finding->resource().namespace_, "shop");
  EXPECT_EQ(finding->severity, Severity::kCritical);
}

TEST(ScannerTest, SplitsListsAndKeepsItemPaths) {
  const std::string list = R"({"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"},
     "spec": {"containers": [{"name": "c", "image": "x:1", "securityContext": {"privileged": true}}]}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}]})";
  const report::ScanResult result = Scanner(ScanOptions{}).scan_text(list, "dump.json");
  EXPECT_EQ(result.resources, 2u);
  const Finding* finding = find(result, "PSS-PRIVILEGED");
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->path, "items[0].spec.containers[0].securityContext.privileged");
  EXPECT_EQ(finding->position.line, 3u);
}

TEST(ScannerTest, BadDocumentsAreErrorsAndTheRestIsScanned) {
  const std::string text =
      std::string(kPrivilegedDeployment) +
      "---\nkind: [broken\n---\n- just a list\n---\napiVersion: v1\nkind: Pod\n"
      "metadata: {name: p}\nspec: {containers: \"oops\"}\n---\n" +
      std::string(kPrivilegedDeployment);
  const report::ScanResult result = Scanner(ScanOptions{}).scan_text(text, "mixed.yaml");
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].line, 16u);  // the unclosed flow sequence ends at the next "---"
  EXPECT_NE(result.errors[1].message.find("found a list"), std::string::npos);
  EXPECT_NE(result.errors[2].message.find("containers must be a list"), std::string::npos);
  EXPECT_EQ(std::count_if(result.findings.begin(), result.findings.end(),
                          [](const Finding& f) { return f.info().id == "PSS-PRIVILEGED"; }),
            2);
}

TEST(ScannerTest, AnnotationSuppressesWithReasonAndFlagsUnknownIds) {
  std::string text(kPrivilegedDeployment);
  text.replace(text.find("  namespace: shop\n"), 0,
               "  annotations:\n    eksguard.io/ignore: \"PSS-PRIVILEGED, NOT-A-CHECK; needs raw "
               "devices\"\n");
  const report::ScanResult result = Scanner(ScanOptions{}).scan_text(text, "web.yaml");
  const Finding* finding = find(result, "PSS-PRIVILEGED");
  ASSERT_NE(finding, nullptr);
  EXPECT_TRUE(finding->suppressed);
  EXPECT_NE(finding->suppression().find("needs raw devices"), std::string::npos);
  const Finding* unknown = find(result, "CFG-EXCEPTION-UNUSED");
  ASSERT_NE(unknown, nullptr);
  EXPECT_NE(unknown->message.find("NOT-A-CHECK"), std::string::npos);
}

TEST(ScannerTest, PodTemplateAnnotationSuppressesToo) {
  std::string text(kPrivilegedDeployment);
  text.replace(text.find("    spec:\n      containers"), 0,
               "    metadata:\n      annotations:\n        eksguard.io/ignore: all\n");
  const report::ScanResult result = Scanner(ScanOptions{}).scan_text(text, "web.yaml");
  ASSERT_FALSE(result.findings.empty());
  for (const Finding& f : result.findings) EXPECT_TRUE(f.suppressed) << f.info().id;
}

TEST(ScannerTest, ConfigExceptionsSuppressExpireAndReportUnused) {
  auto config = parse_config(R"(exceptions:
  - checks: [PSS-PRIVILEGED]
    namespaces: ["sh*"]
    reason: reviewed
    expires: 2099-01-01
  - checks: [PSS-HOST-PORTS]
    names: [nothing-matches]
  - checks: ["*"]
    kinds: [Deployment]
    expires: 2001-01-01
)",
                             ".eksguard.yaml");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  ScanOptions options;
  options.exceptions = config->exceptions;
  options.today = Date{2026, 11, 26};
  const report::ScanResult result =
      Scanner(std::move(options)).scan_text(kPrivilegedDeployment, "web.yaml");
  EXPECT_TRUE(has_check(result, "PSS-PRIVILEGED", /*suppressed=*/true));
  const Finding* expired = find(result, "CFG-EXCEPTION-EXPIRED");
  ASSERT_NE(expired, nullptr);
  EXPECT_EQ(expired->position.line, 8u);
  EXPECT_EQ(expired->file(), ".eksguard.yaml");
  const Finding* unused = find(result, "CFG-EXCEPTION-UNUSED");
  ASSERT_NE(unused, nullptr);
  EXPECT_EQ(unused->position.line, 6u);
}

TEST(ConfigTest, ErrorsNameFileLineAndExpectation) {
  auto bad_key = parse_config("pss:\n  level: strict\n", "cfg.yaml");
  ASSERT_FALSE(bad_key.has_value());
  EXPECT_NE(bad_key.error().message.find("cfg.yaml:2:10"), std::string::npos)
      << bad_key.error().message;
  auto bad_check = parse_config("exceptions:\n  - checks: [PSS-NOPE]\n", "cfg.yaml");
  ASSERT_FALSE(bad_check.has_value());
  EXPECT_NE(bad_check.error().message.find("PSS-NOPE"), std::string::npos);
  auto bad_date = parse_config("exceptions:\n  - expires: tomorrow\n", "cfg.yaml");
  ASSERT_FALSE(bad_date.has_value());
  EXPECT_NE(bad_date.error().message.find("YYYY-MM-DD"), std::string::npos);
}

TEST(ConfigTest, ReadsEveryField) {
  auto config = parse_config(R"(pss: {level: baseline, version: v1.25}
failOn: none
allowedRegistries: [a.example.com, b.example.com]
systemComponents: enforce
rbac: {rolesPerSubject: 6, subjectsPerNamespace: 12}
)",
                             "cfg.yaml");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->pss_level, pss::Level::kBaseline);
  EXPECT_EQ(config->pss_version, 25);
  ASSERT_TRUE(config->fail_on.has_value());
  EXPECT_FALSE(config->fail_on->enabled);
  EXPECT_EQ(config->allowed_registries.size(), 2u);
  EXPECT_EQ(config->enforce_system_components, true);
  EXPECT_EQ(config->rbac_roles_per_subject, 6u);
  EXPECT_EQ(config->rbac_subjects_per_namespace, 12u);
}

TEST(ConfigTest, RbacThresholdsAreWholeNumbers) {
  for (std::string_view bad :
       {"rbac: {rolesPerSubject: 0}\n", "rbac: {rolesPerSubject: 2.5}\n",
        "rbac: {subjectsPerNamespace: \"5\"}\n", "rbac: {manyRoles: 3}\n", "rbac: 4\n"}) {
    auto config = parse_config(bad, "cfg.yaml");
    ASSERT_FALSE(config.has_value()) << bad;
    EXPECT_NE(config.error().message.find("cfg.yaml:1:"), std::string::npos)
        << config.error().message;
    EXPECT_NE(config.error().message.find("rbac"), std::string::npos) << config.error().message;
  }
}

TEST(WildcardTest, Matches) {
  EXPECT_TRUE(wildcard_match("node-*", "node-exporter"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXbYc"));
  EXPECT_FALSE(wildcard_match("a*b", "aXc"));
  EXPECT_FALSE(wildcard_match("prod", "production"));
}

TEST(ScannerTest, WalksDirectoriesAndReportsMissingPaths) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "eksguard-scan-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "nested" / ".git");
  std::ofstream(dir / "nested" / "web.yaml") << kPrivilegedDeployment;
  std::ofstream(dir / "nested" / ".git" / "ignored.yaml") << kPrivilegedDeployment;
  std::ofstream(dir / "README.md") << "# not a manifest\n";
  std::ofstream(dir / ".eksguard.yaml") << "failOn: high\n";
  const report::ScanResult result =
      Scanner(ScanOptions{}).scan_paths({dir.string(), (dir / "missing.yaml").string()});
  EXPECT_EQ(result.resources, 1u);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].message.find("no such file"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace eksguard::scan

namespace eksguard::scan {
namespace {

TEST(ScannerTest, ServiceAccountInTheInputsSettlesTokenAutomount) {
  constexpr std::string_view kPod = R"(apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  serviceAccountName: web
  containers: [{name: c, image: "x:1"}]
)";
  const std::string quiet =
      std::string(kPod) +
      "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n"
      "automountServiceAccountToken: false\n";
  const std::string other_namespace =
      std::string(kPod) +
      "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, "
      "namespace: other}\nautomountServiceAccountToken: false\n";
  const Scanner scanner(ScanOptions{});
  EXPECT_TRUE(has_check(scanner.scan_text(kPod, "p.yaml"), "EKS-POD-001"));
  EXPECT_FALSE(has_check(scanner.scan_text(quiet, "p.yaml"), "EKS-POD-001"));
  EXPECT_TRUE(has_check(scanner.scan_text(other_namespace, "p.yaml"), "EKS-POD-001"));
}

}  // namespace
}  // namespace eksguard::scan

namespace eksguard::scan {
namespace {

TEST(ScannerTest, ApiListResponsesWithoutApiVersionOrItemKinds) {
  // As the Kubernetes API clients serialise a PodList: no apiVersion, items without kind.
  const std::string list = R"({"kind": "PodList", "items": [
    {"metadata": {"name": "a", "namespace": "x"},
     "spec": {"containers": [{"name": "c", "image": "x:1", "securityContext": {"privileged": true}}]}}]})";
  const report::ScanResult result = Scanner(ScanOptions{}).scan_text(list, "pods.json");
  EXPECT_TRUE(result.errors.empty());
  const Finding* finding = find(result, "PSS-PRIVILEGED");
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->resource().kind, "Pod");
  EXPECT_EQ(finding->path, "items[0].spec.containers[0].securityContext.privileged");
}

}  // namespace
}  // namespace eksguard::scan

namespace eksguard::scan {
namespace {

TEST(ScannerTest, FieldsOfTheWrongTypeAreInputErrorsAndTheRestIsChecked) {
  constexpr std::string_view kPod = R"(apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  hostPID: true
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: "true"
)";
  const report::ScanResult result = Scanner(ScanOptions{}).scan_text(kPod, "p.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 10u);
  EXPECT_NE(result.errors[0].message.find("privileged must be a boolean, found a string"),
            std::string::npos)
      << result.errors[0].message;
  EXPECT_TRUE(has_check(result, "PSS-HOST-NAMESPACES"));
}

}  // namespace
}  // namespace eksguard::scan
