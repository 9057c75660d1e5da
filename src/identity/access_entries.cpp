#include "identity/access_entries.h"

#include <array>

namespace eksguard::identity {
namespace {

// clang-format off
constexpr std::array<AccessPolicyInfo, 15> kPolicies{{
  {"AmazonEKSClusterAdminPolicy", "cluster-admin",
   "every verb on every resource and non-resource URL", true, true, true},
  {"AmazonEKSAdminPolicy", "admin",
   "edit rights plus Roles and RoleBindings; reads and writes Secrets, pods/exec, impersonates "
   "service accounts", false, true, true},
  {"AmazonEKSEditPolicy", "edit",
   "writes workloads, pods (exec, attach, port-forward), Secrets, ConfigMaps, Services; impersonates "
   "service accounts", false, true, true},
  {"AmazonEKSViewPolicy", "view", "get/list/watch of namespaced resources except Secrets", false,
   false, false},
  {"AmazonEKSAdminViewPolicy", "",
   "get/list/watch of every resource, Secrets included", false, true, true, true},
  {"AmazonEKSAutoNodePolicy", "", "EKS Auto Mode node component", false, false, false},
  {"AmazonEKSBlockStoragePolicy", "", "EKS Auto Mode block storage component", false, false, false},
  {"AmazonEKSLoadBalancingPolicy", "", "EKS Auto Mode load balancing component", false, false, false},
  {"AmazonEKSNetworkingPolicy", "", "EKS Auto Mode networking component", false, false, false},
  {"AmazonEKSComputePolicy", "", "EKS Auto Mode compute component", false, false, false},
  {"AmazonEKSBlockStorageClusterPolicy", "", "EKS Auto Mode block storage (cluster role)", false,
   false, false},
  {"AmazonEKSComputeClusterPolicy", "", "EKS Auto Mode compute (cluster role)", false, false, false},
  {"AmazonEKSLoadBalancingClusterPolicy", "", "EKS Auto Mode load balancing (cluster role)", false,
   false, false},
  {"AmazonEKSNetworkingClusterPolicy", "", "EKS Auto Mode networking (cluster role)", false, false,
   false},
  {"AmazonEKSHybridPolicy", "", "list nodes (hybrid nodes)", false, false, false},
}};
// clang-format on

constexpr std::string_view kPolicyResource = ":eks::aws:cluster-access-policy/";

}  // namespace

std::span<const AccessPolicyInfo> access_policies() {
  return kPolicies;
}

const AccessPolicyInfo* find_access_policy(std::string_view policy_arn) {
  if (!policy_arn.starts_with("arn:")) return nullptr;
  const size_t at = policy_arn.find(kPolicyResource);
  if (at == std::string_view::npos || policy_arn.find(':', 4) != at) return nullptr;
  const std::string_view name = policy_arn.substr(at + kPolicyResource.size());
  for (const AccessPolicyInfo& policy : kPolicies)
    if (policy.name == name) return &policy;
  return nullptr;
}

std::string_view to_string(AuthenticationMode mode) {
  switch (mode) {
    case AuthenticationMode::kConfigMap:
      return "CONFIG_MAP";
    case AuthenticationMode::kApiAndConfigMap:
      return "API_AND_CONFIG_MAP";
    case AuthenticationMode::kApi:
      return "API";
    case AuthenticationMode::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace eksguard::identity
