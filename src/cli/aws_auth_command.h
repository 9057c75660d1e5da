// `eksguard aws-auth`: the aws-auth ConfigMap and EKS access entries on the command line.
//
//   eksguard aws-auth migrate [--format cli|eksctl|terraform] [--cluster NAME] [--account ID]
//   PATH...
//       access entries equivalent to the aws-auth ConfigMap found in PATH (YAML/JSON, or a
//       kubectl dump holding it); what cannot migrate one-to-one is written commented out with
//       the reason. Exit 0, or 2 when an input could not be read or holds no aws-auth.
//   eksguard aws-auth resolve ARN [--format text|json] PATH...
//       the Kubernetes username, groups and access policies an IAM principal (user, role or
//       assumed-role session ARN) gets, and where they come from (an access entry, or an
//       aws-auth mapping with its line), given aws-auth, access entry and describe-cluster
//       exports in PATH. Exit 0, or 2 on an input error.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace eksguard::cli {

class AwsAuthCommand {
 public:
  explicit AwsAuthCommand(CLI::App& app);
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  int migrate() const;
  int resolve() const;

  CLI::App* command_;
  CLI::App* migrate_;
  CLI::App* resolve_;

  std::string migrate_format_ = "cli";
  std::string cluster_;
  std::string account_;
  std::vector<std::string> migrate_paths_;

  std::string principal_;
  std::string resolve_format_ = "text";
  std::vector<std::string> resolve_paths_;
};

}  // namespace eksguard::cli
