// EKS access entries, their access policies and the cluster's authentication mode, read from the
// AWS CLI's JSON (`aws eks describe-cluster`, `list-access-entries`, `describe-access-entry`,
// `list-associated-access-policies`, `list-access-policies`, plus `describe-nodegroup` and
// `describe-fargate-profile` for the node roles) through the document model, with positions.
// The managed access policies and their Kubernetes equivalents are one data table.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "identity/origin.h"

namespace eksguard::identity {

// A managed access policy (EKS User Guide, access-policy-reference, Dec 2024).
struct AccessPolicyInfo {
  std::string_view name;            // AmazonEKSViewPolicy
  std::string_view k8s_equivalent;  // the upstream ClusterRole it resembles ("" if none)
  std::string_view meaning;
  bool cluster_admin = false;     // everything, like cluster-admin
  bool reads_secrets = false;     // get/list Secrets
  bool broad = false;             // Admin, Edit, AdminView, ClusterAdmin: wide write or read rights
  bool reads_everything = false;  // get/list/watch of every resource (AdminView)
};

// The built-in table, in a stable order.
std::span<const AccessPolicyInfo> access_policies();
// The table row for a policy ARN in any partition (arn:*:eks::aws:cluster-access-policy/NAME);
// nullptr for an unknown policy.
const AccessPolicyInfo* find_access_policy(std::string_view policy_arn);

enum class AuthenticationMode : uint8_t { kUnknown, kConfigMap, kApiAndConfigMap, kApi };
std::string_view to_string(AuthenticationMode mode);

struct AccessScope {
  std::string type;  // "cluster" | "namespace" (as written)
  std::vector<std::string> namespaces;
};

struct PolicyAssociation {
  std::string policy_arn;
  AccessScope scope;
  Origin origin;
  const AccessPolicyInfo* policy = nullptr;  // nullptr when the ARN is not in the table
};

struct AccessEntry {
  std::string principal_arn;
  std::string type = "STANDARD";  // STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, ...
  std::string username;           // as EKS reports it; "" when not described
  std::vector<std::string> kubernetes_groups;
  std::string cluster_name;
  Origin origin;
  bool described = false;        // a describe-access-entry was in the inputs
  bool policies_listed = false;  // a list-associated-access-policies was in the inputs
  // Declared in an eksctl ClusterConfig (accessConfig.accessEntries): the intended state, which
  // what AWS reports (describe-access-entry, list-associated-access-policies) replaces.
  bool from_eksctl = false;
  std::vector<PolicyAssociation> policies;
};

// Where the cluster's access configuration was read from.
enum class ClusterSource : uint8_t {
  kDescribeCluster,  // `aws eks describe-cluster`: the live cluster
  kEksctl,           // an eksctl ClusterConfig: the intended cluster, eksctl defaults applied
};

struct ClusterAccess {
  ClusterSource source = ClusterSource::kDescribeCluster;
  std::string api_version;  // of an eksctl ClusterConfig (eksctl.io/v1alpha5)
  std::string name;
  std::string arn;
  std::string account;  // from the cluster ARN
  AuthenticationMode mode = AuthenticationMode::kUnknown;
  std::optional<bool> bootstrap_admin;  // absent on older clusters: unknown
  // identity.oidc.issuer without the scheme ("oidc.eks.REGION.amazonaws.com/id/ID"); "" if unknown.
  std::string oidc_issuer;
  Origin origin;
  Origin mode_origin;       // authenticationMode, or where it would be when absent
  Origin bootstrap_origin;  // bootstrapClusterCreatorAdminPermissions, likewise
  // The mode or the bootstrap flag was absent and is eksctl's default (API_AND_CONFIG_MAP, true).
  bool mode_defaulted = false;
  bool bootstrap_defaulted = false;
};

// A role that EKS nodes or Fargate pods run with (node group, Fargate profile, Auto Mode).
struct NodeRole {
  std::string arn;
  std::string source;  // "node group ng-1", "Fargate profile fp-1", "Auto Mode"
  Origin origin;
};

}  // namespace eksguard::identity
