// K8S-RBAC-019, the ServiceAccount side of CIS EKS 4.1.5 (default service accounts are not
// actively used) and 4.1.6 (service account tokens are mounted only where necessary).
//
// The split with the per-pod checks: EKS-POD-002 reports each workload that runs as a
// namespace's `default` ServiceAccount and EKS-POD-001 each workload that mounts a token (the
// scanner drops it when the workload's ServiceAccount, in the inputs, disables automounting).
// K8S-RBAC-019 reports what those cannot see from one pod:
//   - a `default` ServiceAccount in the inputs that does not set
//     automountServiceAccountToken: false (on the ServiceAccount, naming the workloads of the
//     inputs that run as it and mount its token);
//   - a custom RoleBinding or ClusterRoleBinding that grants rights to a `default`
//     ServiceAccount, or to the system:serviceaccounts groups that include it (on the binding).
// Other service accounts are 4.1.6's concern only through the pods that mount their tokens,
// which EKS-POD-001 reports with the ServiceAccount's own setting taken into account.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doc/node.h"
#include "findings/finding.h"
#include "k8s/object.h"
#include "k8s/workload.h"
#include "rbac/policy.h"

namespace eksguard::rbac_checks {

// A ServiceAccount of the inputs, kept after its document is gone.
struct ServiceAccountRecord {
  SubjectPtr subject;  // reference (namespace as written) and file
  doc::Position position;
  std::optional<bool> automount;              // automountServiceAccountToken, when a boolean
  std::optional<doc::Position> automount_at;  // where it is written
};

// A workload of the inputs that runs as its namespace's `default` ServiceAccount.
struct DefaultAccountUse {
  std::string namespace_;         // where `kubectl apply` puts it ("default" when unset)
  std::string workload;           // "Deployment web"
  std::optional<bool> automount;  // the pod's automountServiceAccountToken, when a boolean
};

// What K8S-RBAC-019 needs of the non-RBAC objects, gathered object by object.
struct ServiceAccountInputs {
  std::vector<ServiceAccountRecord> accounts;
  std::vector<DefaultAccountUse> default_uses;

  // Records a ServiceAccount (other kinds are ignored).
  void add_account(const k8s::Object& object);
  // Records a workload's use of its namespace's default ServiceAccount, if it does.
  void add_workload(const k8s::Object& object, const k8s::PodTemplate& pod);
  void merge(ServiceAccountInputs&& other);
  bool empty() const { return accounts.empty() && default_uses.empty(); }
  // "ServiceAccount/<namespace as written>/<name>" of the accounts that disable automounting,
  // sorted (what EKS-POD-001 findings depend on).
  std::vector<std::string> quiet_accounts() const;
};

// Appends K8S-RBAC-019 findings (unsorted).
void check_default_service_accounts(const rbac::Policy& policy, const ServiceAccountInputs& inputs,
                                    std::vector<Finding>& out);

}  // namespace eksguard::rbac_checks
