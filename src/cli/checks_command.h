// `eksguard checks`: the check catalog, as a table, JSON or the Markdown of docs/checks.md.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace eksguard::cli {

class ChecksCommand {
 public:
  explicit ChecksCommand(CLI::App& app);
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  CLI::App* command_;
  std::string format_ = "text";
};

}  // namespace eksguard::cli
