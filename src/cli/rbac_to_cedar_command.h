// `eksguard rbac to-cedar [--format cedar|json] PATH...`: Roles, ClusterRoles and their bindings
// as Cedar policies for the Kubernetes authorization webhook (k8s_authz/rbac_to_cedar.h).
// Prints the formatted policy set (or the JSON policy format); what was left out goes to stderr
// as warnings. Exit 0, or 2 when an input had errors or held no RBAC objects.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace eksguard::cli {

class RbacToCedarCommand {
 public:
  explicit RbacToCedarCommand(CLI::App& rbac);
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  CLI::App* command_;
  std::vector<std::string> paths_;
  std::string format_ = "cedar";
};

}  // namespace eksguard::cli
