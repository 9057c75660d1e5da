// aws-auth → EKS access entries. Every item of the ConfigMap gets a planned entry: migrated
// (with notes where the result differs from what aws-auth did) or not migrated (with the
// reason), and items the authenticator itself ignores are listed too, so nothing is dropped
// silently. The plan renders as `aws eks` CLI commands, an eksctl ClusterConfig or Terraform.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "identity/aws_auth.h"

namespace eksguard::identity {

struct MigrationOptions {
  std::string cluster_name;  // "" writes a placeholder (CLI: $CLUSTER, Terraform: a variable)
  std::string account;       // the cluster's account, for node entries (same account only)
};

struct PlannedPolicy {
  std::string policy_arn;
  std::string scope_type;  // "cluster" | "namespace"
  std::vector<std::string> namespaces;
};

struct PlannedEntry {
  std::string source;  // "mapRoles[2]", "mapAccounts[0]", ...
  Origin origin;
  bool migrate = false;
  std::string principal_arn;
  std::string type;      // STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX
  std::string username;  // "" leaves EKS's default
  std::vector<std::string> groups;
  std::vector<PlannedPolicy> policies;
  std::vector<std::string> notes;  // warnings when migrated; the reasons when not
};

struct MigrationPlan {
  std::string cluster_name;
  std::string source_file;
  std::vector<PlannedEntry> entries;
  size_t migrated() const;
};

MigrationPlan plan_migration(const AwsAuth& auth, const MigrationOptions& options);

enum class MigrationFormat : uint8_t { kCli, kEksctl, kTerraform };
std::string render_migration(const MigrationPlan& plan, MigrationFormat format);

}  // namespace eksguard::identity
