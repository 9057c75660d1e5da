// `eksguard cedar format`: Cedar policy files in the layout of Cedar's formatter, comments kept.
//
//   eksguard cedar format [-p FILE|-]... [--check | --write] [--line-width N] [--indent N]
//       prints the formatted policies (stdin when no file is given); --check names the files
//       that are not formatted and exits 1; --write rewrites them in place. A file that does
//       not parse gets its parse errors and exit 2; the other files are still processed.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace eksguard::cli {

class CedarFormatCommand {
 public:
  // Registers `format` under the `cedar` command.
  explicit CedarFormatCommand(CLI::App& cedar);
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  // The exit code for one file.
  int format_file(const std::string& path) const;

  CLI::App* command_;
  std::vector<std::string> files_;
  bool check_ = false;
  bool write_ = false;
  uint32_t line_width_ = 80;
  uint32_t indent_ = 2;
};

}  // namespace eksguard::cli
