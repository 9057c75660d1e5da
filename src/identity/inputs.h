// Everything eksguard knows about who gets into one cluster, gathered from the inputs: the
// aws-auth ConfigMap, access entries with their policies, the cluster's access configuration,
// and the roles of node groups and Fargate profiles. Documents are offered one by one (in any
// order, from any files); each one is read into an immutable model at once, so the documents
// themselves can go.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/loader.h"
#include "findings/finding.h"
#include "identity/access_entries.h"
#include "identity/aws_auth.h"
#include "k8s/object.h"

namespace eksguard::identity {

struct IdentityInputs {
  std::vector<AwsAuth> aws_auth;
  std::vector<AccessEntry> access_entries;
  std::optional<ClusterAccess> cluster;
  std::vector<NodeRole> node_roles;
  // Policy ARNs a `list-access-policies` dump declares (known to exist, even if not built in).
  std::vector<std::string> listed_policies;
  // Inputs of a recognised kind whose fields have the wrong shape.
  std::vector<InputError> errors;

  bool empty() const {
    return aws_auth.empty() && access_entries.empty() && !cluster && node_roles.empty();
  }
  // Inputs the identity analysis would need but did not get, named for the user
  // (e.g. "aws eks describe-cluster: authentication mode unknown").
  std::vector<std::string> missing() const;
};

class IdentityCollector {
 public:
  explicit IdentityCollector(doc::Limits limits = {}) : limits_(limits) {}

  // Offers one document; returns true when it held identity input (aws-auth, access entries,
  // cluster, node group, Fargate profile), which is then read. `source` is the text of its
  // file, for positions inside aws-auth's block scalars.
  bool add_document(const doc::Document& document, std::string_view source = {});
  // Offers one Kubernetes object (e.g. an item of a List the scanner split).
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
  void read_access_entry(const doc::Node& entry, std::string_view file, std::string path);
  void read_entry_list(const doc::Node& list, std::string_view file);
  void read_policy_list(const doc::Node& root, std::string_view file);
  void read_access_policies(const doc::Node& list, std::string_view file);
  void read_node_role(const doc::Node& node, std::string_view field, std::string_view name_field,
                      std::string_view what, std::string_view file, std::string path);
  void error(std::string_view file, const doc::Node& at, std::string message);
  std::string string_member(const doc::Node& object, std::string_view key, std::string_view path,
                            std::string_view file);

  doc::Limits limits_;
  IdentityInputs inputs_;
  std::vector<PolicyList> policy_lists_;
  std::vector<ListedEntry> listed_entries_;
};

// Reads every file in `paths` (files, directories of *.yaml/*.yml/*.json, "-") into identity
// inputs; files that cannot be read or parsed become errors.
IdentityInputs collect_identity_inputs(const std::vector<std::string>& paths,
                                       const doc::Limits& limits = {});

}  // namespace eksguard::identity
