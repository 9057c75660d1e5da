// `eksguard cedar translate`: Cedar policies from one format to another.
//
//   eksguard cedar translate [-p FILE|-]... --to json [--policy-format cedar|json]
//                            [--template-links F] [--compact]
//       prints each input as a JSON policy set {"staticPolicies", "templates",
//       "templateLinks"} (policies keyed by `@id` or `policyN`; sets, records and extension
//       calls as written); one per input, in order, each followed by a newline (one line each
//       with --compact). Exit 0, or 2 at the first input that cannot be read or parsed.
//   eksguard cedar translate [-p FILE|-]... --to cedar
//       prints the policies as formatted Cedar text (`cedar format` layout); a policy whose id
//       came from a JSON policy set key gets it as `@id("...")`. Template links have no text
//       form: they are reported on stderr, and --template-links is refused.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace eksguard::cli {

class CedarTranslateCommand {
 public:
  // Adds `translate` to the `cedar` command.
  explicit CedarTranslateCommand(CLI::App& cedar);
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  int translate(const std::string& path) const;

  CLI::App* command_;
  std::vector<std::string> policies_;
  std::string to_;
  std::string policy_format_;
  std::string template_links_;
  bool compact_ = false;
};

}  // namespace eksguard::cli
