// The terminal table: rows, remediation lines, suppressed findings, errors, summary, colours.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "report/report.h"
#include "report_fixtures.h"

namespace eksguard::report {
namespace {

using testing::render;
using testing::sample_result;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) result.push_back(line);
  return result;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Removes ANSI SGR sequences (ESC [ ... m).
std::string strip_ansi(const std::string& text) {
  std::string plain;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      i = text.find('m', i);
      if (i == std::string::npos) break;
      continue;
    }
    plain.push_back(text[i]);
  }
  return plain;
}

TEST(TextReportTest, RowShowsLocationSeverityCheckResourceMessageThenFix) {
  const std::vector<std::string> out = lines(render(Format::kText, sample_result()));
  size_t row = 0;
  while (row < out.size() && !out[row].starts_with("k8s/web.yaml:12:7")) ++row;
  ASSERT_LT(row + 1, out.size());
  EXPECT_EQ(out[row],
            "k8s/web.yaml:12:7  CRITICAL  PSS-PRIVILEGED       Deployment/default/web  "
            "container \"app\" must not set securityContext.privileged=true");
  EXPECT_EQ(out[row + 1],
            "    fix: " + std::string(check_info(CheckId::kPssPrivileged).remediation));
}

TEST(TextReportTest, ColumnsAlignWithinAFile) {
  const std::vector<std::string> out = lines(render(Format::kText, sample_result()));
  std::vector<size_t> resource_columns;  // after check ids of different lengths
  std::vector<size_t> message_columns;   // after resources of different lengths
  for (const std::string& line : out) {
    if (line.starts_with("k8s/web.yaml")) resource_columns.push_back(line.find("Deployment/"));
    if (line.starts_with(testing::kJobsFile)) message_columns.push_back(line.find("pod "));
  }
  ASSERT_EQ(resource_columns.size(), 2u);
  EXPECT_EQ(resource_columns[0], resource_columns[1]);
  ASSERT_EQ(message_columns.size(), 2u);
  EXPECT_EQ(message_columns[0], message_columns[1]);
  EXPECT_NE(message_columns[0], std::string::npos);
}

TEST(TextReportTest, FilesAreSeparatedAndPositionlessFindingsShowTheFile) {
  const std::string text = render(Format::kText, sample_result());
  EXPECT_TRUE(contains(text, "\n\n" + std::string(testing::kJobsFile) + ":3:1  LOW"));
  EXPECT_TRUE(
      contains(text, "\n\n.eksguard.yaml  INFO      CFG-EXCEPTION-UNUSED  ClusterRole/viewer"));
}

TEST(TextReportTest, SuppressedFindingsAreHiddenButCounted) {
  const std::string text = render(Format::kText, sample_result());
  EXPECT_FALSE(contains(text, "EKS-POD-011"));
  EXPECT_FALSE(contains(text, "nginx:latest"));
  EXPECT_TRUE(contains(text, "1 suppressed (hidden)"));
}

TEST(TextReportTest, SuppressedFindingsAreShownOnRequest) {
  const std::string text =
      render(Format::kText, sample_result(), {.color = false, .show_suppressed = true});
  EXPECT_TRUE(contains(text, "EKS-POD-011"));
  EXPECT_TRUE(contains(text, "uses the latest tag  [suppressed]\n"));
  EXPECT_TRUE(contains(text, "    suppressed: " + std::string(testing::kSuppressionReason)));
  EXPECT_FALSE(contains(text, "(hidden)"));
}

TEST(TextReportTest, NoteIsShownUnderTheRow) {
  const std::string text = render(Format::kText, sample_result());
  EXPECT_TRUE(contains(text, "pod must not set hostNetwork=true\n    note: " +
                                 std::string(testing::kNote) + "\n    fix: "));
}

TEST(TextReportTest, HeaderErrorsAndSummary) {
  const std::vector<std::string> out = lines(render(Format::kText, sample_result()));
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.front(),
            "eksguard " EKSGUARD_VERSION "  Pod Security Standards: restricted (v1.37)");
  EXPECT_EQ(out.back(),
            "5 findings (1 critical, 0 high, 1 medium, 2 low, 1 info), 1 suppressed (hidden), "
            "2 input errors, 7 resources scanned");
  const std::string text = render(Format::kText, sample_result());
  EXPECT_TRUE(contains(text,
                       "\nInput errors\n  broken.yaml:3:1  ERROR  did not find expected key\n"
                       "  -                ERROR  standard input is empty\n"));
}

TEST(TextReportTest, NotesFollowTheErrorsAndAreCounted) {
  const std::string text = render(Format::kText, testing::sample_with_notes());
  EXPECT_TRUE(contains(text,
                       "  -                ERROR  standard input is empty\n\nNotes\n"
                       "  missing input  kubectl -n kube-system get configmap aws-auth -o yaml\n"
                       "  rbac/roles.yaml:12:1  WARNING  ClusterRole \"viewer\" appears twice; "
                       "the later one is used\n\n"));
  EXPECT_EQ(lines(text).back(),
            "5 findings (1 critical, 0 high, 1 medium, 2 low, 1 info), 1 suppressed (hidden), "
            "2 input errors, 2 notes, 7 resources scanned");
}

TEST(TextReportTest, CleanScanIsJustHeaderAndSummary) {
  ScanResult clean;
  clean.resources = 1;
  EXPECT_EQ(render(Format::kText, clean),
            "eksguard " EKSGUARD_VERSION
            "\n\n"
            "0 findings (0 critical, 0 high, 0 medium, 0 low, 0 info), 1 resource scanned\n");
}

TEST(TextReportTest, InputTextCannotDriveTheTerminal) {
  ScanResult result;
  result.findings.push_back(testing::make_finding(
      CheckId::kEksSecretLiteralInEnv, "evil\x1b[2J.yaml", 1, 1,
      {"v1", "Pod", "ns\n", "p\xE2\x80\xAEod"}, "spec",
      "value \x1b]0;owned\x07 line\nbreak tab\t c1\xC2\x9B bad\xFF ok \xC3\xA9"));
  result.errors.push_back({"x.yaml", 1, 1, "oops\x1b[31m"});
  const std::string text = render(Format::kText, result);
  EXPECT_FALSE(contains(text, "\x1b"));
  EXPECT_TRUE(contains(text, "evil\\x1b[2J.yaml:1:1"));
  EXPECT_TRUE(contains(text, "Pod/ns\\n/p\\u202eod"));
  EXPECT_TRUE(contains(text,
                       "value \\x1b]0;owned\\x07 line\\nbreak tab\\t c1\\x9b bad"
                       "\xEF\xBF\xBD ok \xC3\xA9\n"));
  EXPECT_TRUE(contains(text, "oops\\x1b[31m\n"));
}

TEST(TextReportTest, NoEscapeSequencesWithoutColor) {
  const std::string text =
      render(Format::kText, sample_result(), {.color = false, .show_suppressed = true});
  EXPECT_FALSE(contains(text, "\x1b"));
}

TEST(TextReportTest, ColorMarksSeveritiesAndAddsNothingElse) {
  for (bool show_suppressed : {false, true}) {
    const ReportOptions plain{.color = false, .show_suppressed = show_suppressed};
    const ReportOptions color{.color = true, .show_suppressed = show_suppressed};
    const std::string colored = render(Format::kText, sample_result(), color);
    EXPECT_TRUE(contains(colored, "\x1b[1;31mCRITICAL\x1b[0m"));
    EXPECT_TRUE(contains(colored, "\x1b[33mMEDIUM\x1b[0m"));
    EXPECT_TRUE(contains(colored, "\x1b[31m0 high") == false);  // zero counts stay plain
    EXPECT_TRUE(contains(colored, "\x1b[1;31m1 critical\x1b[0m"));
    EXPECT_EQ(strip_ansi(colored), render(Format::kText, sample_result(), plain));
  }
}

TEST(TextReportTest, EveryColoredLineEndsReset) {
  const std::string colored =
      render(Format::kText, sample_result(), {.color = true, .show_suppressed = true});
  for (const std::string& line : lines(colored)) {
    const size_t last_escape = line.rfind('\x1b');
    if (last_escape == std::string::npos) continue;
    EXPECT_EQ(line.substr(last_escape, 4), "\x1b[0m") << line;
  }
}

}  // namespace
}  // namespace eksguard::report
