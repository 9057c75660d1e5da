// `eksguard cedar`: Cedar policies on the command line.
//
//   eksguard cedar authorize --policies F [--policy-format cedar|json] [--template-links F]
//                            [--entities F] [--schema F] --principal 'User::"alice"'
//                            --action 'Action::"view"' --resource 'Photo::"p1"'
//                            [--context JSON | --context-file F]
//       prints the decision, the determining policies and the erroring ones;
//       exit 0 allow, 3 deny, 2 input error
//   eksguard cedar authorize --batch FILE|-
//       JSON lines in, JSON lines out (PRODUCT.md); exit 0, or 2 when a line could not be
//       evaluated
//   eksguard cedar check-parse --policies F [--policy-format cedar|json] [--template-links F]
//       parse errors with file:line:column and a caret snippet; exit 0 or 2
//   eksguard cedar validate --policies F --schema F [--schema F]... [--policy-format cedar|json]
//                           [--template-links F]
//       strict-mode validation: every error and warning with its code, policy and snippet;
//       several --schema files are merged as Cedar merges schema fragments, and `k8s` names
//       the webhooks' built-in schema (merged as `eksguard serve --schema` merges);
//       exit 0 valid, 1 validation errors, 2 input error
//   eksguard cedar format [-p F]... [--check | --write]   (cedar_format_command.h)
//   eksguard cedar translate ... (cedar_translate_command.h)
// Policies are Cedar text or the JSON policy format (EST): a `.json` file or text starting with
// `{` is JSON unless --policy-format says otherwise.
//   eksguard cedar schema k8s
//       prints a built-in schema (cedar_schema_command.h)
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/parser.h"
#include "cli/cedar_schema_command.h"

namespace eksguard::cli {

class CedarFormatCommand;

class CedarTranslateCommand;

class CedarCommand {
 public:
  explicit CedarCommand(CLI::App& app);
  ~CedarCommand();
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  int authorize() const;
  int check_parse() const;
  int validate() const;

  CLI::App* command_;
  CLI::App* authorize_;
  CLI::App* check_parse_;
  CLI::App* validate_;
  std::unique_ptr<CedarFormatCommand> format_;
  std::unique_ptr<CedarTranslateCommand> translate_;
  CedarSchemaCommand schema_command_;

  std::string policies_;
  std::string entities_;
  std::string schema_;
  std::string principal_;
  std::string action_;
  std::string resource_;
  std::string context_;
  std::string context_file_;
  std::string batch_;
  std::string check_policies_;
  std::string validate_policies_;
  std::vector<std::string> validate_schema_;
  std::string policy_format_;   // --policy-format (whichever subcommand runs)
  std::string template_links_;  // --template-links
};

}  // namespace eksguard::cli
