// JUnit XML: well-formed (checked by a strict reader), with the counts and test cases CI shows.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "report/report.h"
#include "report/xml_escape.h"
#include "report_fixtures.h"
#include "xml_check.h"

namespace eksguard::report {
namespace {

using testing::make_finding;
using testing::render;
using testing::sample_result;
using testing::XmlElement;
using testing::XmlReader;

XmlElement parse(const std::string& text) {
  XmlReader reader(text);
  std::optional<XmlElement> root = reader.document();
  EXPECT_TRUE(root.has_value()) << reader.error() << "\n" << text;
  return root.value_or(XmlElement{});
}

const XmlElement& suite_of(const XmlElement& root) {
  static const XmlElement kEmpty;
  const XmlElement* suite = root.first("testsuite");
  return suite != nullptr ? *suite : kEmpty;
}

TEST(JunitReportTest, SuiteCountsFindingsErrorsAndSuppressed) {
  const XmlElement root = parse(render(Format::kJunit, sample_result()));
  EXPECT_EQ(root.name, "testsuites");
  EXPECT_EQ(root.attr("tests"), "8");
  EXPECT_EQ(root.attr("failures"), "5");
  EXPECT_EQ(root.attr("errors"), "2");
  EXPECT_EQ(root.attr("skipped"), "1");
  const XmlElement& suite = suite_of(root);
  EXPECT_EQ(suite.attr("name"), "eksguard");
  EXPECT_EQ(suite.attr("tests"), "8");
  EXPECT_EQ(suite.attr("failures"), "5");
  EXPECT_EQ(suite.all("testcase").size(), 8u);
  std::set<std::string> properties;
  for (const XmlElement* property : suite.first("properties")->all("property")) {
    properties.insert(property->attr("name") + "=" + property->attr("value"));
  }
  EXPECT_TRUE(properties.contains("pss.level=restricted"));
  EXPECT_TRUE(properties.contains("pss.version=v1.37"));
  EXPECT_TRUE(properties.contains("resources=7"));
}

TEST(JunitReportTest, OnlyFindingsAtOrAboveFailOnFail) {
  ReportOptions high;
  high.fail_on = Severity::kHigh;
  const XmlElement at_high = parse(render(Format::kJunit, sample_result(), high));
  EXPECT_EQ(at_high.attr("failures"), "1");  // the one critical finding
  size_t failed = 0;
  size_t passed_with_details = 0;
  for (const XmlElement* testcase : suite_of(at_high).all("testcase")) {
    failed += testcase->first("failure") != nullptr ? 1 : 0;
    passed_with_details += testcase->first("system-out") != nullptr ? 1 : 0;
  }
  EXPECT_EQ(failed, 1u);
  EXPECT_EQ(passed_with_details, 4u);

  ReportOptions never;
  never.fail_on = std::nullopt;
  EXPECT_EQ(parse(render(Format::kJunit, sample_result(), never)).attr("failures"), "0");
}

TEST(JunitReportTest, FindingIsAFailedTestCaseNamedAfterCheckAndResource) {
  const XmlElement root = parse(render(Format::kJunit, sample_result()));
  const XmlElement& testcase = *suite_of(root).all("testcase").at(0);
  EXPECT_EQ(testcase.attr("classname"), "Deployment/default/web");
  EXPECT_EQ(testcase.attr("name"), "PSS-PRIVILEGED Privileged container");
  EXPECT_EQ(testcase.attr("file"), "k8s/web.yaml");
  EXPECT_EQ(testcase.attr("line"), "12");
  const XmlElement* failure = testcase.first("failure");
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ(failure->attr("message"),
            "container \"app\" must not set securityContext.privileged=true");
  EXPECT_EQ(failure->attr("type"), "critical");
  EXPECT_NE(failure->text.find("k8s/web.yaml:12:7"), std::string::npos);
  EXPECT_NE(failure->text.find("Remediation: " +
                               std::string(check_info(CheckId::kPssPrivileged).remediation)),
            std::string::npos);
  EXPECT_NE(failure->text.find("Field: spec.template.spec.containers[0].securityContext"),
            std::string::npos);
}

TEST(JunitReportTest, SuppressedFindingIsSkippedAndErrorsAreErrors) {
  const XmlElement root = parse(render(Format::kJunit, sample_result()));
  const auto cases = suite_of(root).all("testcase");
  ASSERT_EQ(cases.size(), 8u);
  const XmlElement* skipped = cases[2]->first("skipped");
  ASSERT_NE(skipped, nullptr);
  EXPECT_EQ(skipped->attr("message"), "suppressed: " + std::string(testing::kSuppressionReason));
  EXPECT_EQ(cases[2]->first("failure"), nullptr);
  EXPECT_EQ(cases[4]->first("failure")->attr("type"), "low");  // lowered by policy
  EXPECT_NE(cases[4]->first("failure")->text.find(testing::kNote), std::string::npos);

  const XmlElement* error = cases[6]->first("error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(cases[6]->attr("name"), "broken.yaml:3:1");
  EXPECT_EQ(error->attr("message"), "did not find expected key");
  EXPECT_EQ(cases[7]->attr("name"), "-");
}

TEST(JunitReportTest, NotesGoToTheSuitesSystemOutNotToTestCases) {
  const XmlElement root = parse(render(Format::kJunit, testing::sample_with_notes()));
  const XmlElement& suite = suite_of(root);
  EXPECT_EQ(suite.attr("tests"), "8");  // 6 findings and 2 errors, as without notes
  EXPECT_EQ(suite.attr("errors"), "2");
  const XmlElement* out = suite.first("system-out");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->text,
            "missing-input: kubectl -n kube-system get configmap aws-auth -o yaml\n"
            "warning: rbac/roles.yaml:12:1: ClusterRole \"viewer\" appears twice; the later one "
            "is used\n");
  EXPECT_EQ(suite_of(parse(render(Format::kJunit, sample_result()))).first("system-out"), nullptr);
}

TEST(JunitReportTest, CleanScanIsOnePassingTestCase) {
  ScanResult clean;
  clean.resources = 3;
  const XmlElement root = parse(render(Format::kJunit, clean));
  EXPECT_EQ(root.attr("tests"), "1");
  EXPECT_EQ(root.attr("failures"), "0");
  const auto cases = suite_of(root).all("testcase");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_TRUE(cases[0]->children.empty());
  EXPECT_NE(cases[0]->attr("name").find("3 resources"), std::string::npos);
}

TEST(JunitReportTest, RepeatedCheckOnOneResourceGetsDistinctNames) {
  ScanResult result;
  for (int i = 0; i < 3; ++i) {
    result.findings.push_back(make_finding(CheckId::kEksMissingLimits, "a.yaml", 5 + i, 3,
                                           testing::kWeb, "spec.containers[0]", "no limits"));
  }
  result.findings[1].path = "spec.containers[1]";
  result.findings.push_back(make_finding(CheckId::kEksMissingLimits, "a.yaml", 9, 3,
                                         testing::kNightly, "spec", "no limits"));
  const XmlElement root = parse(render(Format::kJunit, result));
  const auto cases = suite_of(root).all("testcase");
  ASSERT_EQ(cases.size(), 4u);
  const std::string name = "EKS-POD-014 CPU or memory limit not set";
  EXPECT_EQ(cases[0]->attr("name"), name + " (spec.containers[0])");
  EXPECT_EQ(cases[1]->attr("name"), name + " (spec.containers[1])");
  EXPECT_EQ(cases[2]->attr("name"), name + " (spec.containers[0]) #2");
  EXPECT_EQ(cases[3]->attr("name"), name);  // alone on its resource
}

TEST(JunitReportTest, HostileTextIsEscapedAndStillReadable) {
  ScanResult result;
  const std::string message =
      "<script>&amp; \"quoted\" 'single' ]]> tab\tnl\ncr\r bell\x07 "
      "esc\x1b bad\xC3( ok\xE2\x9C\x93 \xEF\xBF\xBE";
  result.findings.push_back(make_finding(CheckId::kEksSecretLiteralInEnv, "a&b<c>.yaml", 1, 1,
                                         {"v1", "Pod", "n\"s", "p<o>d&"}, "spec", message));
  result.findings[0].set_note("]]> <!-- --> &lt;");
  result.errors.push_back({"x\x01.yaml", 1, 2, "bad </testsuite> \xFF"});
  const XmlElement root = parse(render(Format::kJunit, result));
  const auto cases = suite_of(root).all("testcase");
  ASSERT_EQ(cases.size(), 2u);
  ASSERT_NE(cases[0]->first("failure"), nullptr);
  ASSERT_NE(cases[1]->first("error"), nullptr);
  const std::string r = "\xEF\xBF\xBD";
  const std::string expected = "<script>&amp; \"quoted\" 'single' ]]> tab\tnl\ncr\r bell" + r +
                               " esc" + r + " bad" + r + "( ok\xE2\x9C\x93 " + r;
  EXPECT_EQ(cases[0]->first("failure")->attr("message"), expected);
  EXPECT_NE(cases[0]->first("failure")->text.find(expected), std::string::npos);
  EXPECT_EQ(cases[0]->attr("classname"), "Pod/n\"s/p<o>d&");
  EXPECT_EQ(cases[0]->attr("file"), "a&b<c>.yaml");
  EXPECT_EQ(cases[1]->first("error")->attr("message"), "bad </testsuite> " + r);
  EXPECT_EQ(cases[1]->attr("file"), "x" + r + ".yaml");
}

TEST(ReportXmlEscapeTest, AttributesKeepWhitespaceAsReferences) {
  std::string out;
  append_xml_attribute(out, "a\tb\nc\rd \"e\" 'f' <g> &h");
  EXPECT_EQ(out, "a&#9;b&#10;c&#13;d &quot;e&quot; &apos;f&apos; &lt;g&gt; &amp;h");
  out.clear();
  append_xml_text(out, "a\tb\nc\rd \"e\" <g> &h ]]>");
  EXPECT_EQ(out, "a\tb\nc&#13;d \"e\" &lt;g&gt; &amp;h ]]&gt;");
}

TEST(ReportXmlEscapeTest, ReplacesCharactersXmlCannotHold) {
  std::string out;
  append_xml_text(out, std::string("\0\x01\x1f\x7f", 4) + "\xEF\xBF\xBF\xED\xA0\x80");
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(out, r + r + r + "\x7f" + r + r + r + r);
}

}  // namespace
}  // namespace eksguard::report
