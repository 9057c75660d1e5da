// The workload identity checks: IAM roles for service accounts (EKS-IRSA-001…008: trust
// policies of roles federated with the cluster's OIDC provider, and ServiceAccounts annotated
// with eks.amazonaws.com/role-arn) and EKS Pod Identity (EKS-PI-001…004: trust policies for
// pods.eks.amazonaws.com and Pod Identity associations). They read the immutable
// IdentityInputs (roles, associations and annotated ServiceAccounts gathered by
// IdentityCollector) and report Findings at the file, line and column of the offending
// principal, condition key or value.
#pragma once

#include <string>
#include <vector>

#include "findings/finding.h"
#include "identity/inputs.h"

namespace eksguard::identity {

struct WorkloadIdentityOptions {
  // The cluster's OIDC issuer, with or without https:// ("oidc.eks.REGION.amazonaws.com/id/ID");
  // "" takes it from describe-cluster. When neither is known, every OIDC provider in a trust
  // policy is treated as possibly the cluster's, and the "other issuer" half of EKS-IRSA-006 is
  // skipped.
  std::string oidc_issuer;
  // Namespaces whose annotated service accounts are inventoried by EKS-IRSA-007.
  std::vector<std::string> privileged_namespaces = {"kube-system"};
};

// Runs every EKS-IRSA and EKS-PI check; appends findings (unsorted) to `out`. Findings about a
// role name it as kind "IAMRole" (name = role ARN, or the role name / file of a bare trust
// policy); about an annotation, the ServiceAccount; about an association, kind
// "PodIdentityAssociation" in the association's namespace, named after its service account.
void check_workload_identity(const IdentityInputs& inputs, const WorkloadIdentityOptions& options,
                             std::vector<Finding>& out);

// What the workload identity checks lacked, named for the user: roles that annotations or
// associations use but whose get-role output is not in the inputs, listed associations never
// described, and the cluster's OIDC issuer when IRSA trusts are present but it is unknown.
std::vector<std::string> missing_workload_inputs(const IdentityInputs& inputs,
                                                 const WorkloadIdentityOptions& options);

// Facts derived from one trust-policy statement about IRSA (exposed for tests and for
// `eksguard identity` listings).
struct IrsaTrust {
  std::string issuer;  // lower-cased host/path of the Federated OIDC provider
  const PolicyStatement* statement = nullptr;
  const PolicyValue* provider = nullptr;
};
// Statements of `policy` that let an OIDC provider's tokens assume the role (Allow, Federated
// oidc-provider, an action covering sts:AssumeRoleWithWebIdentity).
std::vector<IrsaTrust> irsa_trusts(const PolicyDocument& policy);

// True when the trust `policy` lets the service account `namespace_`/`name` assume the role
// through a token of `issuer` ("" = any issuer): some IRSA statement for that issuer whose `sub`
// conditions all admit system:serviceaccount:NS:NAME. `by_pattern` (optional) is set when only
// wildcard patterns admit it.
bool trust_admits(const PolicyDocument& policy, std::string_view issuer,
                  std::string_view namespace_, std::string_view name, bool* by_pattern = nullptr);

}  // namespace eksguard::identity
