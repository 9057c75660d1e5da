#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "support/test_support.h"

namespace {

std::string run_checks(const std::string& format) {
  return ::eksguard::testing::run_eksguard("checks --format " + format).out;
}

TEST(ChecksCommandTest, DocsListTheCatalogExactly) {
  std::ifstream in(std::string(EKSGUARD_SOURCE_DIR) + "/docs/checks.md");
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(committed.str(), run_checks("markdown"))
      << "docs/checks.md is stale: regenerate it with `build/eksguard checks --format markdown > "
         "docs/checks.md`";
}

TEST(ChecksCommandTest, JsonListsEveryCheckWithItsStandards) {
  const std::string json = run_checks("json");
  EXPECT_NE(json.find(R"("id":"PSS-RUN-AS-NON-ROOT")"), std::string::npos);
  EXPECT_NE(json.find(R"("pss":"runAsNonRoot")"), std::string::npos);
  EXPECT_NE(json.find(R"("cis_eks":"4.2.1")"), std::string::npos);
}

}  // namespace
