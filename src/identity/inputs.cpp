#include "identity/inputs.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "identity/arn.h"
#include "k8s/list.h"
#include "scan/scanner.h"

namespace eksguard::identity {
namespace {

Origin origin_of(std::string_view file, const doc::Node& node, std::string path) {
  return Origin{std::string(file), node.position(), std::move(path)};
}

AuthenticationMode parse_mode(std::string_view text) {
  if (text == "CONFIG_MAP") return AuthenticationMode::kConfigMap;
  if (text == "API_AND_CONFIG_MAP") return AuthenticationMode::kApiAndConfigMap;
  if (text == "API") return AuthenticationMode::kApi;
  return AuthenticationMode::kUnknown;
}

// One association per cluster, namespace and service account: a describe replaces the list
// item of the same association (a list item never replaces a describe).
void upsert(std::vector<PodIdentityAssociation>& all, PodIdentityAssociation&& association) {
  auto same = std::find_if(all.begin(), all.end(), [&](const PodIdentityAssociation& a) {
    return a.namespace_ == association.namespace_ &&
           a.service_account == association.service_account &&
           a.cluster_name == association.cluster_name;
  });
  if (same == all.end()) {
    all.push_back(std::move(association));
  } else if (association.described || !same->described) {
    *same = std::move(association);
  }
}

// eksctl fills in authenticationMode when it is absent (or empty).
bool mode_absent(const doc::Node* config) {
  if (config == nullptr) return true;
  const doc::Node* mode = config->get("authenticationMode");
  return mode == nullptr || mode->is_null() || (mode->is_string() && mode->text().empty());
}

}  // namespace

bool is_eksctl_config(const k8s::Object& object) {
  return object.ref.kind == "ClusterConfig" && object.ref.api_version.starts_with("eksctl.io/");
}

std::string IamRole::display() const {
  if (!name.empty()) return name;
  if (!arn.empty()) return arn;
  return fmt::format("trust policy in {}", origin.file);
}

void IdentityCollector::error(std::string_view file, const doc::Node& at, std::string message) {
  inputs_.errors.push_back(
      InputError{std::string(file), at.position().line, at.position().column, std::move(message)});
}

// A string member; a member of another type is an input error and reads as "".
std::string IdentityCollector::string_member(const doc::Node& object, std::string_view key,
                                             std::string_view path, std::string_view file) {
  const doc::Node* member = object.get(key);
  if (member == nullptr || member->is_null()) return {};
  if (member->is_string()) return std::string(member->text());
  error(file, *member,
        fmt::format("{}.{} is {}, expected a string", path, key,
                    doc::describe(member->kind(), true)));
  return {};
}

bool IdentityCollector::add_object(const k8s::Object& object, std::string_view source) {
  if (object.ref.kind == "ServiceAccount") return read_service_account(object);
  if (is_eksctl_config(object)) {
    read_eksctl_config(object);
    return true;
  }
  if (!is_aws_auth(object)) return false;
  inputs_.aws_auth.push_back(parse_aws_auth(object, source, limits_));
  return true;
}

bool IdentityCollector::add_document(const doc::Document& document, std::string_view source) {
  const doc::Node& root = *document.root();
  const std::string_view file = document.file();
  if (!root.is_mapping()) return false;
  if (!root.string_at("kind").empty() || k8s::is_list(root)) {
    bool found = false;
    k8s::for_each_object(
        root, file, [&](const k8s::Object& object) { found |= add_object(object, source); },
        [&](InputError error) { inputs_.errors.push_back(std::move(error)); });
    return found;
  }
  if (const doc::Node* cluster = root.get("cluster"); cluster != nullptr && cluster->is_mapping()) {
    read_cluster(*cluster, file);
    return true;
  }
  if (const doc::Node* entry = root.get("accessEntry"); entry != nullptr) {
    read_access_entry(*entry, file, "accessEntry");
    return true;
  }
  if (const doc::Node* list = root.get("accessEntries"); list != nullptr) {
    read_entry_list(*list, file);
    return true;
  }
  if (root.get("associatedAccessPolicies") != nullptr) {
    read_policy_list(root, file);
    return true;
  }
  if (const doc::Node* list = root.get("accessPolicies"); list != nullptr) {
    read_access_policies(*list, file);
    return true;
  }
  if (const doc::Node* role = root.get("Role"); role != nullptr && role->is_mapping()) {
    read_role(*role, file, "Role");
    return true;
  }
  if (const doc::Node* roles = root.get("Roles"); roles != nullptr && roles->is_sequence()) {
    size_t index = 0;
    for (const doc::Node* role : roles->items())
      read_role(*role, file, fmt::format("Roles[{}]", index++));
    return true;
  }
  if (const doc::Node* association = root.get("association"); association != nullptr) {
    read_association(*association, file, "association", true);
    return true;
  }
  if (const doc::Node* list = root.get("associations"); list != nullptr) {
    if (!list->is_sequence()) {
      error(file, *list,
            fmt::format("associations is {}, expected an array of Pod Identity associations",
                        doc::describe(list->kind(), true)));
      return true;
    }
    size_t index = 0;
    for (const doc::Node* item : list->items())
      read_association(*item, file, fmt::format("associations[{}]", index++), false);
    return true;
  }
  if (looks_like_policy(root)) {
    IamRole role;
    role.origin = origin_of(file, root, "");
    role.trust = parse_policy(root, file, "", inputs_.errors);
    inputs_.roles.push_back(std::move(role));
    return true;
  }
  if (const doc::Node* group = root.get("nodegroup"); group != nullptr && group->is_mapping()) {
    read_node_role(*group, "nodeRole", "nodegroupName", "node group", file, "nodegroup");
    return true;
  }
  if (const doc::Node* profile = root.get("fargateProfile");
      profile != nullptr && profile->is_mapping()) {
    read_node_role(*profile, "podExecutionRoleArn", "fargateProfileName", "Fargate profile", file,
                   "fargateProfile");
    return true;
  }
  return false;
}

void IdentityCollector::read_cluster(const doc::Node& cluster, std::string_view file) {
  ClusterAccess access;
  access.name = string_member(cluster, "name", "cluster", file);
  access.arn = string_member(cluster, "arn", "cluster", file);
  if (auto arn = parse_arn(access.arn)) access.account = arn->account;
  access.origin = origin_of(file, cluster, "cluster");
  if (const doc::Node* identity = cluster.get("identity"); identity && identity->is_mapping()) {
    if (const doc::Node* oidc = identity->get("oidc"); oidc && oidc->is_mapping()) {
      std::string_view issuer = oidc->string_at("issuer");
      if (issuer.starts_with("https://")) issuer.remove_prefix(8);
      while (issuer.ends_with('/')) issuer.remove_suffix(1);
      access.oidc_issuer = std::string(issuer);
    }
  }
  access.mode_origin = access.origin;
  if (const doc::Node* config = cluster.get("accessConfig"); config != nullptr) {
    if (!config->is_mapping()) {
      error(file, *config, "cluster.accessConfig must be an object");
    } else {
      const std::string mode =
          string_member(*config, "authenticationMode", "cluster.accessConfig", file);
      access.mode = parse_mode(mode);
      if (!mode.empty() && access.mode == AuthenticationMode::kUnknown) {
        error(file, *config->get("authenticationMode"),
              fmt::format("cluster.accessConfig.authenticationMode `{}` is not CONFIG_MAP, "
                          "API_AND_CONFIG_MAP or API",
                          mode));
      }
      if (const doc::Node* mode_node = config->get("authenticationMode"))
        access.mode_origin = origin_of(file, *mode_node, "cluster.accessConfig.authenticationMode");
      read_bootstrap_flag(*config, "cluster.accessConfig", file, access);
    }
  }
  if (const doc::Node* compute = cluster.get("computeConfig");
      compute != nullptr && compute->is_mapping()) {
    read_node_role(*compute, "nodeRoleArn", "", "EKS Auto Mode", file, "cluster.computeConfig");
  }
  set_cluster(std::move(access));
}

// One cluster per run. A describe-cluster (the live cluster) wins over an eksctl ClusterConfig
// (the intended one) of the same cluster; otherwise the later input wins.
void IdentityCollector::set_cluster(ClusterAccess&& cluster) {
  if (inputs_.cluster && inputs_.cluster->name != cluster.name) {
    inputs_.errors.push_back(InputError{
        cluster.origin.file, cluster.origin.position.line, cluster.origin.position.column,
        fmt::format("a second cluster `{}` is ignored: identity analysis covers one cluster "
                    "(`{}`) per run",
                    cluster.name, inputs_.cluster->name)});
    return;
  }
  if (inputs_.cluster && inputs_.cluster->source == ClusterSource::kDescribeCluster &&
      cluster.source == ClusterSource::kEksctl)
    return;
  inputs_.cluster = std::move(cluster);
}

void IdentityCollector::read_bootstrap_flag(const doc::Node& config, std::string_view path,
                                            std::string_view file, ClusterAccess& access) {
  constexpr std::string_view kKey = "bootstrapClusterCreatorAdminPermissions";
  const doc::Node* bootstrap = config.get(kKey);
  if (bootstrap == nullptr || bootstrap->is_null()) return;
  access.bootstrap_origin = origin_of(file, *bootstrap, fmt::format("{}.{}", path, kKey));
  access.bootstrap_admin = bool_member(config, kKey, path, file);
}

// eksctl's ClusterConfig: its accessConfig is the cluster's access configuration as eksctl
// creates it (absent fields take eksctl's defaults: API_AND_CONFIG_MAP, bootstrap admin on), and
// its accessEntries are access entries with their policies.
void IdentityCollector::read_eksctl_config(const k8s::Object& object) {
  const std::string_view file = object.file;
  ClusterAccess access;
  access.source = ClusterSource::kEksctl;
  access.api_version = object.ref.api_version;
  access.name = object.ref.name;
  access.origin = origin_of(file, *object.root, object.path_prefix);
  const std::string path = k8s::join_path(object.path_prefix, "accessConfig");
  const doc::Node* config = object.root->get("accessConfig");
  if (config != nullptr && !config->is_mapping()) {
    if (!config->is_null())
      error(file, *config,
            fmt::format("{} is {}, expected an object", path, doc::describe(config->kind(), true)));
    config = nullptr;
  }
  // Absent fields are positioned at accessConfig, or at the ClusterConfig without one.
  const Origin absent = config != nullptr ? origin_of(file, *config, path) : access.origin;
  access.mode_origin = absent;
  access.bootstrap_origin = absent;
  if (config != nullptr) {
    const std::string mode = string_member(*config, "authenticationMode", path, file);
    access.mode = parse_mode(mode);
    if (const doc::Node* mode_node = config->get("authenticationMode"); mode_node != nullptr) {
      access.mode_origin = origin_of(file, *mode_node, path + ".authenticationMode");
      if (!mode.empty() && access.mode == AuthenticationMode::kUnknown)
        error(file, *mode_node,
              fmt::format("{}.authenticationMode `{}` is not CONFIG_MAP, API_AND_CONFIG_MAP or API",
                          path, mode));
    }
    read_bootstrap_flag(*config, path, file, access);
    if (const doc::Node* entries = config->get("accessEntries"); entries != nullptr)
      read_eksctl_entries(*entries, file, path + ".accessEntries");
  }
  if (mode_absent(config)) {
    access.mode = AuthenticationMode::kApiAndConfigMap;
    access.mode_defaulted = true;
  }
  if (config == nullptr || config->get("bootstrapClusterCreatorAdminPermissions") == nullptr ||
      config->get("bootstrapClusterCreatorAdminPermissions")->is_null()) {
    access.bootstrap_admin = true;
    access.bootstrap_defaulted = true;
  }
  set_cluster(std::move(access));
}

void IdentityCollector::read_eksctl_entries(const doc::Node& list, std::string_view file,
                                            const std::string& path) {
  if (list.is_null()) return;
  for_each_mapping(
      list, file, path, "an access entry object",
      [&](const doc::Node& item, const std::string& item_path) {
        AccessEntry entry;
        entry.principal_arn = string_member(item, "principalARN", item_path, file);
        if (entry.principal_arn.empty()) {
          error(file, item, fmt::format("{}: principalARN is missing", item_path));
          return;
        }
        if (const std::string type = string_member(item, "type", item_path, file); !type.empty())
          entry.type = type;
        entry.username = string_member(item, "kubernetesUsername", item_path, file);
        entry.kubernetes_groups = string_list(item, "kubernetesGroups", item_path, file);
        entry.origin = origin_of(file, item, item_path);
        entry.described = true;
        entry.policies_listed = true;  // the config lists every association it creates
        entry.from_eksctl = true;
        if (const doc::Node* policies = item.get("accessPolicies");
            policies != nullptr && !policies->is_null()) {
          for_each_mapping(*policies, file, item_path + ".accessPolicies", "an object",
                           [&](const doc::Node& policy, const std::string& policy_path) {
                             if (auto association = read_policy_association(policy, "policyARN",
                                                                            file, policy_path))
                               entry.policies.push_back(std::move(*association));
                           });
        }
        add_entry(std::move(entry));
      });
}

// Calls `on_item` with each object of the array `list` (at `path`) and its path; a `list` that is
// not an array, or an item that is not `item_what`, is an input error.
void IdentityCollector::for_each_mapping(
    const doc::Node& list, std::string_view file, const std::string& path,
    std::string_view item_what,
    const std::function<void(const doc::Node&, const std::string&)>& on_item) {
  if (!list.is_sequence()) {
    error(file, list,
          fmt::format("{} is {}, expected an array", path, doc::describe(list.kind(), true)));
    return;
  }
  size_t index = 0;
  for (const doc::Node* item : list.items()) {
    const std::string item_path = fmt::format("{}[{}]", path, index++);
    if (item->is_mapping()) {
      on_item(*item, item_path);
    } else {
      error(file, *item,
            fmt::format("{} is {}, expected {}", item_path, doc::describe(item->kind(), true),
                        item_what));
    }
  }
}

void IdentityCollector::read_role(const doc::Node& node, std::string_view file, std::string path) {
  if (!node.is_mapping()) {
    error(file, node,
          fmt::format("{} is {}, expected an IAM role object", path,
                      doc::describe(node.kind(), true)));
    return;
  }
  IamRole role;
  role.name = string_member(node, "RoleName", path, file);
  role.arn = string_member(node, "Arn", path, file);
  role.origin = origin_of(file, node, path);
  const doc::Node* trust = node.get("AssumeRolePolicyDocument");
  const std::string trust_path = path + ".AssumeRolePolicyDocument";
  if (trust == nullptr || trust->is_null()) {
    // list-roles and some exports omit it: the role is known, its trust is not.
    role.trust.origin = role.origin;
  } else if (trust->is_string()) {
    auto policy = parse_policy_text(trust->text(), *trust, file, trust_path, inputs_.errors);
    if (!policy) return;  // the error says why; a role without its trust would mislead checks
    role.trust = std::move(*policy);
  } else {
    role.trust = parse_policy(*trust, file, trust_path, inputs_.errors);
  }
  inputs_.roles.push_back(std::move(role));
}

void IdentityCollector::read_association(const doc::Node& node, std::string_view file,
                                         std::string path, bool described) {
  if (!node.is_mapping()) {
    error(file, node,
          fmt::format("{} is {}, expected a Pod Identity association object", path,
                      doc::describe(node.kind(), true)));
    return;
  }
  PodIdentityAssociation association;
  association.described = described;
  association.cluster_name = string_member(node, "clusterName", path, file);
  association.namespace_ = string_member(node, "namespace", path, file);
  association.service_account = string_member(node, "serviceAccount", path, file);
  association.role_arn = string_member(node, "roleArn", path, file);
  association.target_role_arn = string_member(node, "targetRoleArn", path, file);
  association.association_id = string_member(node, "associationId", path, file);
  association.association_arn = string_member(node, "associationArn", path, file);
  association.origin = origin_of(file, node, path);
  auto field_origin = [&](std::string_view field) {
    const doc::Node* member = node.get(field);
    return member ? origin_of(file, *member, path + "." + std::string(field)) : association.origin;
  };
  association.role_origin = field_origin("roleArn");
  association.target_role_origin = field_origin("targetRoleArn");
  association.disable_tags_origin = field_origin("disableSessionTags");
  association.disable_session_tags = bool_member(node, "disableSessionTags", path, file);
  if (association.namespace_.empty() || association.service_account.empty()) {
    error(file, node, fmt::format("{}: namespace or serviceAccount is missing", path));
    return;
  }
  upsert(inputs_.pod_identity_associations, std::move(association));
}

bool IdentityCollector::read_service_account(const k8s::Object& object) {
  if (object.metadata == nullptr) return false;
  const doc::Node* annotations = object.metadata->get("annotations");
  if (annotations == nullptr || !annotations->is_mapping()) return false;
  const doc::Node* arn = annotations->get("eks.amazonaws.com/role-arn");
  if (arn == nullptr) return false;
  const std::string path =
      k8s::join_path(object.path_prefix, "metadata.annotations[\"eks.amazonaws.com/role-arn\"]");
  if (!arn->is_string()) {
    error(object.file, *arn,
          fmt::format("{} is {}, expected a role ARN", path, doc::describe(arn->kind(), true)));
    return true;
  }
  inputs_.service_account_roles.push_back(ServiceAccountRole{
      object.ref.namespace_.empty() ? "default" : object.ref.namespace_, object.ref.name,
      std::string(arn->text()), origin_of(object.file, *arn, path)});
  return true;
}

void IdentityCollector::read_access_entry(const doc::Node& node, std::string_view file,
                                          std::string path) {
  if (!node.is_mapping()) {
    error(file, node,
          fmt::format("{} is {}, expected an object", path, doc::describe(node.kind(), true)));
    return;
  }
  AccessEntry entry;
  entry.principal_arn = string_member(node, "principalArn", path, file);
  if (entry.principal_arn.empty()) {
    error(file, node, fmt::format("{}: principalArn is missing", path));
    return;
  }
  const std::string type = string_member(node, "type", path, file);
  if (!type.empty()) entry.type = type;
  entry.username = string_member(node, "username", path, file);
  entry.cluster_name = string_member(node, "clusterName", path, file);
  entry.origin = origin_of(file, node, path);
  entry.described = true;
  entry.kubernetes_groups = string_list(node, "kubernetesGroups", path, file);
  add_entry(std::move(entry));
}

// One entry per principal. What AWS reports replaces what an eksctl ClusterConfig declares
// (its policies too: list-associated-access-policies brings AWS's own); a later describe of the
// same principal keeps the policies listed for it.
void IdentityCollector::add_entry(AccessEntry&& entry) {
  auto same =
      std::find_if(inputs_.access_entries.begin(), inputs_.access_entries.end(),
                   [&](const AccessEntry& e) { return e.principal_arn == entry.principal_arn; });
  if (same == inputs_.access_entries.end()) {
    inputs_.access_entries.push_back(std::move(entry));
    return;
  }
  if (entry.from_eksctl && !same->from_eksctl) return;
  if (!entry.from_eksctl && !same->from_eksctl) {
    entry.policies = std::move(same->policies);
    entry.policies_listed = same->policies_listed;
  }
  *same = std::move(entry);
}

// A boolean member; absent or null reads as nullopt, another type is an input error.
std::optional<bool> IdentityCollector::bool_member(const doc::Node& object, std::string_view key,
                                                   std::string_view path, std::string_view file) {
  const doc::Node* member = object.get(key);
  if (member == nullptr || member->is_null()) return std::nullopt;
  if (member->is_bool()) return member->as_bool();
  error(file, *member,
        fmt::format("{}.{} is {}, expected a boolean", path, key,
                    doc::describe(member->kind(), true)));
  return std::nullopt;
}

// A list of strings (kubernetesGroups, accessScope.namespaces); other items are input errors.
std::vector<std::string> IdentityCollector::string_list(const doc::Node& object,
                                                        std::string_view key, std::string_view path,
                                                        std::string_view file) {
  std::vector<std::string> out;
  const doc::Node* list = object.get(key);
  if (list == nullptr || list->is_null()) return out;
  if (!list->is_sequence()) {
    error(file, *list,
          fmt::format("{}.{} is {}, expected an array of strings", path, key,
                      doc::describe(list->kind(), true)));
    return out;
  }
  for (const doc::Node* item : list->items()) {
    if (item->is_string()) {
      out.emplace_back(item->text());
    } else {
      error(file, *item,
            fmt::format("{}.{} holds {}, expected strings", path, key,
                        doc::describe(item->kind(), true)));
    }
  }
  return out;
}

void IdentityCollector::read_entry_list(const doc::Node& list, std::string_view file) {
  if (!list.is_sequence()) {
    error(file, list,
          fmt::format("accessEntries is {}, expected an array of principal ARNs",
                      doc::describe(list.kind(), true)));
    return;
  }
  size_t index = 0;
  for (const doc::Node* item : list.items()) {
    const std::string path = fmt::format("accessEntries[{}]", index++);
    if (item->is_string()) {
      listed_entries_.push_back(
          ListedEntry{std::string(item->text()), origin_of(file, *item, path)});
    } else if (item->is_mapping()) {
      read_access_entry(*item, file, path);  // some tools dump full entries in the list
    } else {
      error(file, *item,
            fmt::format("{} is {}, expected a principal ARN", path,
                        doc::describe(item->kind(), true)));
    }
  }
}

void IdentityCollector::read_policy_list(const doc::Node& root, std::string_view file) {
  PolicyList list;
  list.principal_arn = string_member(root, "principalArn", "$", file);
  list.cluster_name = string_member(root, "clusterName", "$", file);
  list.origin = origin_of(file, root, "");
  if (list.principal_arn.empty()) {
    error(file, root,
          "list-associated-access-policies output without principalArn: cannot tell whose "
          "policies these are");
    return;
  }
  for_each_mapping(*root.get("associatedAccessPolicies"), file, "associatedAccessPolicies",
                   "an object", [&](const doc::Node& item, const std::string& path) {
                     if (auto association = read_policy_association(item, "policyArn", file, path))
                       list.policies.push_back(std::move(*association));
                   });
  policy_lists_.push_back(std::move(list));
}

// {policyArn|policyARN, accessScope: {type, namespaces}}: an item of
// list-associated-access-policies or of an eksctl access entry's accessPolicies.
std::optional<PolicyAssociation> IdentityCollector::read_policy_association(
    const doc::Node& item, std::string_view arn_key, std::string_view file,
    const std::string& path) {
  PolicyAssociation association;
  association.policy_arn = string_member(item, arn_key, path, file);
  association.origin = origin_of(file, item, path);
  if (association.policy_arn.empty()) {
    error(file, item, fmt::format("{}: {} is missing", path, arn_key));
    return std::nullopt;
  }
  association.policy = find_access_policy(association.policy_arn);
  if (const doc::Node* scope = item.get("accessScope"); scope != nullptr && scope->is_mapping()) {
    const std::string scope_path = path + ".accessScope";
    association.scope.type = string_member(*scope, "type", scope_path, file);
    association.scope.namespaces = string_list(*scope, "namespaces", scope_path, file);
  } else {
    error(file, item, fmt::format("{}: accessScope is missing or not an object", path));
  }
  return association;
}

void IdentityCollector::read_access_policies(const doc::Node& list, std::string_view file) {
  for (const doc::Node* item : list.items()) {
    if (item->is_mapping() && !item->string_at("arn").empty())
      inputs_.listed_policies.emplace_back(item->string_at("arn"));
  }
  if (!list.is_sequence())
    error(file, list, "accessPolicies must be an array of {name, arn} objects");
}

void IdentityCollector::read_node_role(const doc::Node& node, std::string_view field,
                                       std::string_view name_field, std::string_view what,
                                       std::string_view file, std::string path) {
  const std::string arn = string_member(node, field, path, file);
  if (arn.empty()) return;
  const std::string name =
      name_field.empty() ? std::string() : std::string(node.string_at(name_field));
  const doc::Node& at = node.get(field) != nullptr ? *node.get(field) : node;
  inputs_.node_roles.push_back(
      NodeRole{arn, name.empty() ? std::string(what) : fmt::format("{} {}", what, name),
               origin_of(file, at, path + "." + std::string(field))});
}

void IdentityCollector::merge(IdentityCollector&& other) {
  auto move_all = [](auto& into, auto& from) {
    std::move(from.begin(), from.end(), std::back_inserter(into));
  };
  IdentityInputs& in = other.inputs_;
  move_all(inputs_.aws_auth, in.aws_auth);
  for (AccessEntry& entry : in.access_entries) add_entry(std::move(entry));
  if (in.cluster) set_cluster(std::move(*in.cluster));
  move_all(inputs_.node_roles, in.node_roles);
  move_all(inputs_.roles, in.roles);
  move_all(inputs_.service_account_roles, in.service_account_roles);
  for (PodIdentityAssociation& association : in.pod_identity_associations)
    upsert(inputs_.pod_identity_associations, std::move(association));
  move_all(inputs_.listed_policies, in.listed_policies);
  move_all(inputs_.errors, in.errors);
  move_all(policy_lists_, other.policy_lists_);
  move_all(listed_entries_, other.listed_entries_);
}

IdentityInputs IdentityCollector::finish() && {
  auto find_entry = [&](std::string_view principal) {
    return std::find_if(inputs_.access_entries.begin(), inputs_.access_entries.end(),
                        [&](const AccessEntry& e) { return e.principal_arn == principal; });
  };
  auto add_placeholder = [&](const std::string& principal, const Origin& origin) {
    AccessEntry entry;
    entry.principal_arn = principal;
    entry.type.clear();  // not described: the type is unknown
    entry.origin = origin;
    inputs_.access_entries.push_back(std::move(entry));
    return std::prev(inputs_.access_entries.end());
  };
  for (const ListedEntry& listed : listed_entries_) {
    if (find_entry(listed.principal_arn) == inputs_.access_entries.end())
      add_placeholder(listed.principal_arn, listed.origin);
  }
  for (PolicyList& list : policy_lists_) {
    auto entry = find_entry(list.principal_arn);
    if (entry == inputs_.access_entries.end())
      entry = add_placeholder(list.principal_arn, list.origin);
    if (entry->from_eksctl) {  // AWS's associations replace the declared ones
      entry->policies.clear();
      entry->from_eksctl = false;
    }
    entry->policies_listed = true;
    std::move(list.policies.begin(), list.policies.end(), std::back_inserter(entry->policies));
  }
  return std::move(inputs_);
}

std::vector<std::string> IdentityInputs::missing() const {
  std::vector<std::string> out;
  if (!cluster) {
    out.emplace_back(
        "aws eks describe-cluster: without it the authentication mode is unknown (aws-auth and "
        "access entries are both considered, access entries first) and the cluster's account "
        "is unknown");
  }
  const AuthenticationMode mode = cluster ? cluster->mode : AuthenticationMode::kUnknown;
  if (cluster && mode == AuthenticationMode::kUnknown) {
    out.emplace_back(
        "describe-cluster has no accessConfig.authenticationMode (older cluster or CLI): the "
        "mode is unknown");
  }
  if (mode != AuthenticationMode::kApi && aws_auth.empty()) {
    out.emplace_back("kubectl -n kube-system get configmap aws-auth -o yaml");
  }
  if (mode != AuthenticationMode::kConfigMap && access_entries.empty()) {
    out.emplace_back(
        "aws eks list-access-entries and describe-access-entry for each entry (or they were "
        "listed empty)");
  }
  size_t undescribed = 0;
  size_t unlisted = 0;
  for (const AccessEntry& entry : access_entries) {
    undescribed += entry.described ? 0 : 1;
    unlisted += !entry.policies_listed && (entry.type == "STANDARD" || entry.type.empty()) ? 1 : 0;
  }
  if (undescribed > 0)
    out.push_back(fmt::format("aws eks describe-access-entry for {} listed entr{}", undescribed,
                              undescribed == 1 ? "y" : "ies"));
  if (unlisted > 0)
    out.push_back(fmt::format("aws eks list-associated-access-policies for {} entr{}", unlisted,
                              unlisted == 1 ? "y" : "ies"));
  return out;
}

IdentityInputs collect_identity_inputs(const std::vector<std::string>& paths,
                                       const doc::Limits& limits) {
  IdentityCollector collector(limits);
  std::vector<InputError> errors;
  for (const std::string& path : paths) {
    for (const std::string& file : scan::expand_path(path, errors)) {
      const std::string name = file == "-" ? "stdin" : file;
      auto text = doc::read_input(file, limits);
      if (!text) {
        errors.push_back(
            InputError{name, text.error().line, text.error().column, text.error().message});
        continue;
      }
      for (const Error& error : doc::load_padded(*text, name, limits, [&](doc::Document& document) {
             collector.add_document(document, text->view());
           })) {
        errors.push_back(InputError{name, error.line, error.column, error.message});
      }
    }
  }
  IdentityInputs inputs = std::move(collector).finish();
  errors.insert(errors.end(), std::make_move_iterator(inputs.errors.begin()),
                std::make_move_iterator(inputs.errors.end()));
  inputs.errors = std::move(errors);
  return inputs;
}

}  // namespace eksguard::identity
