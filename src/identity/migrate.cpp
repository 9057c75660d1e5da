#include "identity/migrate.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <unordered_map>

#include "identity/arn.h"
#include "report/json_writer.h"

namespace eksguard::identity {
namespace {

constexpr std::string_view kClusterAdminPolicy = "AmazonEKSClusterAdminPolicy";
constexpr std::array<std::string_view, 5> kReservedPrefixes{
    "system:", "eks:", "aws:", "amazon:", "iam:"};

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool reserved_username(std::string_view name) {
  return std::any_of(kReservedPrefixes.begin(), kReservedPrefixes.end(),
                     [&](std::string_view prefix) { return name.starts_with(prefix); });
}

std::string where(const Origin& origin) {
  return origin.position.line > 0 ? fmt::format("{}:{}", origin.file, origin.position.line)
                                  : origin.file;
}

// Node roles keep only what EKS sets for the entry type; extra groups are reported.
void plan_node(const AwsAuthMapping& mapping, PlannedEntry& entry) {
  const bool fargate = contains(mapping.groups, "system:node-proxier") ||
                       mapping.username == "system:node:{{SessionName}}";
  entry.type = fargate                                              ? "FARGATE_LINUX"
               : contains(mapping.groups, "eks:kube-proxy-windows") ? "EC2_WINDOWS"
                                                                    : "EC2_LINUX";
  const std::string_view expected =
      fargate ? "system:node:{{SessionName}}" : "system:node:{{EC2PrivateDNSName}}";
  if (mapping.username != expected)
    entry.notes.push_back(fmt::format("username `{}` becomes EKS's `{}` for {} entries",
                                      mapping.username, expected, entry.type));
  for (const std::string& group : mapping.groups) {
    if (group == "system:bootstrappers" || group == "system:nodes" ||
        group == "system:node-proxier" || group == "eks:kube-proxy-windows")
      continue;
    entry.notes.push_back(
        fmt::format("group `{}` is dropped: {} entries take no "
                    "kubernetesGroups (bind the node's user or system:nodes "
                    "instead)",
                    group, entry.type));
  }
}

void plan_username(const AwsAuthMapping& mapping, const Arn& arn, PlannedEntry& entry) {
  if (mapping.username.empty()) {
    entry.notes.emplace_back(
        "aws-auth sets no username (those logins failed); the entry gets EKS's default username");
    return;
  }
  std::string username = render_template(mapping.username, CallerFacts{arn.account, {}, {}});
  const TemplateInfo info = scan_template(username);
  if (reserved_username(username)) {
    entry.notes.push_back(fmt::format(
        "username `{}` starts with a prefix access entries reserve (system:, eks:, aws:, amazon:, "
        "iam:); the entry gets EKS's default username: update RBAC subjects that name it",
        mapping.username));
    return;
  }
  if ((info.placeholders & ~kSessionName) != 0 || !info.unknown.empty()) {
    entry.notes.push_back(fmt::format(
        "username `{}` uses placeholders access entries do not take ({{{{SessionNameRaw}}}}, "
        "{{{{AccessKeyID}}}}, {{{{EC2PrivateDNSName}}}}); the entry gets EKS's default username: "
        "update RBAC subjects that name it",
        mapping.username));
    return;
  }
  if ((info.placeholders & kSessionName) != 0) {
    const size_t at = username.find("{{SessionName}}");
    if (username.substr(0, at).find(':') == std::string::npos) {
      entry.notes.push_back(fmt::format(
          "username `{}`: access entries need a `:` before {{{{SessionName}}}}; the entry gets "
          "EKS's default username: update RBAC subjects that name it",
          mapping.username));
      return;
    }
    entry.notes.push_back(
        "username keeps {{SessionName}}: check that the rendered names match your RBAC subjects "
        "(aws-auth replaced '@' by '-' in session names)");
  }
  entry.username = std::move(username);
}

void plan_standard(const AwsAuthMapping& mapping, const Arn& arn, PlannedEntry& entry) {
  entry.type = "STANDARD";
  plan_username(mapping, arn, entry);
  for (const std::string& group : mapping.groups) {
    if (group == "system:masters") {
      entry.policies.push_back(PlannedPolicy{fmt::format("arn:{}:eks::aws:cluster-access-policy/{}",
                                                         arn.partition, kClusterAdminPolicy),
                                             "cluster",
                                             {}});
      entry.notes.emplace_back(
          "system:masters becomes AmazonEKSClusterAdminPolicy at cluster scope (same rights, but "
          "removable; consider a narrower policy)");
    } else if (group.starts_with("system:")) {
      entry.notes.push_back(
          fmt::format("group `{}` is dropped: kubernetesGroups cannot start with system:", group));
    } else if (scan_template(group).placeholders != 0 || !scan_template(group).unknown.empty()) {
      entry.notes.push_back(fmt::format(
          "group `{}` is a template, which access entries do not render: dropped", group));
    } else if (group.empty()) {
      entry.notes.emplace_back("an empty group name is dropped");
    } else if (!contains(entry.groups, group)) {
      entry.groups.push_back(group);
    }
  }
}

PlannedEntry plan_mapping(const AwsAuth& auth, const AwsAuthMapping& mapping,
                          const MigrationOptions& options) {
  PlannedEntry entry;
  entry.source = fmt::format("{}[{}]", section_name(mapping.section), mapping.index);
  entry.origin = mapping.origin;
  entry.principal_arn = mapping.arn;
  // A skipped item keeps what it said, so the commented-out entry shows it.
  auto skip = [&](std::string reason) {
    entry.username = mapping.username;
    entry.groups = mapping.groups;
    entry.migrate = false;
    entry.notes.push_back(std::move(reason));
    return entry;
  };
  if (!mapping.effective) {
    const auto& same = mapping.section == Section::kMapRoles ? auth.roles : auth.users;
    const auto winner = std::find_if(same.rbegin(), same.rend(),
                                     [&](const AwsAuthMapping& m) { return m.key == mapping.key; });
    return skip(
        fmt::format("replaced by {}[{}] ({}), which maps the same ARN: the authenticator "
                    "never used this item",
                    section_name(mapping.section), winner->index, where(winner->origin)));
  }
  if (mapping.sso) {
    return skip(fmt::format(
        "sso item (permission set {} in {}): an access entry names one role; create one per "
        "AWSReservedSSO_{}_* role with its full ARN (aws iam list-roles --path-prefix "
        "/aws-reserved/sso.amazonaws.com/)",
        mapping.sso->permission_set_name, mapping.sso->account_id,
        mapping.sso->permission_set_name));
  }
  if (mapping.arn.find_first_of("*?") != std::string::npos)
    return skip("the ARN is a wildcard pattern; an access entry names exactly one principal");
  const auto arn = parse_arn(mapping.arn);
  if (!arn || (arn->type != PrincipalType::kRole && arn->type != PrincipalType::kUser))
    return skip(fmt::format("`{}` is not an IAM role or user ARN; access entries take only those",
                            mapping.arn));
  if (mapping.section == Section::kMapRoles && !arn->path.empty()) {
    entry.notes.push_back(fmt::format(
        "the ARN has the path `{}`, so this aws-auth item never matched: the access entry (which "
        "takes the full ARN) grants access the role does not have today; confirm it is wanted",
        arn->path));
  }
  const bool node =
      mapping.section == Section::kMapRoles && (contains(mapping.groups, "system:nodes") ||
                                                contains(mapping.groups, "system:bootstrappers") ||
                                                mapping.username.starts_with("system:node:"));
  if (node) {
    if (!options.account.empty() && arn->account != options.account)
      return skip(
          fmt::format("node role of account {}: node entries must be in the cluster's "
                      "account {}",
                      arn->account, options.account));
    plan_node(mapping, entry);
  } else {
    plan_standard(mapping, *arn, entry);
  }
  entry.migrate = true;
  return entry;
}

// Two user items that differ only in case name one IAM principal: one access entry each is
// not possible, so the later ones are not migrated.
void drop_same_principals(std::vector<PlannedEntry>& entries) {
  std::unordered_map<std::string, size_t> first;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].migrate) continue;
    const auto [at, inserted] = first.emplace(to_lower(entries[i].principal_arn), i);
    if (inserted) continue;
    entries[i].migrate = false;
    entries[i].notes.push_back(
        fmt::format("same principal as {}: an IAM principal can have only one access entry",
                    entries[at->second].source));
  }
}

}  // namespace

size_t MigrationPlan::migrated() const {
  return static_cast<size_t>(std::count_if(entries.begin(), entries.end(),
                                           [](const PlannedEntry& e) { return e.migrate; }));
}

MigrationPlan plan_migration(const AwsAuth& auth, const MigrationOptions& options) {
  MigrationPlan plan;
  plan.cluster_name = options.cluster_name;
  plan.source_file = auth.origin.file;
  for (const auto* mappings : {&auth.roles, &auth.users})
    for (const AwsAuthMapping& mapping : *mappings)
      plan.entries.push_back(plan_mapping(auth, mapping, options));
  drop_same_principals(plan.entries);
  for (size_t i = 0; i < auth.accounts.size(); ++i) {
    PlannedEntry entry;
    entry.source = fmt::format("mapAccounts[{}]", i);
    entry.origin = auth.accounts[i].origin;
    entry.notes.push_back(fmt::format(
        "account {}: no access entry admits a whole account; create an entry for each role of "
        "that account that needs access",
        auth.accounts[i].account));
    plan.entries.push_back(std::move(entry));
  }
  // What the authenticator itself ignores is not migrated either, but it is named.
  for (const AwsAuthDiagnostic& diagnostic : auth.diagnostics) {
    if (diagnostic.problem != AwsAuthProblem::kItemDropped &&
        diagnostic.problem != AwsAuthProblem::kSectionSyntax &&
        diagnostic.problem != AwsAuthProblem::kSectionShape &&
        diagnostic.code != "aws-auth.key.case")
      continue;
    PlannedEntry entry;
    const size_t data = diagnostic.origin.path.find("data.");
    entry.source = data == std::string::npos ? diagnostic.origin.path
                                             : diagnostic.origin.path.substr(data + 5);
    entry.origin = diagnostic.origin;
    entry.notes.push_back(diagnostic.message + "; fix it and run the migration again");
    plan.entries.push_back(std::move(entry));
  }
  return plan;
}

namespace {

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A double-quoted string valid in YAML and HCL (HCL also needs ${ and %{ escaped).
std::string quoted(std::string_view text, bool hcl = false) {
  std::string out;
  report::append_json_string(out, text);
  if (!hcl) return out;
  std::string escaped;
  for (size_t i = 0; i < out.size(); ++i) {
    escaped += out[i];
    if ((out[i] == '$' || out[i] == '%') && i + 1 < out.size() && out[i + 1] == '{')
      escaped += out[i];
  }
  return escaped;
}

void comment_lines(std::string& out, std::string_view indent, const PlannedEntry& entry) {
  out += fmt::format("{}# {} ({}){}\n", indent, entry.source, where(entry.origin),
                     entry.migrate ? "" : ": NOT MIGRATED");
  for (const std::string& note : entry.notes) out += fmt::format("{}#   {}\n", indent, note);
}

std::string header(const MigrationPlan& plan, std::string_view comment) {
  return fmt::format(
      "{0} eksguard aws-auth migrate: access entries equivalent to the aws-auth ConfigMap in {1}\n"
      "{0} {2} of {3} items migrated; review every note, then switch the cluster to "
      "authenticationMode API_AND_CONFIG_MAP (and to API once nothing depends on aws-auth).\n",
      comment, plan.source_file, plan.migrated(), plan.entries.size());
}

std::string render_cli(const MigrationPlan& plan) {
  std::string out = "#!/bin/sh\n" + header(plan, "#") + "set -eu\n";
  out += plan.cluster_name.empty() ? "CLUSTER=\"${CLUSTER:?set CLUSTER to the cluster name}\"\n"
                                   : fmt::format("CLUSTER={}\n", shell_quote(plan.cluster_name));
  for (const PlannedEntry& entry : plan.entries) {
    out += "\n";
    comment_lines(out, "", entry);
    if (entry.principal_arn.empty()) continue;
    const std::string prefix = entry.migrate ? "" : "# ";
    std::string command = fmt::format(
        "{}aws eks create-access-entry --cluster-name \"$CLUSTER\" --principal-arn {} --type {}",
        prefix, shell_quote(entry.principal_arn), entry.type.empty() ? "STANDARD" : entry.type);
    if (!entry.username.empty()) command += " --username " + shell_quote(entry.username);
    if (!entry.groups.empty()) {
      command += " --kubernetes-groups";
      for (const std::string& group : entry.groups) command += " " + shell_quote(group);
    }
    out += command + "\n";
    for (const PlannedPolicy& policy : entry.policies) {
      std::string scope = "type=" + policy.scope_type;
      if (!policy.namespaces.empty()) {
        scope += ",namespaces=";
        for (size_t i = 0; i < policy.namespaces.size(); ++i)
          scope += (i ? "," : "") + policy.namespaces[i];
      }
      out += fmt::format(
          "{}aws eks associate-access-policy --cluster-name \"$CLUSTER\" --principal-arn {} "
          "--policy-arn {} --access-scope {}\n",
          prefix, shell_quote(entry.principal_arn), shell_quote(policy.policy_arn),
          shell_quote(scope));
    }
  }
  return out;
}

std::string render_eksctl(const MigrationPlan& plan) {
  std::string out = header(plan, "#");
  out += "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n";
  out += fmt::format("  name: {}\n",
                     quoted(plan.cluster_name.empty() ? "CLUSTER" : plan.cluster_name));
  out += "  # region: the cluster's region\naccessConfig:\n  accessEntries:\n";
  for (const PlannedEntry& entry : plan.entries) {
    comment_lines(out, "    ", entry);
    if (entry.principal_arn.empty()) continue;
    const std::string prefix = entry.migrate ? "    " : "    # ";
    out += fmt::format("{}- principalARN: {}\n", prefix, quoted(entry.principal_arn));
    out += fmt::format("{}  type: {}\n", prefix, entry.type.empty() ? "STANDARD" : entry.type);
    if (!entry.username.empty())
      out += fmt::format("{}  kubernetesUsername: {}\n", prefix, quoted(entry.username));
    if (!entry.groups.empty()) {
      out += prefix + "  kubernetesGroups:\n";
      for (const std::string& group : entry.groups)
        out += fmt::format("{}    - {}\n", prefix, quoted(group));
    }
    if (entry.policies.empty()) continue;
    out += prefix + "  accessPolicies:\n";
    for (const PlannedPolicy& policy : entry.policies) {
      out += fmt::format("{}    - policyARN: {}\n", prefix, quoted(policy.policy_arn));
      out += fmt::format("{}      accessScope:\n{}        type: {}\n", prefix, prefix,
                         policy.scope_type);
      if (policy.namespaces.empty()) continue;
      out += prefix + "        namespaces:\n";
      for (const std::string& ns : policy.namespaces)
        out += fmt::format("{}          - {}\n", prefix, quoted(ns));
    }
  }
  return out;
}

std::string terraform_name(const PlannedEntry& entry) {
  std::string name = to_lower(entry.source);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name;
}

using Attributes = std::vector<std::pair<std::string, std::string>>;

// HCL attributes as `terraform fmt` aligns them: `=` in one column per block.
void hcl_attributes(std::string& out, std::string_view prefix, std::string_view indent,
                    const Attributes& attributes) {
  size_t width = 0;
  for (const auto& [key, value] : attributes) width = std::max(width, key.size());
  for (const auto& [key, value] : attributes)
    out += fmt::format("{}{}{:<{}} = {}\n", prefix, indent, key, width, value);
}

std::string hcl_list(const std::vector<std::string>& items) {
  std::string list;
  for (const std::string& item : items) list += (list.empty() ? "" : ", ") + quoted(item, true);
  return "[" + list + "]";
}

void terraform_entry(std::string& out, const PlannedEntry& entry, std::string_view prefix) {
  const std::string name = terraform_name(entry);
  Attributes attributes{{"cluster_name", "var.cluster_name"},
                        {"principal_arn", quoted(entry.principal_arn, true)},
                        {"type", quoted(entry.type.empty() ? "STANDARD" : entry.type, true)}};
  if (!entry.username.empty()) attributes.emplace_back("user_name", quoted(entry.username, true));
  if (!entry.groups.empty()) attributes.emplace_back("kubernetes_groups", hcl_list(entry.groups));
  out += fmt::format("{}resource \"aws_eks_access_entry\" \"{}\" {{\n", prefix, name);
  hcl_attributes(out, prefix, "  ", attributes);
  out += std::string(prefix) + "}\n";
  for (size_t i = 0; i < entry.policies.size(); ++i) {
    const PlannedPolicy& policy = entry.policies[i];
    out += fmt::format("\n{}resource \"aws_eks_access_policy_association\" \"{}_{}\" {{\n", prefix,
                       name, i);
    hcl_attributes(out, prefix, "  ",
                   {{"cluster_name", "var.cluster_name"},
                    {"policy_arn", quoted(policy.policy_arn, true)},
                    {"principal_arn", fmt::format("aws_eks_access_entry.{}.principal_arn", name)}});
    out += fmt::format("{}  access_scope {{\n", prefix);
    Attributes scope{{"type", quoted(policy.scope_type, true)}};
    if (!policy.namespaces.empty()) scope.emplace_back("namespaces", hcl_list(policy.namespaces));
    hcl_attributes(out, prefix, "    ", scope);
    out += fmt::format("{}  }}\n{}}}\n", prefix, prefix);
  }
}

std::string render_terraform(const MigrationPlan& plan) {
  std::string out = header(plan, "#");
  out += "\nvariable \"cluster_name\" {\n";
  Attributes variable{{"type", "string"}};
  if (!plan.cluster_name.empty()) variable.emplace_back("default", quoted(plan.cluster_name, true));
  hcl_attributes(out, "", "  ", variable);
  out += "}\n";
  for (const PlannedEntry& entry : plan.entries) {
    out += "\n";
    comment_lines(out, "", entry);
    if (entry.principal_arn.empty()) continue;
    terraform_entry(out, entry, entry.migrate ? "" : "# ");
  }
  return out;
}

}  // namespace

std::string render_migration(const MigrationPlan& plan, MigrationFormat format) {
  switch (format) {
    case MigrationFormat::kEksctl:
      return render_eksctl(plan);
    case MigrationFormat::kTerraform:
      return render_terraform(plan);
    case MigrationFormat::kCli:
      break;
  }
  return render_cli(plan);
}

}  // namespace eksguard::identity
