#include "identity/checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "identity/arn.h"
#include "identity/resolver.h"

namespace eksguard::identity {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_node_mapping(const AwsAuthMapping& mapping) {
  return contains(mapping.groups, "system:nodes") || mapping.username.starts_with("system:node:");
}

std::string at_line(const Origin& origin) {
  return origin.position.line > 0 ? fmt::format("line {}", origin.position.line) : origin.path;
}

class Reporter {
 public:
  explicit Reporter(std::vector<Finding>& out) : out_(out) {}

  Finding& emit(CheckId check, const SubjectPtr& subject, const Origin& origin,
                std::string message) {
    Finding& finding = out_.emplace_back(check, subject);
    finding.message = std::move(message);
    finding.position = origin.position;
    finding.path = origin.path;
    return finding;
  }

 private:
  std::vector<Finding>& out_;
};

std::string describe_mapping(const AwsAuthMapping& mapping) {
  const std::string who =
      mapping.sso ? fmt::format("sso permission set {} in {}", mapping.sso->permission_set_name,
                                mapping.sso->account_id)
                  : fmt::format("`{}`", mapping.arn);
  return fmt::format("{} item {} ({})", section_name(mapping.section), mapping.index, who);
}

class AwsAuthChecks {
 public:
  AwsAuthChecks(const AwsAuth& auth, const IdentityInputs& inputs, std::string account,
                Reporter& reporter)
      : auth_(auth),
        inputs_(inputs),
        account_(std::move(account)),
        reporter_(reporter),
        subject_(std::make_shared<const Subject>(Subject{auth.ref, auth.origin.file})) {}

  void run() {
    diagnostics();
    for (const auto* mappings : {&auth_.roles, &auth_.users}) {
      for (const AwsAuthMapping& mapping : *mappings) per_mapping(mapping);
    }
    duplicates();
    for (const AccountMapping& account : auth_.accounts) {
      emit(CheckId::kEksAwsAuthMapAccounts, account.origin,
           fmt::format("mapAccounts lists {}: every IAM principal of that account that is not "
                       "mapped otherwise authenticates (as its ARN, in system:authenticated)",
                       account.account));
    }
  }

 private:
  void emit(CheckId check, const Origin& origin, std::string message) {
    Finding& finding = reporter_.emit(check, subject_, origin, std::move(message));
    // Under API the cluster never reads the ConfigMap: what it says no longer matters.
    if (inputs_.cluster && inputs_.cluster->mode == AuthenticationMode::kApi) {
      finding.severity = Severity::kInfo;
      finding.set_note(
          "the cluster's authentication mode is API: aws-auth is not read (remove the ConfigMap)");
    }
  }

  void diagnostics() {
    for (const AwsAuthDiagnostic& diagnostic : auth_.diagnostics) {
      const CheckId check = diagnostic.problem == AwsAuthProblem::kIgnoredKey
                                ? CheckId::kEksAwsAuthIgnoredKey
                                : CheckId::kEksAwsAuthUnparseable;
      emit(check, diagnostic.origin, fmt::format("[{}] {}", diagnostic.code, diagnostic.message));
    }
  }

  void per_mapping(const AwsAuthMapping& mapping) {
    groups(mapping);
    templates(mapping);
    const auto arn = parse_arn(mapping.arn);
    if (contains(mapping.groups, "system:masters")) {
      emit(CheckId::kEksAwsAuthSystemMasters, mapping.arn_origin,
           fmt::format("{} is mapped to system:masters: it bypasses RBAC authorization, and no "
                       "RBAC change can revoke it",
                       describe_mapping(mapping)));
    }
    if (mapping.section == Section::kMapRoles && arn && arn->type == PrincipalType::kRole &&
        !arn->path.empty()) {
      emit(CheckId::kEksAwsAuthRoleArnPath, mapping.arn_origin,
           fmt::format("role ARN `{}` has the path `{}`: sessions of the role present `{}`, so "
                       "this mapping never matches (write the ARN without the path, or use an "
                       "access entry)",
                       mapping.arn, arn->path, caller_arn(*arn)));
    }
    if (arn && arn->type == PrincipalType::kUser) {
      emit(CheckId::kEksAwsAuthIamUsers, mapping.arn_origin,
           fmt::format("IAM user `{}` is mapped: users sign in with long-term access keys",
                       mapping.arn));
    }
    if (arn && arn->type == PrincipalType::kRoot) {
      emit(CheckId::kEksAwsAuthRootPrincipal, mapping.arn_origin,
           fmt::format("the root user of account {} is mapped (`{}`)", arn->account, mapping.arn));
    }
    node_spoofing(mapping, arn);
    static_username(mapping);
    const std::string account = mapping.sso ? mapping.sso->account_id : arn ? arn->account : "";
    if (!account_.empty() && !account.empty() && account != account_) {
      emit(CheckId::kEksAwsAuthCrossAccount, mapping.arn_origin,
           fmt::format("{} belongs to account {}, not the cluster's account {}",
                       describe_mapping(mapping), account, account_));
    }
  }

  void groups(const AwsAuthMapping& mapping) {
    for (size_t i = 0; i < mapping.groups.size(); ++i) {
      const std::string& group = mapping.groups[i];
      const bool spaced = group.find_first_of(" \t\n") != std::string::npos;
      if (!spaced && !group.empty()) continue;
      emit(CheckId::kEksAwsAuthSuspiciousGroup, mapping.group_origins[i],
           group.empty() ? fmt::format("{} has an empty group name", describe_mapping(mapping))
                         : fmt::format("{} has the group \"{}\": group names have no spaces, so "
                                       "this is likely a mis-indented list that became one "
                                       "string{}",
                                       describe_mapping(mapping), group,
                                       group.find(" - ") != std::string::npos
                                           ? "; none of the groups in it apply"
                                           : ""));
    }
    if (contains(mapping.groups, "system:bootstrappers") &&
        !contains(mapping.groups, "system:nodes")) {
      emit(CheckId::kEksAwsAuthSuspiciousGroup, mapping.origin,
           fmt::format("{} has system:bootstrappers but not system:nodes: nodes with this role "
                       "cannot register or stay Ready",
                       describe_mapping(mapping)));
    }
  }

  void templates(const AwsAuthMapping& mapping) {
    auto check = [&](const std::string& text, const Origin& origin, std::string_view what) {
      const TemplateInfo info = scan_template(text);
      if (info.unknown.empty()) return;
      emit(CheckId::kEksAwsAuthSuspiciousGroup, origin,
           fmt::format("{} {} `{}` holds `{}`, which is not a placeholder (AccountID, "
                       "SessionName, SessionNameRaw, EC2PrivateDNSName, AccessKeyID; "
                       "case-sensitive): it stays in the name literally",
                       describe_mapping(mapping), what, text, info.unknown));
    };
    check(mapping.username, mapping.username_origin, "username");
    for (size_t i = 0; i < mapping.groups.size(); ++i)
      check(mapping.groups[i], mapping.group_origins[i], "group");
  }

  void node_spoofing(const AwsAuthMapping& mapping, const std::optional<Arn>& arn) {
    if (!is_node_mapping(mapping)) return;
    const TemplateInfo info = scan_template(mapping.username);
    std::string reason;
    if (mapping.section == Section::kMapUsers) {
      reason = "an IAM user is never a node";
    } else if (mapping.username.starts_with("system:node:") && info.placeholders == 0) {
      reason = "its username names one fixed node, so the role can act as that node";
    } else if (!inputs_.node_roles.empty() && arn) {
      const bool known = std::any_of(inputs_.node_roles.begin(), inputs_.node_roles.end(),
                                     [&](const NodeRole& role) {
                                       const auto node = parse_arn(role.arn);
                                       return node && node->account == arn->account &&
                                              to_lower(node->name) == to_lower(arn->name);
                                     });
      if (!known)
        reason =
            "no node group, Fargate profile or Auto Mode configuration in the inputs uses "
            "this role";
    }
    if (reason.empty()) return;
    emit(CheckId::kEksAwsAuthNodeSpoofing, mapping.arn_origin,
         fmt::format("{} gets a node identity ({}): {}", describe_mapping(mapping),
                     mapping.username.empty() ? "group system:nodes" : mapping.username, reason));
  }

  void static_username(const AwsAuthMapping& mapping) {
    if (mapping.section != Section::kMapRoles || is_node_mapping(mapping) ||
        mapping.username.empty())
      return;
    const TemplateInfo info = scan_template(mapping.username);
    if ((info.placeholders & (kSessionName | kSessionNameRaw | kAccessKeyId)) != 0) return;
    emit(CheckId::kEksAwsAuthStaticUsername, mapping.username_origin,
         fmt::format("every session of {} is the Kubernetes user `{}`: audit logs cannot tell "
                     "who acted (add {{{{SessionName}}}})",
                     describe_mapping(mapping), mapping.username));
  }

  void duplicates() {
    for (const auto* mappings : {&auth_.roles, &auth_.users}) {
      std::map<std::string, std::vector<const AwsAuthMapping*>> by_arn;
      for (const AwsAuthMapping& mapping : *mappings)
        by_arn[to_lower(mapping.key)].push_back(&mapping);
      for (const auto& [key, group] : by_arn) {
        if (group.size() < 2) continue;
        const AwsAuthMapping* winner = nullptr;
        size_t effective = 0;
        for (const AwsAuthMapping* mapping : group) {
          if (mapping->effective) {
            winner = mapping;
            ++effective;
          }
        }
        for (const AwsAuthMapping* mapping : group) {
          if (mapping->effective && effective == 1) continue;
          emit(CheckId::kEksAwsAuthDuplicateArn, mapping->arn_origin,
               effective == 1
                   ? fmt::format("{} is mapped again by item {} ({}): this item is never used",
                                 describe_mapping(*mapping), winner->index, at_line(winner->origin))
                   : fmt::format("{} is mapped {} times with ARNs that differ only in case: the "
                                 "authenticator keeps them all and picks one at random",
                                 describe_mapping(*mapping), group.size()));
        }
      }
    }
  }

  const AwsAuth& auth_;
  const IdentityInputs& inputs_;
  std::string account_;
  Reporter& reporter_;
  SubjectPtr subject_;
};

bool wildcard_or_system(std::string_view ns) {
  return ns.find_first_of("*?") != std::string_view::npos || ns == "kube-system";
}

void check_entry(const AccessEntry& entry, const IdentityInputs& inputs,
                 const IdentityCheckOptions& options, const std::string& account,
                 Reporter& reporter) {
  // The entry and its policy associations come from different files (describe-access-entry,
  // list-associated-access-policies): each finding names the file its position is in.
  SubjectPtr subject;
  auto emit = [&](CheckId check, const Origin& origin, std::string message) {
    if (!subject || subject->file != origin.file)
      subject = std::make_shared<const Subject>(Subject{access_entry_ref(entry), origin.file});
    reporter.emit(check, subject, origin, std::move(message));
  };
  const auto arn = parse_arn(entry.principal_arn);
  const std::string& who = entry.principal_arn;
  for (const PolicyAssociation& association : entry.policies) {
    const AccessPolicyInfo* policy = association.policy;
    const bool cluster_scope = association.scope.type == "cluster";
    const std::string scope =
        cluster_scope ? std::string("the whole cluster")
                      : fmt::format("namespaces {}", fmt::join(association.scope.namespaces, ", "));
    if (policy == nullptr) {
      const bool listed = contains(inputs.listed_policies, association.policy_arn);
      emit(CheckId::kEksAccessUnknownPolicy, association.origin,
           fmt::format("`{}` has access policy `{}`, which eksguard does not know{}: review what "
                       "it grants",
                       who, association.policy_arn,
                       listed ? " (list-access-policies shows it exists)" : ""));
    } else if (policy->cluster_admin) {
      emit(CheckId::kEksAccessClusterAdmin, association.origin,
           fmt::format("`{}` has {} on {}: every action on every resource", who, policy->name,
                       scope));
    } else {
      if (policy->broad && cluster_scope)
        emit(CheckId::kEksAccessBroadClusterScope, association.origin,
             fmt::format("`{}` has {} ({}) on the whole cluster", who, policy->name,
                         policy->meaning));
      if (policy->reads_secrets)
        emit(CheckId::kEksAccessSecretsPolicy, association.origin,
             fmt::format("`{}` has {} on {}: it reads Secrets", who, policy->name, scope));
    }
    for (const std::string& ns : association.scope.namespaces) {
      if (!wildcard_or_system(ns)) continue;
      emit(CheckId::kEksAccessWildcardNamespace, association.origin,
           fmt::format(
               "`{}` has {} in namespace `{}`{}", who,
               policy != nullptr ? policy->name : std::string_view(association.policy_arn), ns,
               ns == "kube-system" ? ", which holds cluster credentials"
                                   : ": the pattern also matches namespaces created later"));
    }
  }
  for (const std::string& group : entry.kubernetes_groups) {
    if (group == "system:masters" || contains(options.cluster_admin_groups, group)) {
      emit(CheckId::kEksAccessPrivilegedGroup, entry.origin,
           fmt::format("`{}` is put in group `{}`, which {}", who, group,
                       group == "system:masters" ? "bypasses RBAC" : "is bound to cluster-admin"));
    }
    if (options.bound_groups && group != "system:masters" &&
        !contains(*options.bound_groups, group)) {
      emit(CheckId::kEksAccessDanglingGroup, entry.origin,
           fmt::format("`{}` is put in group `{}`, which no RoleBinding or ClusterRoleBinding "
                       "names",
                       who, group));
    }
  }
  if (arn && !account.empty() && arn->account != account &&
      (entry.type == "STANDARD" || entry.type.empty())) {
    emit(CheckId::kEksAccessCrossAccount, entry.origin,
         fmt::format("`{}` belongs to account {}, not the cluster's account {}", who, arn->account,
                     account));
  }
  if (arn && arn->type == PrincipalType::kUser) {
    emit(CheckId::kEksAccessIamUser, entry.origin,
         fmt::format("`{}` is an IAM user: it signs in with long-term access keys", who));
  }
}

// Under API_AND_CONFIG_MAP (or an unknown mode) an access entry decides for its principal: the
// aws-auth mapping of the same principal is dead weight that confuses reviews.
void shadowed_mappings(const Resolver& resolver, Reporter& reporter) {
  const AwsAuth* auth = resolver.aws_auth();
  if (auth == nullptr || !resolver.uses_aws_auth() || !resolver.uses_access_entries()) return;
  const SubjectPtr subject = std::make_shared<const Subject>(Subject{auth->ref, auth->origin.file});
  for (const auto* mappings : {&auth->roles, &auth->users}) {
    for (const AwsAuthMapping& mapping : *mappings) {
      const auto arn = parse_arn(mapping.arn);
      if (!mapping.effective || !arn || (arn->type == PrincipalType::kRole && !arn->path.empty()))
        continue;
      const AccessEntry* entry = resolver.find_entry(*arn);
      if (entry == nullptr) continue;
      reporter.emit(CheckId::kEksAccessShadowsAwsAuth, subject, mapping.arn_origin,
                    fmt::format("{} is also an access entry ({}:{}); the access entry decides "
                                "(authentication mode {})",
                                describe_mapping(mapping), entry->origin.file,
                                entry->origin.position.line, to_string(resolver.mode())));
    }
  }
}

std::string_view mode_source(const ClusterAccess& cluster) {
  if (cluster.source == ClusterSource::kDescribeCluster) return "";
  return cluster.mode_defaulted ? " (eksctl's default: accessConfig.authenticationMode is not set)"
                                : " (eksctl ClusterConfig)";
}

const PolicyAssociation* cluster_admin_association(const AccessEntry& entry) {
  auto admin = std::find_if(
      entry.policies.begin(), entry.policies.end(),
      [](const PolicyAssociation& a) { return a.policy != nullptr && a.policy->cluster_admin; });
  return admin == entry.policies.end() ? nullptr : &*admin;
}

// The cluster's authentication configuration (EKS-AUTH-001…003), reported on the cluster at
// the accessConfig field that decides.
class AuthenticationChecks {
 public:
  AuthenticationChecks(const IdentityInputs& inputs, const IdentityCheckOptions& options,
                       Reporter& reporter)
      : inputs_(inputs),
        cluster_(*inputs.cluster),
        options_(options),
        reporter_(reporter),
        subject_(std::make_shared<const Subject>(
            Subject{cluster_ref(*inputs.cluster), inputs.cluster->origin.file})) {}

  void run() {
    if (cluster_.mode == AuthenticationMode::kConfigMap) {
      reporter_.emit(CheckId::kEksAuthConfigMapOnly, subject_, cluster_.mode_origin,
                     fmt::format("authentication mode is CONFIG_MAP{}: only the aws-auth "
                                 "ConfigMap admits IAM principals, so access entries cannot be "
                                 "used and one bad edit of aws-auth locks everyone out",
                                 mode_source(cluster_)));
    }
    if (cluster_.mode == AuthenticationMode::kApiAndConfigMap) unfinished_migration();
    bootstrap_admin();
  }

 private:
  void unfinished_migration() {
    std::vector<const AwsAuthMapping*> remaining;
    size_t accounts = 0;
    for (const AwsAuth& auth : inputs_.aws_auth) {
      for (const auto* mappings : {&auth.roles, &auth.users})
        for (const AwsAuthMapping& mapping : *mappings)
          if (!is_node_mapping(mapping)) remaining.push_back(&mapping);
      accounts += auth.accounts.size();
    }
    if (remaining.empty() && accounts == 0) return;
    std::string first;
    if (!remaining.empty())
      first = fmt::format(", first {} ({}:{})", describe_mapping(*remaining.front()),
                          remaining.front()->origin.file, remaining.front()->origin.position.line);
    reporter_.emit(
        CheckId::kEksAuthMigrationUnfinished, subject_, cluster_.mode_origin,
        fmt::format("authentication mode is API_AND_CONFIG_MAP{} and aws-auth still maps {} "
                    "principal{} that {} not nodes{}{}: the move to access entries is unfinished",
                    mode_source(cluster_), remaining.size(), remaining.size() == 1 ? "" : "s",
                    remaining.size() == 1 ? "is" : "are",
                    accounts > 0 ? fmt::format(" and {} mapAccounts item{}", accounts,
                                               accounts == 1 ? "" : "s")
                                 : std::string(),
                    first));
  }

  void bootstrap_admin() {
    if (cluster_.mode == AuthenticationMode::kConfigMap) {
      Finding& finding = reporter_.emit(
          CheckId::kEksAuthBootstrapAdmin, subject_, cluster_.mode_origin,
          "under CONFIG_MAP the IAM principal that created the cluster is system:masters without "
          "any aws-auth entry: nobody sees it in the cluster, and it cannot be removed before "
          "the cluster moves to access entries");
      finding.severity = Severity::kInfo;
      return;
    }
    if (!options_.cluster_creator.empty()) {
      creator_entry();
      return;
    }
    if (cluster_.bootstrap_admin != true) return;
    size_t admins = 0;
    for (const AccessEntry& entry : inputs_.access_entries)
      admins += cluster_admin_association(entry) != nullptr ? 1 : 0;
    reporter_.emit(
        CheckId::kEksAuthBootstrapAdmin, subject_, cluster_.bootstrap_origin,
        fmt::format("bootstrapClusterCreatorAdminPermissions is true{}: EKS gave the IAM principal "
                    "that created the cluster an access entry with AmazonEKSClusterAdminPolicy{}",
                    cluster_.bootstrap_defaulted ? " (eksctl's default: the field is not set)" : "",
                    admins > 0 ? fmt::format("; {} access entr{} in the inputs {} that policy "
                                             "(EKS-AE-001), the creator's among them unless it "
                                             "was disassociated (give --cluster-creator to tell)",
                                             admins, admins == 1 ? "y" : "ies",
                                             admins == 1 ? "has" : "have")
                               : std::string(", unless it was disassociated since")));
  }

  // The creator is known: its access entry tells whether the bootstrap admin is still there.
  void creator_entry() {
    const auto creator = parse_arn(options_.cluster_creator);
    const AccessEntry* entry = creator ? Resolver(inputs_).find_entry(*creator) : nullptr;
    if (entry != nullptr) {
      const PolicyAssociation* admin = cluster_admin_association(*entry);
      if (admin == nullptr) return;  // disassociated: done as the BPG says
      reporter_.emit(
          CheckId::kEksAuthBootstrapAdmin, subject_, cluster_.bootstrap_origin,
          fmt::format("the cluster creator `{}` still has AmazonEKSClusterAdminPolicy "
                      "through its access entry ({}:{})",
                      options_.cluster_creator, admin->origin.file, admin->origin.position.line));
      return;
    }
    // No entry for the creator: deleted, or the access entries are not in the inputs.
    if (cluster_.bootstrap_admin == true && inputs_.access_entries.empty())
      reporter_.emit(
          CheckId::kEksAuthBootstrapAdmin, subject_, cluster_.bootstrap_origin,
          fmt::format("bootstrapClusterCreatorAdminPermissions is true{}: the cluster creator `{}` "
                      "got AmazonEKSClusterAdminPolicy (no access entries in the inputs show "
                      "whether it was removed)",
                      cluster_.bootstrap_defaulted ? " (eksctl's default)" : "",
                      options_.cluster_creator));
  }

  const IdentityInputs& inputs_;
  const ClusterAccess& cluster_;
  const IdentityCheckOptions& options_;
  Reporter& reporter_;
  SubjectPtr subject_;
};

}  // namespace

k8s::ObjectRef access_entry_ref(const AccessEntry& entry) {
  return k8s::ObjectRef{"", "AccessEntry", "", entry.principal_arn};
}

k8s::ObjectRef cluster_ref(const ClusterAccess& cluster) {
  if (cluster.source == ClusterSource::kEksctl)
    return k8s::ObjectRef{cluster.api_version, "ClusterConfig", "", cluster.name};
  return k8s::ObjectRef{"", "Cluster", "", cluster.name};
}

void check_identity(const IdentityInputs& inputs, const IdentityCheckOptions& options,
                    std::vector<Finding>& out) {
  Reporter reporter(out);
  const std::string account = !options.cluster_account.empty() ? options.cluster_account
                              : inputs.cluster                 ? inputs.cluster->account
                                                               : std::string();
  for (const AwsAuth& auth : inputs.aws_auth) AwsAuthChecks(auth, inputs, account, reporter).run();
  for (const AccessEntry& entry : inputs.access_entries)
    check_entry(entry, inputs, options, account, reporter);
  shadowed_mappings(Resolver(inputs), reporter);
  if (inputs.cluster) AuthenticationChecks(inputs, options, reporter).run();
}

}  // namespace eksguard::identity
