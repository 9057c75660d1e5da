// `eksguard rbac`: offline RBAC analysis of manifests or a cluster dump.
//
//   eksguard rbac who-can VERB RESOURCE[/SUB] [NAME] [-n NS | -A] [--format text|wide|json] PATH...
//   eksguard rbac who-can VERB /non/resource/url PATH...
//       subjects allowed the request: kubectl-who-can's RoleBinding and ClusterRoleBinding
//       tables, or the JSON of PRODUCT.md; exit 0, or 2 when an input had errors
//   eksguard rbac lookup [SUBJECT] [--kind user|group|serviceaccount] [--format text|wide|json]
//       PATH...   every role bound to the subjects whose name contains SUBJECT (rbac-lookup)
//   eksguard rbac can-i VERB RESOURCE[/SUB] [NAME] --as USER [--as-group G]... [-n NS] PATH...
//       yes/no with the deciding binding, role and rule; exit 0 yes, 1 no, 2 no with input errors
//   eksguard rbac matrix (--as USER | --sa NS:NAME) [--as-group G]... [-n NS] PATH...
//       resources × verbs (list, create, update, delete) with ✔/✖ (rakkess)
//   eksguard rbac to-cedar [--format cedar|json] PATH...   (rbac_to_cedar_command.h)
//
// A third positional is the object NAME when it is not an existing file or directory and more
// positionals follow it; `--name` says so explicitly.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/rbac_to_cedar_command.h"

namespace eksguard::cli {

class RbacCommand {
 public:
  explicit RbacCommand(CLI::App& app);
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  int who_can() const;
  int lookup() const;
  int can_i() const;
  int matrix() const;

  CLI::App* command_;
  CLI::App* who_can_;
  CLI::App* lookup_;
  CLI::App* can_i_;
  CLI::App* matrix_;
  std::optional<RbacToCedarCommand> to_cedar_;

  std::vector<std::string> args_;  // positionals of the selected subcommand
  std::string namespace_;
  bool all_namespaces_ = false;
  std::string format_ = "text";
  std::string name_;
  std::string kind_;
  std::string as_;
  std::string service_account_;
  std::vector<std::string> as_groups_;
  std::string verbs_;
  bool no_privileged_groups_ = false;
};

}  // namespace eksguard::cli
