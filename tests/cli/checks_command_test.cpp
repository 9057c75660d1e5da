#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string run_checks(const std::string& format) {
  const std::string command = std::string(EKSGUARD_BINARY) + " checks --format " + format;
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  size_t got = 0;
  while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), got);
  pclose(pipe);
  return out;
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
