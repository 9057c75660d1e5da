// SARIF 2.1.0 structure as the schema and GitHub code scanning require it. The full schema
// validation runs outside the unit tests: tools/validate-sarif.sh (it validates the documents
// these tests write to $EKSGUARD_SARIF_DUMP_DIR).
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "report/report.h"
#include "report_fixtures.h"

namespace eksguard::report {
namespace {

using testing::make_finding;
using testing::parse_json;
using testing::render;
using testing::sample_result;

std::string str(simdjson::dom::element element) {
  return std::string(std::string_view(element));
}

bool has(simdjson::dom::element object, std::string_view key) {
  return object[key].error() == simdjson::SUCCESS;
}

// Renders SARIF and, when $EKSGUARD_SARIF_DUMP_DIR is set, keeps a copy for the validator.
std::string render_sarif(const ScanResult& result, const std::string& name) {
  std::string text = render(Format::kSarif, result);
  if (const char* dir = std::getenv("EKSGUARD_SARIF_DUMP_DIR"); dir != nullptr && *dir != '\0') {
    std::ofstream(std::filesystem::path(dir) / (name + ".sarif")) << text;
  }
  return text;
}

class SarifReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = render_sarif(sample_result(), "sample");
    doc_ = parse_json(parser_, text_);
    run_ = doc_["runs"].at(0);
  }
  simdjson::dom::element result(size_t i) { return run_["results"].at(i); }
  simdjson::dom::element rule_of(simdjson::dom::element result) {
    return run_["tool"]["driver"]["rules"].at(uint64_t(result["ruleIndex"]));
  }

  simdjson::dom::parser parser_;
  std::string text_;
  simdjson::dom::element doc_;
  simdjson::dom::element run_;
};

TEST_F(SarifReportTest, LogHasSchemaVersionAndOneRun) {
  EXPECT_EQ(str(doc_["version"]), "2.1.0");
  EXPECT_TRUE(str(doc_["$schema"]).starts_with("https://"));
  EXPECT_EQ(simdjson::dom::array(doc_["runs"]).size(), 1u);
  simdjson::dom::element driver = run_["tool"]["driver"];
  EXPECT_EQ(str(driver["name"]), "eksguard");
  EXPECT_EQ(str(driver["version"]), EKSGUARD_VERSION);
}

TEST_F(SarifReportTest, RulesAreTheChecksThatFiredInCatalogOrder) {
  std::vector<std::string> ids;
  for (simdjson::dom::element rule : simdjson::dom::array(run_["tool"]["driver"]["rules"])) {
    ids.push_back(str(rule["id"]));
  }
  EXPECT_EQ(
      ids, (std::vector<std::string>{"PSS-PRIVILEGED", "PSS-HOST-NAMESPACES", "PSS-RUN-AS-NON-ROOT",
                                     "EKS-POD-002", "EKS-POD-011", "CFG-EXCEPTION-UNUSED"}));
}

TEST_F(SarifReportTest, EveryResultsRuleIndexPointsAtItsRule) {
  simdjson::dom::array results = run_["results"];
  ASSERT_EQ(results.size(), 6u);
  for (simdjson::dom::element r : results) {
    EXPECT_EQ(str(rule_of(r)["id"]), str(r["ruleId"]));
  }
}

TEST_F(SarifReportTest, RuleCarriesDescriptionsHelpLevelAndSecuritySeverity) {
  simdjson::dom::element rule = rule_of(result(0));
  const CheckInfo& info = check_info(CheckId::kPssPrivileged);
  EXPECT_EQ(str(rule["name"]), "PrivilegedContainer");
  EXPECT_EQ(str(rule["shortDescription"]["text"]), info.title);
  EXPECT_TRUE(str(rule["fullDescription"]["text"]).starts_with(info.title));
  EXPECT_NE(str(rule["fullDescription"]["text"]).find("CIS Amazon EKS Benchmark 4.2.1"),
            std::string::npos);
  EXPECT_EQ(str(rule["help"]["text"]), info.remediation);
  EXPECT_NE(str(rule["help"]["markdown"]).find(info.remediation), std::string::npos);
  EXPECT_EQ(str(rule["defaultConfiguration"]["level"]), "error");
  EXPECT_EQ(str(rule["properties"]["security-severity"]), "9.5");
  EXPECT_EQ(str(rule["properties"]["precision"]), "high");
  std::vector<std::string> tags;
  for (simdjson::dom::element tag : simdjson::dom::array(rule["properties"]["tags"])) {
    tags.push_back(str(tag));
  }
  EXPECT_EQ(tags, (std::vector<std::string>{"security", "pod-security", "pss-baseline"}));
}

TEST_F(SarifReportTest, SecuritySeverityIsANumberMatchingTheRulesSeverity) {
  const std::pair<Severity, double> ranges[] = {{Severity::kCritical, 9.0},
                                                {Severity::kHigh, 7.0},
                                                {Severity::kMedium, 4.0},
                                                {Severity::kLow, 0.1},
                                                {Severity::kInfo, 0.0}};
  for (simdjson::dom::element rule : simdjson::dom::array(run_["tool"]["driver"]["rules"])) {
    const std::string value = str(rule["properties"]["security-severity"]);
    char* end = nullptr;
    const double score = std::strtod(value.c_str(), &end);
    ASSERT_EQ(*end, '\0') << value;
    const Severity severity = check_info(*find_check(str(rule["id"]))).severity;
    for (auto [s, minimum] : ranges) {
      if (s == severity) {
        EXPECT_GE(score, minimum) << str(rule["id"]);
      }
    }
    EXPECT_LE(score, 10.0);
    for (char c : str(rule["name"])) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
  }
}

TEST_F(SarifReportTest, ResultLevelFollowsTheFindingsSeverity) {
  EXPECT_EQ(str(result(0)["level"]), "error");    // critical
  EXPECT_EQ(str(result(1)["level"]), "warning");  // medium
  EXPECT_EQ(str(result(4)["level"]), "note");     // high lowered to low by policy
  EXPECT_EQ(str(result(5)["level"]), "note");     // info
  EXPECT_EQ(str(result(4)["properties"]["severity"]), "low");
  EXPECT_EQ(str(result(4)["properties"]["note"]), testing::kNote);
}

TEST_F(SarifReportTest, LocationIsRelativeToSourceRootWithRegion) {
  simdjson::dom::element r = result(0);
  EXPECT_EQ(str(r["message"]["text"]),
            "container \"app\" must not set securityContext.privileged=true");
  simdjson::dom::element physical = r["locations"].at(0)["physicalLocation"];
  EXPECT_EQ(str(physical["artifactLocation"]["uri"]), "k8s/web.yaml");
  EXPECT_EQ(str(physical["artifactLocation"]["uriBaseId"]), "%SRCROOT%");
  EXPECT_EQ(uint64_t(physical["region"]["startLine"]), 12u);
  EXPECT_EQ(uint64_t(physical["region"]["startColumn"]), 7u);
  EXPECT_EQ(str(r["properties"]["path"]),
            "spec.template.spec.containers[0].securityContext.privileged");
}

TEST_F(SarifReportTest, UriIsPercentEncoded) {
  simdjson::dom::element physical = result(3)["locations"].at(0)["physicalLocation"];
  EXPECT_EQ(str(physical["artifactLocation"]["uri"]), "k8s/jobs/batch%20job.yaml");
}

TEST_F(SarifReportTest, RegionIsOmittedWithoutALine) {
  simdjson::dom::element physical = result(5)["locations"].at(0)["physicalLocation"];
  EXPECT_EQ(str(physical["artifactLocation"]["uri"]), ".eksguard.yaml");
  EXPECT_FALSE(has(physical, "region"));
}

TEST_F(SarifReportTest, LogicalLocationNamesTheResource) {
  simdjson::dom::element logical = result(0)["locations"].at(0)["logicalLocations"].at(0);
  EXPECT_EQ(str(logical["name"]), "web");
  EXPECT_EQ(str(logical["fullyQualifiedName"]), "Deployment/default/web");
  EXPECT_EQ(str(logical["kind"]), "resource");
  simdjson::dom::element cluster_scoped = result(5)["locations"].at(0)["logicalLocations"].at(0);
  EXPECT_EQ(str(cluster_scoped["fullyQualifiedName"]), "ClusterRole/viewer");
}

TEST_F(SarifReportTest, SuppressedResultsCarryASuppression) {
  simdjson::dom::element suppressed = result(2);
  ASSERT_TRUE(has(suppressed, "suppressions"));
  simdjson::dom::element suppression = suppressed["suppressions"].at(0);
  EXPECT_EQ(str(suppression["kind"]), "inSource");  // an annotation in the manifest
  EXPECT_EQ(str(suppression["status"]), "accepted");
  EXPECT_EQ(str(suppression["justification"]), testing::kSuppressionReason);
  for (size_t i : {0, 1, 3, 4, 5}) EXPECT_FALSE(has(result(i), "suppressions")) << i;
}

TEST(SarifReportSuppressionTest, ExceptionFileSuppressionsAreExternal) {
  ScanResult input;
  Finding finding =
      make_finding(CheckId::kEksMissingLimits, "a.yaml", 1, 1, testing::kWeb, "spec", "no limits");
  finding.suppressed = true;
  finding.set_suppression("exceptions.yaml:4: batch jobs are sized by the scheduler");
  input.findings.push_back(finding);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render_sarif(input, "external-suppression"));
  simdjson::dom::element suppression = doc["runs"].at(0)["results"].at(0)["suppressions"].at(0);
  EXPECT_EQ(str(suppression["kind"]), "external");
}

TEST_F(SarifReportTest, InputErrorsBecomeNotificationsAndMarkTheRunIncomplete) {
  simdjson::dom::element invocation = run_["invocations"].at(0);
  EXPECT_FALSE(bool(invocation["executionSuccessful"]));
  simdjson::dom::array notifications = invocation["toolExecutionNotifications"];
  ASSERT_EQ(notifications.size(), 2u);
  simdjson::dom::element first = notifications.at(0);
  EXPECT_EQ(str(first["level"]), "error");
  EXPECT_EQ(str(first["message"]["text"]), "did not find expected key");
  simdjson::dom::element physical = first["locations"].at(0)["physicalLocation"];
  EXPECT_EQ(str(physical["artifactLocation"]["uri"]), "broken.yaml");
  EXPECT_EQ(uint64_t(physical["region"]["startLine"]), 3u);
  simdjson::dom::element stdin_location =
      notifications.at(1)["locations"].at(0)["physicalLocation"];
  EXPECT_EQ(str(stdin_location["artifactLocation"]["uri"]), "stdin");
  EXPECT_FALSE(has(stdin_location["artifactLocation"], "uriBaseId"));
  EXPECT_FALSE(has(stdin_location, "region"));
}

TEST(SarifReportNotesTest, NotesAreNotificationsThatKeepTheRunSuccessful) {
  ScanResult result = testing::sample_with_notes();
  result.errors.clear();
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render_sarif(result, "notes"));
  simdjson::dom::element invocation = doc["runs"].at(0)["invocations"].at(0);
  EXPECT_TRUE(bool(invocation["executionSuccessful"]));
  simdjson::dom::array notifications = invocation["toolExecutionNotifications"];
  ASSERT_EQ(notifications.size(), 2u);
  simdjson::dom::element missing = notifications.at(0);
  EXPECT_EQ(str(missing["level"]), "note");
  EXPECT_EQ(str(missing["properties"]["kind"]), "missing-input");
  EXPECT_FALSE(has(missing, "locations"));
  simdjson::dom::element warning = notifications.at(1);
  EXPECT_EQ(str(warning["level"]), "warning");
  simdjson::dom::element physical = warning["locations"].at(0)["physicalLocation"];
  EXPECT_EQ(str(physical["artifactLocation"]["uri"]), "rbac/roles.yaml");
  EXPECT_EQ(uint64_t(physical["region"]["startLine"]), 12u);
}

TEST(SarifReportRunTest, CleanRunIsSuccessfulWithNoRulesOrResults) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render_sarif(ScanResult{}, "empty"));
  simdjson::dom::element run = doc["runs"].at(0);
  EXPECT_TRUE(bool(run["invocations"].at(0)["executionSuccessful"]));
  EXPECT_FALSE(has(run["invocations"].at(0), "toolExecutionNotifications"));
  EXPECT_EQ(simdjson::dom::array(run["results"]).size(), 0u);
  EXPECT_EQ(simdjson::dom::array(run["tool"]["driver"]["rules"]).size(), 0u);
}

std::string fingerprint_of(const Finding& finding) {
  ScanResult input;
  input.findings.push_back(finding);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render(Format::kSarif, input));
  simdjson::dom::object prints = doc["runs"].at(0)["results"].at(0)["partialFingerprints"];
  EXPECT_EQ(prints.size(), 1u);
  return str(doc["runs"].at(0)["results"].at(0)["partialFingerprints"]["eksguardFinding/v1"]);
}

TEST(SarifReportFingerprintTest, StableWhenLinesMoveDistinctPerCheckResourceAndField) {
  const Finding base = make_finding(CheckId::kPssRunAsNonRoot, "k8s/web.yaml", 14, 9, testing::kWeb,
                                    "spec.containers[0]", "m");
  const std::string print = fingerprint_of(base);
  EXPECT_EQ(print.size(), 16u);
  Finding moved = base;
  moved.position = {40, 3};
  moved.message = "reworded";
  EXPECT_EQ(fingerprint_of(moved), print);

  Finding other_field = base;
  other_field.path = "spec.containers[1]";
  Finding other_check = base;
  other_check.check = CheckId::kPssRunAsUser;
  const auto with_resource = [&base](const std::string& ns, const std::string& name) {
    Subject subject = *base.subject;
    subject.resource.namespace_ = ns;
    subject.resource.name = name;
    Finding copy = base;
    copy.subject = std::make_shared<const Subject>(std::move(subject));
    return copy;
  };
  Finding other_resource = with_resource(base.resource().namespace_, "api");
  Finding other_namespace = with_resource("prod", base.resource().name);
  for (const Finding& f : {other_field, other_check, other_resource, other_namespace}) {
    EXPECT_NE(fingerprint_of(f), print);
  }
}

std::string uri_of(std::string file) {
  ScanResult input;
  input.findings.push_back(
      make_finding(CheckId::kEksMissingLimits, std::move(file), 1, 1, testing::kWeb, "", "m"));
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render(Format::kSarif, input));
  simdjson::dom::element artifact =
      doc["runs"].at(0)["results"].at(0)["locations"].at(0)["physicalLocation"]["artifactLocation"];
  std::string uri = str(artifact["uri"]);
  if (has(artifact, "uriBaseId")) uri = str(artifact["uriBaseId"]) + "|" + uri;
  return uri;
}

TEST(SarifReportUriTest, FilesBecomeUris) {
  EXPECT_EQ(uri_of("./k8s/a.yaml"), "%SRCROOT%|k8s/a.yaml");
  EXPECT_EQ(uri_of("k8s\\win\\a.yaml"), "%SRCROOT%|k8s/win/a.yaml");
  EXPECT_EQ(uri_of("../shared/x y#1%.yaml"), "%SRCROOT%|../shared/x%20y%231%25.yaml");
  EXPECT_EQ(uri_of("d\xC3\xA9p\xC3\xB4t/a:b?.yaml"), "%SRCROOT%|d%C3%A9p%C3%B4t/a%3Ab%3F.yaml");
  EXPECT_EQ(uri_of("/abs/k8s dir/a.yaml"), "file:///abs/k8s%20dir/a.yaml");
  EXPECT_EQ(uri_of("C:\\work\\a.yaml"), "file:///C:/work/a.yaml");
  EXPECT_EQ(uri_of("-"), "stdin");
}

TEST(SarifReportTextTest, HostileMessagesStayValidJson) {
  ScanResult input;
  input.findings.push_back(make_finding(CheckId::kEksSecretLiteralInEnv, "a.yaml", 2, 3,
                                        {"v1", "Pod", "n\xFF", "p\"q"}, "spec\n",
                                        "value \x01\"\\\xE2\x82 leaked"));
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render_sarif(input, "hostile"));
  EXPECT_EQ(str(doc["runs"].at(0)["results"].at(0)["message"]["text"]),
            "value \x01\"\\\xEF\xBF\xBD leaked");
}

}  // namespace
}  // namespace eksguard::report
