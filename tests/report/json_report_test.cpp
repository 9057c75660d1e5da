// The `scan --format json` contract of PRODUCT.md, read back with simdjson.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "report/report.h"
#include "report_fixtures.h"

namespace eksguard::report {
namespace {

using testing::parse_json;
using testing::render;
using testing::sample_result;

std::string str(simdjson::dom::element element) {
  return std::string(std::string_view(element));
}

std::set<std::string> keys(simdjson::dom::object object) {
  std::set<std::string> names;
  for (auto field : object) names.insert(std::string(field.key));
  return names;
}

TEST(JsonReportTest, ToolAndTopLevelShape) {
  simdjson::dom::parser parser;
  const std::string text = render(Format::kJson, sample_result());
  simdjson::dom::element doc = parse_json(parser, text);
  // PRODUCT.md's keys, plus "notes".
  EXPECT_EQ(keys(doc), (std::set<std::string>{"tool", "findings", "errors", "notes", "summary"}));
  EXPECT_EQ(str(doc["tool"]["name"]), "eksguard");
  EXPECT_EQ(str(doc["tool"]["version"]), EKSGUARD_VERSION);
  EXPECT_EQ(text.back(), '\n');
}

TEST(JsonReportTest, FindingCarriesEveryContractField) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render(Format::kJson, sample_result()));
  simdjson::dom::element finding = doc["findings"].at(0);
  EXPECT_EQ(keys(finding),
            (std::set<std::string>{"check_id", "title", "severity", "message", "resource",
                                   "location", "path", "standards", "remediation", "suppressed"}));
  EXPECT_EQ(str(finding["check_id"]), "PSS-PRIVILEGED");
  EXPECT_EQ(str(finding["title"]), check_info(CheckId::kPssPrivileged).title);
  EXPECT_EQ(str(finding["severity"]), "critical");
  EXPECT_EQ(str(finding["message"]),
            "container \"app\" must not set securityContext.privileged=true");
  EXPECT_EQ(str(finding["resource"]["apiVersion"]), "apps/v1");
  EXPECT_EQ(str(finding["resource"]["kind"]), "Deployment");
  EXPECT_EQ(str(finding["resource"]["namespace"]), "default");
  EXPECT_EQ(str(finding["resource"]["name"]), "web");
  EXPECT_EQ(str(finding["location"]["file"]), "k8s/web.yaml");
  EXPECT_EQ(uint64_t(finding["location"]["line"]), 12u);
  EXPECT_EQ(uint64_t(finding["location"]["column"]), 7u);
  EXPECT_EQ(str(finding["path"]), "spec.template.spec.containers[0].securityContext.privileged");
  EXPECT_EQ(str(finding["standards"]["pss"]), "privileged");
  EXPECT_EQ(str(finding["standards"]["pss_level"]), "baseline");
  EXPECT_EQ(str(finding["standards"]["cis_eks"]), "4.2.1");
  EXPECT_EQ(str(finding["standards"]["eks_bpg"]), "Security > Pod Security");
  EXPECT_EQ(str(finding["remediation"]), check_info(CheckId::kPssPrivileged).remediation);
  EXPECT_FALSE(bool(finding["suppressed"]));
}

TEST(JsonReportTest, StandardsListOnlyTheMappedKeys) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render(Format::kJson, sample_result()));
  simdjson::dom::array findings = doc["findings"];
  ASSERT_EQ(findings.size(), 6u);
  EXPECT_EQ(keys(findings.at(3)["standards"]), (std::set<std::string>{"cis_eks", "eks_bpg"}));
  EXPECT_EQ(keys(findings.at(1)["standards"]),
            (std::set<std::string>{"pss", "pss_level", "eks_bpg"}));
  EXPECT_TRUE(keys(findings.at(5)["standards"]).empty());  // CFG-EXCEPTION-UNUSED maps to none
}

TEST(JsonReportTest, SuppressedFindingsAreIncludedWithTheirReason) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render(Format::kJson, sample_result()));
  simdjson::dom::element latest = doc["findings"].at(2);
  EXPECT_EQ(str(latest["check_id"]), "EKS-POD-011");
  EXPECT_TRUE(bool(latest["suppressed"]));
  EXPECT_EQ(str(latest["suppression"]), testing::kSuppressionReason);
  for (size_t i : {0, 1, 3, 4, 5}) {
    EXPECT_FALSE(bool(doc["findings"].at(i)["suppressed"]));
    EXPECT_EQ(doc["findings"].at(i)["suppression"].error(), simdjson::NO_SUCH_FIELD);
  }
}

TEST(JsonReportTest, SeverityIsTheFindingsAndNoteExplainsTheChange) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render(Format::kJson, sample_result()));
  simdjson::dom::element host = doc["findings"].at(4);
  EXPECT_EQ(str(host["check_id"]), "PSS-HOST-NAMESPACES");
  EXPECT_EQ(str(host["severity"]), "low");  // the catalog says high
  EXPECT_EQ(str(host["note"]), testing::kNote);
  EXPECT_EQ(doc["findings"].at(0)["note"].error(), simdjson::NO_SUCH_FIELD);
}

TEST(JsonReportTest, ErrorsNameFilePositionAndMessage) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render(Format::kJson, sample_result()));
  simdjson::dom::array errors = doc["errors"];
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(keys(errors.at(0)), (std::set<std::string>{"file", "line", "column", "message"}));
  EXPECT_EQ(str(errors.at(0)["file"]), "broken.yaml");
  EXPECT_EQ(uint64_t(errors.at(0)["line"]), 3u);
  EXPECT_EQ(uint64_t(errors.at(0)["column"]), 1u);
  EXPECT_EQ(str(errors.at(0)["message"]), "did not find expected key");
  EXPECT_EQ(str(errors.at(1)["file"]), "-");
}

TEST(JsonReportTest, SummaryCountsUnsuppressedFindingsByEverySeverity) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render(Format::kJson, sample_result()));
  simdjson::dom::element summary = doc["summary"];
  EXPECT_EQ(uint64_t(summary["resources"]), 7u);
  EXPECT_EQ(uint64_t(summary["findings"]), 5u);
  EXPECT_EQ(uint64_t(summary["suppressed"]), 1u);
  simdjson::dom::element by = summary["by_severity"];
  EXPECT_EQ(keys(by), (std::set<std::string>{"critical", "high", "medium", "low", "info"}));
  EXPECT_EQ(uint64_t(by["critical"]), 1u);
  EXPECT_EQ(uint64_t(by["high"]), 0u);
  EXPECT_EQ(uint64_t(by["medium"]), 1u);
  EXPECT_EQ(uint64_t(by["low"]), 2u);
  EXPECT_EQ(uint64_t(by["info"]), 1u);
}

TEST(JsonReportTest, EmptyScanStillHasEveryKey) {
  ScanResult empty;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render(Format::kJson, empty));
  EXPECT_EQ(simdjson::dom::array(doc["findings"]).size(), 0u);
  EXPECT_EQ(simdjson::dom::array(doc["errors"]).size(), 0u);
  EXPECT_EQ(simdjson::dom::array(doc["notes"]).size(), 0u);
  EXPECT_EQ(uint64_t(doc["summary"]["findings"]), 0u);
  EXPECT_EQ(keys(doc["summary"]["by_severity"]).size(), 5u);
}

TEST(JsonReportTest, NotesHaveKindPositionAndMessage) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc =
      parse_json(parser, render(Format::kJson, testing::sample_with_notes()));
  simdjson::dom::array notes = doc["notes"];
  ASSERT_EQ(notes.size(), 2u);
  simdjson::dom::element missing = notes.at(0);
  EXPECT_EQ(keys(missing), (std::set<std::string>{"kind", "file", "line", "column", "message"}));
  EXPECT_EQ(str(missing["kind"]), "missing-input");
  EXPECT_EQ(str(missing["file"]), "");
  EXPECT_EQ(uint64_t(missing["line"]), 0u);
  EXPECT_EQ(str(missing["message"]), "kubectl -n kube-system get configmap aws-auth -o yaml");
  simdjson::dom::element warning = notes.at(1);
  EXPECT_EQ(str(warning["kind"]), "warning");
  EXPECT_EQ(str(warning["file"]), "rbac/roles.yaml");
  EXPECT_EQ(uint64_t(warning["line"]), 12u);
  EXPECT_EQ(uint64_t(warning["column"]), 1u);
  // Notes are neither errors nor findings.
  EXPECT_EQ(simdjson::dom::array(doc["errors"]).size(), 2u);
  EXPECT_EQ(uint64_t(doc["summary"]["findings"]), 5u);
}

TEST(JsonReportTest, HostileTextComesBackIntactOrReplaced) {
  ScanResult result;
  const std::string message = "quote \" backslash \\ newline \n tab \t bell \x07 nul " +
                              std::string(1, '\0') + " bad \xC3( \xE2\x9C\x93";
  result.findings.push_back(testing::make_finding(CheckId::kEksSecretLiteralInEnv, "dir/\xFF.yaml",
                                                  1, 1, {"v1", "Pod", "ns\"x", "na\\me"},
                                                  "spec.containers[0].env[0]", message));
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse_json(parser, render(Format::kJson, result));
  simdjson::dom::element finding = doc["findings"].at(0);
  const std::string expected = "quote \" backslash \\ newline \n tab \t bell \x07 nul " +
                               std::string(1, '\0') + " bad \xEF\xBF\xBD( \xE2\x9C\x93";
  EXPECT_EQ(str(finding["message"]), expected);
  EXPECT_EQ(str(finding["location"]["file"]), "dir/\xEF\xBF\xBD.yaml");
  EXPECT_EQ(str(finding["resource"]["namespace"]), "ns\"x");
  EXPECT_EQ(str(finding["resource"]["name"]), "na\\me");
}

TEST(ReportFormatTest, ParsesFormatNamesInAnyCase) {
  EXPECT_EQ(parse_format("json"), Format::kJson);
  EXPECT_EQ(parse_format("SARIF"), Format::kSarif);
  EXPECT_EQ(parse_format("JUnit"), Format::kJunit);
  EXPECT_EQ(parse_format("text"), Format::kText);
  EXPECT_EQ(parse_format("yaml"), std::nullopt);
  EXPECT_EQ(parse_format(""), std::nullopt);
  for (Format format : {Format::kText, Format::kJson, Format::kSarif, Format::kJunit}) {
    EXPECT_EQ(parse_format(to_string(format)), format);
  }
}

}  // namespace
}  // namespace eksguard::report
