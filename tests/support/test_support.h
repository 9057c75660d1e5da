// Helpers shared by every test: parsing inline YAML, and locating ../shared conformance data.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "doc/loader.h"
#include "findings/finding.h"
#include "k8s/object.h"

namespace eksguard::testing {

// The ../shared folder beside the repository, or "" when it is not there.
inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("EKSGUARD_SHARED_DIR"); env != nullptr && *env != '\0') {
    if (std::filesystem::is_directory(env)) return env;
  }
  const std::filesystem::path beside = std::filesystem::path(EKSGUARD_SOURCE_DIR) / ".." / "shared";
  if (std::filesystem::is_directory(beside)) return beside;
  return {};
}

// The whole content of a file ("" when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh temporary folder, removed with everything in it when the object goes away.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "eksguard-test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Unpacks the Cedar integration corpus (corpus-tests.tar.gz) into `into` with the system `tar`,
// passing `tar_options` (e.g. "--wildcards '*.cedarschema'"); returns tar's exit status.
inline int extract_cedar_corpus(const std::filesystem::path& tarball,
                                const std::filesystem::path& into,
                                std::string_view tar_options = {}) {
  const std::string command = "tar -xzf '" + tarball.string() + "' -C '" + into.string() + "' " +
                              std::string(tar_options) + " > /dev/null 2>&1";
  return std::system(command.c_str());
}

// The corpus's test descriptions (`corpus-tests/<sha1>.json`, not the entity files), sorted.
inline std::vector<std::filesystem::path> cedar_corpus_tests(const std::filesystem::path& into) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(into / "corpus-tests")) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".json") && !name.ends_with(".entities.json")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct CommandResult {
  int exit_code = -1;  // -1 when the process did not exit normally
  std::string out;
};

// Runs the eksguard binary under test with `args` (shell words), reading stdin from
// `stdin_file` when given; stderr joins stdout when `with_stderr`, else it is discarded.
inline CommandResult run_eksguard(const std::string& args, bool with_stderr = false,
                                  const std::string& stdin_file = "") {
  std::string command =
      std::string(EKSGUARD_BINARY) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  if (!stdin_file.empty()) command += " < '" + stdin_file + "'";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 65536> buffer{};
  size_t got = 0;
  while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.out.append(buffer.data(), got);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Skips the calling test when ../shared/<relative> is missing, except in CI where it must exist.
#define EKSGUARD_REQUIRE_SHARED(relative, out_path)                                   \
  do {                                                                                \
    const std::filesystem::path base_ = ::eksguard::testing::shared_dir();            \
    (out_path) = base_.empty() ? std::filesystem::path() : base_ / (relative);        \
    if ((out_path).empty() || !std::filesystem::exists(out_path)) {                   \
      if (::eksguard::testing::running_in_ci()) {                                     \
        FAIL() << "conformance data ../shared/" << (relative) << " is missing in CI"; \
      }                                                                               \
      GTEST_SKIP() << "conformance data ../shared/" << (relative)                     \
                   << " not found; set EKSGUARD_SHARED_DIR to run this test";         \
    }                                                                                 \
  } while (0)

// Parses one YAML/JSON document; fails the test on a parse error.
inline doc::Document parse_one(std::string_view text, std::string_view file = "test.yaml") {
  auto documents = doc::load_all(text, file);
  if (!documents) {
    ADD_FAILURE() << "parse error at " << documents.error().line << ":" << documents.error().column
                  << ": " << documents.error().message;
    return doc::Document(std::string(file), 0);
  }
  if (documents->size() != 1) ADD_FAILURE() << "expected one document, got " << documents->size();
  return std::move(documents->front());
}

}  // namespace eksguard::testing
