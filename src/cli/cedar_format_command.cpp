#include "cli/cedar_format_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string_view>

#include "cedar/format/formatter.h"
#include "cli/app.h"
#include "cli/cedar_policy_input.h"
#include "doc/loader.h"

namespace eksguard::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kName = "format";

int file_error(const std::string& path, const std::string& message) {
  std::cerr << fmt::format("eksguard cedar {}: {}: {}\n", kName, path, message);
  return kExitInput;
}

// Replaces `path` by `text` through a temporary file in the same directory, so that a failed
// write never leaves a half-written policy file; the file keeps its permissions.
int write_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".eksguard-format.tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return file_error(path, fmt::format("cannot write `{}`", temporary));
  }
  std::error_code error;
  fs::permissions(temporary, fs::status(path, error).permissions(), error);
  fs::rename(temporary, path, error);
  if (error) {
    fs::remove(temporary, error);
    return file_error(path, "cannot replace the file: " + error.message());
  }
  return kExitOk;
}

}  // namespace

CedarFormatCommand::CedarFormatCommand(CLI::App& cedar) {
  command_ = cedar.add_subcommand(
      "format", "Format Cedar policies (comments kept); --check to verify, --write to rewrite");
  command_->add_option("--policies,-p", files_, "Cedar policy file (- for stdin); repeatable");
  command_->add_flag("--check", check_, "Exit 1 and name the files that are not formatted");
  command_->add_flag("--write,-w", write_, "Rewrite the files in place");
  command_->add_option("--line-width", line_width_, "Line width (default 80)")
      ->check(CLI::Range(1, 100000));
  command_->add_option("--indent", indent_, "Indentation width (default 2)")
      ->check(CLI::Range(0, 64));
}

int CedarFormatCommand::execute() const {
  if (check_ && write_) {
    std::cerr << fmt::format("eksguard cedar {}: give --check or --write, not both\n", kName);
    return kExitInput;
  }
  const std::vector<std::string> files = files_.empty() ? std::vector<std::string>{"-"} : files_;
  int exit_code = kExitOk;
  for (const std::string& path : files) exit_code = std::max(exit_code, format_file(path));
  return exit_code;
}

int CedarFormatCommand::format_file(const std::string& path) const {
  const std::string name = path == "-" ? "<stdin>" : path;
  auto input = doc::read_input(path, doc::Limits{});
  if (!input) return file_error(name, fmt::format("cannot read: {}", input.error().message));
  const std::string_view text = input->view();

  const cedar::FormatOptions options{line_width_, indent_};
  const auto formatted = cedar::format_policies(text, name, options);
  if (!formatted) {
    const auto& errors = formatted.error();
    std::cerr << render_parse_errors(errors, text);
    std::cerr << fmt::format("{}: {} error{}\n", name, errors.size(),
                             errors.size() == 1 ? "" : "s");
    return kExitInput;
  }
  if (check_) {
    if (*formatted == text) return kExitOk;
    std::cout << fmt::format("{}: not formatted\n", name);
    return kExitFindings;
  }
  if (write_ && path != "-") {
    return *formatted == text ? kExitOk : write_file(path, *formatted);
  }
  std::cout << *formatted;
  return kExitOk;
}

}  // namespace eksguard::cli
