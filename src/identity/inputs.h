// Everything eksguard knows about who gets into one cluster, gathered from the inputs: the
// aws-auth ConfigMap, access entries with their policies, the cluster's access configuration
// (describe-cluster, or an eksctl ClusterConfig's accessConfig), and the roles of node groups
// and Fargate profiles. Documents are offered one by one (in any
// order, from any files); each one is read into an immutable model at once, so the documents
// themselves can go.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/loader.h"
#include "findings/finding.h"
#include "identity/access_entries.h"
#include "identity/aws_auth.h"
#include "identity/iam_policy.h"
#include "k8s/object.h"

namespace eksguard::identity {

// An IAM role and its trust policy, from `aws iam get-role` / `list-roles` (or a bare trust
// policy document, which has no name or ARN: `arn` is then "").
struct IamRole {
  std::string name;
  std::string arn;
  PolicyDocument trust;
  Origin origin;
  // "RoleName" or the file of a bare trust policy: how findings name the role.
  std::string display() const;
};

// `aws eks describe-pod-identity-association` (described) or one item of
// `list-pod-identity-associations` (no roleArn or flags: described == false).
struct PodIdentityAssociation {
  std::string cluster_name;
  std::string namespace_;
  std::string service_account;
  std::string role_arn;
  std::string target_role_arn;
  std::string association_id;
  std::string association_arn;
  std::optional<bool> disable_session_tags;
  bool described = false;
  Origin origin;
  Origin role_origin;
  Origin disable_tags_origin;
  Origin target_role_origin;
};

// A ServiceAccount with the IRSA annotation `eks.amazonaws.com/role-arn`.
struct ServiceAccountRole {
  std::string namespace_;
  std::string name;
  std::string role_arn;
  Origin origin;  // the annotation's value
};

struct IdentityInputs {
  std::vector<AwsAuth> aws_auth;
  std::vector<AccessEntry> access_entries;
  std::optional<ClusterAccess> cluster;
  std::vector<NodeRole> node_roles;
  // Policy ARNs a `list-access-policies` dump declares (known to exist, even if not built in).
  std::vector<std::string> listed_policies;
  // Workload identity: roles with their trust policies, Pod Identity associations and
  // ServiceAccounts annotated for IRSA (EKS-IRSA-*, EKS-PI-*).
  std::vector<IamRole> roles;
  std::vector<PodIdentityAssociation> pod_identity_associations;
  std::vector<ServiceAccountRole> service_account_roles;
  // Inputs of a recognised kind whose fields have the wrong shape.
  std::vector<InputError> errors;

  bool empty() const {
    return aws_auth.empty() && access_entries.empty() && !cluster && node_roles.empty();
  }
  bool has_workload_identity() const {
    return !roles.empty() || !pod_identity_associations.empty() || !service_account_roles.empty();
  }
  // Inputs the identity analysis would need but did not get, named for the user
  // (e.g. "aws eks describe-cluster: authentication mode unknown").
  std::vector<std::string> missing() const;
};

class IdentityCollector {
 public:
  explicit IdentityCollector(doc::Limits limits = {}) : limits_(limits) {}

  // Offers one document; returns true when it held identity input (aws-auth, access entries,
  // cluster, node group, Fargate profile, IAM role or bare trust policy, Pod Identity
  // associations, ServiceAccounts with an IRSA annotation), which is then read. `source` is the
  // text of its file, for positions inside aws-auth's block scalars.
  bool add_document(const doc::Document& document, std::string_view source = {});
  // Offers one Kubernetes object (e.g. an item of a List the scanner split); an eksctl
  // ClusterConfig counts as one.
  bool add_object(const k8s::Object& object, std::string_view source = {});
  // Takes over what another collector gathered (per-file collectors merged in input order).
  void merge(IdentityCollector&& other);
  // Joins policy lists with their entries and returns the result; call once, at the end.
  IdentityInputs finish() &&;

 private:
  struct PolicyList {
    std::string principal_arn;
    std::string cluster_name;
    std::vector<PolicyAssociation> policies;
    Origin origin;
  };
  struct ListedEntry {
    std::string principal_arn;
    Origin origin;
  };
  void read_cluster(const doc::Node& cluster, std::string_view file);
  void read_bootstrap_flag(const doc::Node& config, std::string_view path, std::string_view file,
                           ClusterAccess& access);
  void read_eksctl_config(const k8s::Object& object);
  void read_eksctl_entries(const doc::Node& list, std::string_view file, const std::string& path);
  void for_each_mapping(const doc::Node& list, std::string_view file, const std::string& path,
                        std::string_view item_what,
                        const std::function<void(const doc::Node&, const std::string&)>& on_item);
  std::optional<PolicyAssociation> read_policy_association(const doc::Node& item,
                                                           std::string_view arn_key,
                                                           std::string_view file,
                                                           const std::string& path);
  void set_cluster(ClusterAccess&& cluster);
  void add_entry(AccessEntry&& entry);
  void read_role(const doc::Node& role, std::string_view file, std::string path);
  void read_association(const doc::Node& association, std::string_view file, std::string path,
                        bool described);
  bool read_service_account(const k8s::Object& object);
  void read_access_entry(const doc::Node& entry, std::string_view file, std::string path);
  void read_entry_list(const doc::Node& list, std::string_view file);
  void read_policy_list(const doc::Node& root, std::string_view file);
  void read_access_policies(const doc::Node& list, std::string_view file);
  void read_node_role(const doc::Node& node, std::string_view field, std::string_view name_field,
                      std::string_view what, std::string_view file, std::string path);
  void error(std::string_view file, const doc::Node& at, std::string message);
  std::string string_member(const doc::Node& object, std::string_view key, std::string_view path,
                            std::string_view file);
  std::optional<bool> bool_member(const doc::Node& object, std::string_view key,
                                  std::string_view path, std::string_view file);
  std::vector<std::string> string_list(const doc::Node& object, std::string_view key,
                                       std::string_view path, std::string_view file);

  doc::Limits limits_;
  IdentityInputs inputs_;
  std::vector<PolicyList> policy_lists_;
  std::vector<ListedEntry> listed_entries_;
};

// An eksctl ClusterConfig (apiVersion eksctl.io/*, kind ClusterConfig).
bool is_eksctl_config(const k8s::Object& object);

// Reads every file in `paths` (files, directories of *.yaml/*.yml/*.json, "-") into identity
// inputs; files that cannot be read or parsed become errors.
IdentityInputs collect_identity_inputs(const std::vector<std::string>& paths,
                                       const doc::Limits& limits = {});

}  // namespace eksguard::identity
