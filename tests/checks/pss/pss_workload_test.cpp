// The PSS checks see the same pod whatever carries it: each latest-version fixture pod, wrapped
// into every workload kind, gives the same findings, at the same fields under the kind's template
// path, on the same (shifted) lines and columns.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "checks/pss/pss_test_util.h"
#include "support/test_support.h"

namespace eksguard::testing {
namespace {

namespace fs = std::filesystem;

struct Wrapper {
  std::string_view kind;
  std::string_view header;         // the manifest up to the "template:" key
  std::string_view template_path;  // where the pod's metadata and spec go
  int indent;                      // of the pod's keys under the template
};

// The controllers' common shape: a selector and the pod template under spec.template.
#define EKSGUARD_CONTROLLER(api, kind)                                      \
  {                                                                         \
    kind,                                                                   \
        "apiVersion: " api "\nkind: " kind                                  \
        "\nmetadata:\n  name: wrapped\nspec:\n"                             \
        "  selector:\n    matchLabels:\n      app: wrapped\n  template:\n", \
        "spec.template", 4                                                  \
  }

const Wrapper kWrappers[] = {
    EKSGUARD_CONTROLLER("apps/v1", "Deployment"),
    EKSGUARD_CONTROLLER("apps/v1", "StatefulSet"),
    EKSGUARD_CONTROLLER("apps/v1", "DaemonSet"),
    EKSGUARD_CONTROLLER("apps/v1", "ReplicaSet"),
    EKSGUARD_CONTROLLER("v1", "ReplicationController"),
    {"Job", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: wrapped\nspec:\n  template:\n",
     "spec.template", 4},
    {"CronJob",
     "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: wrapped\nspec:\n"
     "  schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n",
     "spec.jobTemplate.spec.template", 8},
    {"PodTemplate", "apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: wrapped\ntemplate:\n",
     "template", 2},
};
#undef EKSGUARD_CONTROLLER

// The wrapped manifest, and for every line of the pod the line it moved to (0: dropped).
struct Wrapped {
  std::string text;
  std::vector<uint32_t> line_of;  // indexed by the pod's 1-based line
};

Wrapped wrap(std::string_view pod, const Wrapper& wrapper) {
  Wrapped wrapped;
  wrapped.text = std::string(wrapper.header);
  uint32_t line = 0;
  for (char c : wrapped.text) line += c == '\n' ? 1 : 0;
  wrapped.line_of.push_back(0);  // no line 0
  size_t start = 0;
  while (start < pod.size()) {
    size_t end = pod.find('\n', start);
    if (end == std::string_view::npos) end = pod.size();
    const std::string_view text = pod.substr(start, end - start);
    start = end + 1;
    // The pod's own identity goes; its metadata and spec become the template's.
    if (text.starts_with("apiVersion:") || text.starts_with("kind:")) {
      wrapped.line_of.push_back(0);
      continue;
    }
    wrapped.text.append(static_cast<size_t>(wrapper.indent), ' ');
    wrapped.text.append(text);
    wrapped.text.push_back('\n');
    wrapped.line_of.push_back(++line);
  }
  return wrapped;
}

class PssWorkloadTest : public ::testing::TestWithParam<pss::Level> {};

TEST_P(PssWorkloadTest, WrappedFixturesGiveTheSameFindings) {
  fs::path testdata;
  EKSGUARD_REQUIRE_SHARED("conformance/pss/testdata", testdata);
  const pss::Policy policy{GetParam(), pss::kLatestMinor};
  const fs::path dir = testdata / std::string(pss::to_string(policy.level)) /
                       ("v1." + std::to_string(pss::kLatestMinor));

  size_t files = 0;
  size_t compared_findings = 0;
  for (const char* outcome : {"pass", "fail"}) {
    for (const fs::directory_entry& entry : fs::directory_iterator(dir / outcome)) {
      if (entry.path().extension() != ".yaml") continue;
      ++files;
      const std::string pod_text = read_file(entry.path());
      const PssResult pod = evaluate_pss(pod_text, policy, "pod.yaml");
      ASSERT_TRUE(pod.error.empty()) << entry.path() << ": " << pod.error;

      for (const Wrapper& wrapper : kWrappers) {
        SCOPED_TRACE(entry.path().string() + " as " + std::string(wrapper.kind));
        const Wrapped wrapped = wrap(pod_text, wrapper);
        const PssResult workload = evaluate_pss(wrapped.text, policy, "workload.yaml");
        ASSERT_TRUE(workload.error.empty()) << workload.error << "\n" << wrapped.text;
        ASSERT_EQ(workload.findings.size(), pod.findings.size())
            << "pod:" << describe_findings(pod.findings)
            << "\nworkload:" << describe_findings(workload.findings);
        for (size_t i = 0; i < pod.findings.size(); ++i) {
          const Finding& expected = pod.findings[i];
          const Finding& actual = workload.findings[i];
          EXPECT_EQ(actual.check, expected.check);
          EXPECT_EQ(actual.path, std::string(wrapper.template_path) + "." + expected.path);
          EXPECT_EQ(actual.message, expected.message);
          ASSERT_LT(expected.position.line, wrapped.line_of.size());
          EXPECT_EQ(actual.position.line, wrapped.line_of[expected.position.line]);
          EXPECT_EQ(actual.position.column,
                    expected.position.column + static_cast<uint32_t>(wrapper.indent));
          EXPECT_EQ(actual.resource().kind, wrapper.kind);
          ++compared_findings;
        }
      }
    }
  }
  EXPECT_GT(files, 20u);
  // The fail fixtures must have produced findings to compare, or the test proves nothing.
  EXPECT_GT(compared_findings, files);
}

INSTANTIATE_TEST_SUITE_P(Levels, PssWorkloadTest,
                         ::testing::Values(pss::Level::kBaseline, pss::Level::kRestricted),
                         [](const ::testing::TestParamInfo<pss::Level>& param) {
                           return std::string(pss::to_string(param.param));
                         });

}  // namespace
}  // namespace eksguard::testing
