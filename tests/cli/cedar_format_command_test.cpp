// End-to-end tests of `eksguard cedar format`: the real binary, its output, --check, --write,
// options, and parse errors that do not stop the other files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using ::eksguard::testing::CommandResult;
using ::eksguard::testing::run_eksguard;

constexpr std::string_view kUnformatted =
    "// who may view\npermit(principal == User::\"alice\", action, resource) when { "
    "context.a&&context.b };\n";
constexpr std::string_view kFormatted =
    "// who may view\npermit (\n  principal == User::\"alice\",\n  action,\n  resource\n)\n"
    "when { context.a && context.b };\n";

class CedarFormatCommandTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, std::string_view text) {
    std::ofstream(temp_.path() / name) << text;
    return (temp_.path() / name).string();
  }
  std::string read(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  const ::eksguard::testing::TempDir temp_{"eksguard-cedar-format-cli"};
};

TEST_F(CedarFormatCommandTest, PrintsFormattedPolicies) {
  const std::string file = write("p.cedar", kUnformatted);
  const CommandResult result = run_eksguard("cedar format -p " + file);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, kFormatted);
  EXPECT_EQ(read(file), kUnformatted);  // untouched without --write
}

TEST_F(CedarFormatCommandTest, ReadsStandardInput) {
  const std::string file = write("p.cedar", kUnformatted);
  EXPECT_EQ(run_eksguard("cedar format", false, file).out, kFormatted);
  EXPECT_EQ(run_eksguard("cedar format -p -", false, file).out, kFormatted);
}

TEST_F(CedarFormatCommandTest, CheckNamesUnformattedFiles) {
  const std::string bad = write("bad.cedar", kUnformatted);
  const std::string good = write("good.cedar", kFormatted);
  const CommandResult both = run_eksguard("cedar format --check -p " + bad + " -p " + good);
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_EQ(both.out, bad + ": not formatted\n");
  EXPECT_EQ(run_eksguard("cedar format --check -p " + good).exit_code, 0);
}

TEST_F(CedarFormatCommandTest, WriteRewritesInPlace) {
  const std::string file = write("p.cedar", kUnformatted);
  const CommandResult result = run_eksguard("cedar format --write -p " + file);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(read(file), kFormatted);
  EXPECT_EQ(run_eksguard("cedar format --check -p " + file).exit_code, 0);
  EXPECT_FALSE(fs::exists(file + ".eksguard-format.tmp"));
}

TEST_F(CedarFormatCommandTest, AppliesLineWidthAndIndent) {
  const std::string file = write("p.cedar", kUnformatted);
  const CommandResult result = run_eksguard("cedar format --line-width 20 --indent 4 -p " + file);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out,
            "// who may view\npermit (\n    principal == User::\"alice\",\n    action,\n    "
            "resource\n)\nwhen\n{\n    context.a &&\n    context.b\n};\n");
  EXPECT_EQ(run_eksguard("cedar format --line-width 0 -p " + file).exit_code, 2);
  EXPECT_EQ(run_eksguard("cedar format --check --write -p " + file).exit_code, 2);
}

TEST_F(CedarFormatCommandTest, ReportsParseErrorsAndFormatsTheOtherFiles) {
  const std::string broken =
      write("broken.cedar", "permit(principal, action, resource)\nwhen { 1 = 2 };\n");
  const std::string good = write("good.cedar", kUnformatted);
  const CommandResult result =
      run_eksguard("cedar format -p " + broken + " -p " + good, /*with_stderr=*/true);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.out.find(broken + ":2:8: error: '=' is not a valid operator in Cedar "
                                     "[policy.parse.single-eq]"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find(" 2 | when { 1 = 2 };\n   |        ^~~~~"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("help: try using '==' instead"), std::string::npos);
  EXPECT_NE(result.out.find(std::string(kFormatted)), std::string::npos) << result.out;
  EXPECT_EQ(read(broken), "permit(principal, action, resource)\nwhen { 1 = 2 };\n");
  EXPECT_EQ(run_eksguard("cedar format -p " + (temp_.path() / "missing.cedar").string()).exit_code,
            2);
}

}  // namespace
