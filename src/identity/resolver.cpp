#include "identity/resolver.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "identity/arn.h"

namespace eksguard::identity {
namespace {

constexpr std::string_view kAuthenticated = "system:authenticated";

bool glob(std::string_view text, std::string_view pattern) {
  size_t t = 0;
  size_t p = 0;
  size_t star = std::string_view::npos;
  size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_t = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::array<std::string_view, 6> arn_fields(std::string_view arn, bool& ok) {
  std::array<std::string_view, 6> fields{};
  ok = true;
  for (size_t i = 0; i < 5; ++i) {
    const size_t colon = arn.find(':');
    if (colon == std::string_view::npos) {
      ok = false;
      return fields;
    }
    fields[i] = arn.substr(0, colon);
    arn.remove_prefix(colon + 1);
  }
  fields[5] = arn;
  return fields;
}

bool has_wildcards(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

bool same_principal(const Arn& a, const Arn& b) {
  const auto role_like = [](PrincipalType type) {
    return type == PrincipalType::kRole || type == PrincipalType::kAssumedRole;
  };
  if (a.account != b.account || a.partition != b.partition) return false;
  if (role_like(a.type) && role_like(b.type)) return to_lower(a.name) == to_lower(b.name);
  if (a.type == PrincipalType::kUser && b.type == PrincipalType::kUser)
    return to_lower(a.name) == to_lower(b.name);
  return a.type == b.type && a.resource == b.resource;
}

void add_unrendered_note(Resolution& out) {
  const TemplateInfo info = scan_template(out.username);
  if (info.placeholders == 0) return;
  out.notes.push_back(fmt::format(
      "username `{}` still holds placeholders the authenticator fills per session (session name, "
      "EC2 private DNS name, access key)",
      out.username));
}

}  // namespace

bool arn_like(std::string_view arn, std::string_view pattern) {
  bool arn_ok = false;
  bool pattern_ok = false;
  const std::string lower_arn = to_lower(arn);
  const std::string lower_pattern = to_lower(pattern);
  const auto text = arn_fields(lower_arn, arn_ok);
  const auto globs = arn_fields(lower_pattern, pattern_ok);
  if (!arn_ok || !pattern_ok) return false;
  for (size_t i = 0; i < text.size(); ++i)
    if (!glob(text[i], globs[i])) return false;
  return true;
}

std::string_view to_string(AccessSource source) {
  switch (source) {
    case AccessSource::kAccessEntry:
      return "access entry";
    case AccessSource::kAwsAuthRole:
      return "aws-auth mapRoles";
    case AccessSource::kAwsAuthSso:
      return "aws-auth mapRoles (sso)";
    case AccessSource::kAwsAuthUser:
      return "aws-auth mapUsers";
    case AccessSource::kAwsAuthAccount:
      return "aws-auth mapAccounts";
    case AccessSource::kNone:
      break;
  }
  return "none";
}

Resolver::Resolver(const IdentityInputs& inputs) : inputs_(inputs) {
  if (!inputs.aws_auth.empty()) aws_auth_ = &inputs.aws_auth.back();
  if (inputs.cluster && inputs.cluster->mode != AuthenticationMode::kUnknown) {
    mode_ = inputs.cluster->mode;
    mode_known_ = true;
  }
}

std::string Resolver::default_username(const AccessEntry& entry) {
  if (!entry.username.empty()) return entry.username;
  if (entry.type.starts_with("EC2")) return "system:node:{{EC2PrivateDNSName}}";
  if (entry.type == "FARGATE_LINUX" || entry.type == "HYBRID_LINUX" ||
      entry.type == "HYPERPOD_LINUX")
    return "system:node:{{SessionName}}";
  const auto arn = parse_arn(entry.principal_arn);
  if (arn && arn->type == PrincipalType::kRole) {
    // The default drops the role's path.
    return fmt::format("arn:{}:sts::{}:assumed-role/{}/{{{{SessionName}}}}", arn->partition,
                       arn->account, arn->name);
  }
  return entry.principal_arn;
}

std::vector<std::string> Resolver::implicit_groups(const AccessEntry& entry) {
  if (entry.type.empty() || entry.type == "STANDARD") return {};
  return {"system:nodes"};
}

const AccessEntry* Resolver::find_entry(const Arn& caller) const {
  for (const AccessEntry& entry : inputs_.access_entries) {
    const auto principal = parse_arn(entry.principal_arn);
    if (principal && same_principal(*principal, caller)) return &entry;
  }
  return nullptr;
}

bool Resolver::resolve_access_entry(const Arn& caller, Resolution& out) const {
  const AccessEntry* entry = find_entry(caller);
  if (entry == nullptr) return false;
  out.authenticated = true;
  out.source = AccessSource::kAccessEntry;
  out.origin = entry->origin;
  out.username_template = default_username(*entry);
  out.groups = entry->kubernetes_groups;
  for (std::string& group : implicit_groups(*entry)) out.groups.push_back(std::move(group));
  out.access_policies = entry->policies;
  if (!entry->described)
    out.notes.emplace_back(
        "the access entry was listed but not described: its username and groups are unknown "
        "(add `aws eks describe-access-entry` output)");
  if (!entry->policies_listed && (entry->type == "STANDARD" || entry->type.empty()))
    out.notes.emplace_back(
        "no list-associated-access-policies output for this entry: its access policies are "
        "unknown");
  return true;
}

bool Resolver::resolve_aws_auth(const Arn& caller, Resolution& out) const {
  if (aws_auth_ == nullptr) return false;
  const std::string subject = to_lower(out.caller_arn);
  const AwsAuthMapping* found = nullptr;
  for (const AwsAuthMapping& mapping : aws_auth_->roles) {
    if (!mapping.effective) continue;
    const bool match = mapping.sso                  ? arn_like(subject, mapping.key)
                       : has_wildcards(mapping.arn) ? arn_like(subject, mapping.arn)
                                                    : to_lower(mapping.arn) == subject;
    if (match) {
      found = &mapping;
      break;
    }
  }
  size_t user_matches = 0;
  if (found == nullptr) {
    for (const AwsAuthMapping& mapping : aws_auth_->users) {
      if (!mapping.effective || to_lower(mapping.arn) != subject) continue;
      if (found == nullptr) found = &mapping;
      ++user_matches;
    }
  }
  if (found != nullptr) {
    out.authenticated = true;
    out.source = found->sso                             ? AccessSource::kAwsAuthSso
                 : found->section == Section::kMapRoles ? AccessSource::kAwsAuthRole
                                                        : AccessSource::kAwsAuthUser;
    out.origin = found->origin;
    out.username_template = found->username;
    const CallerFacts facts{caller.account,
                            caller.type == PrincipalType::kAssumedRole
                                ? std::optional<std::string>(caller.session)
                                : std::nullopt,
                            std::nullopt};
    // Groups are templates too: the server renders every group of the mapping it found.
    for (const std::string& group : found->groups)
      out.groups.push_back(render_template(group, facts));
    if (found->sso)
      out.notes.emplace_back(
          "matched an sso mapping: an aws-iam-authenticator feature whose support on EKS is "
          "not documented");
    if (user_matches > 1)
      out.notes.emplace_back(
          "several mapUsers items differ only in case: which one the authenticator uses is not "
          "defined");
    if (found->username.empty())
      out.notes.emplace_back(
          "the mapping has no username: the authenticator returns an empty username, which the "
          "API server rejects");
    return true;
  }
  for (const AccountMapping& account : aws_auth_->accounts) {
    if (account.account != caller.account) continue;
    out.authenticated = true;
    out.source = AccessSource::kAwsAuthAccount;
    out.origin = account.origin;
    out.username_template = out.caller_arn;
    out.notes.emplace_back(
        "mapAccounts: any principal of this account authenticates, as its ARN, with no groups");
    return true;
  }
  return false;
}

void Resolver::note_dead_path_mappings(const Arn& caller, Resolution& out) const {
  if (aws_auth_ == nullptr) return;
  for (const AwsAuthMapping& mapping : aws_auth_->roles) {
    const auto arn = parse_arn(mapping.arn);
    if (!arn || arn->type != PrincipalType::kRole || arn->path.empty()) continue;
    if (arn->account == caller.account && to_lower(arn->name) == to_lower(caller.name)) {
      out.notes.push_back(fmt::format(
          "aws-auth maps `{}` ({}:{}) but a role ARN with a path never matches: the "
          "authenticator compares `{}`",
          mapping.arn, mapping.origin.file, mapping.origin.position.line, out.caller_arn));
    }
  }
}

Resolution Resolver::resolve(std::string_view principal_arn) const {
  Resolution out;
  out.input_arn = std::string(principal_arn);
  const auto arn = parse_arn(principal_arn);
  if (!arn || arn->type == PrincipalType::kUnknown) {
    out.notes.emplace_back(
        "not an IAM principal ARN (expected arn:aws:iam::ACCOUNT:role/NAME, user/NAME, root, or "
        "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)");
    return out;
  }
  if (!is_known_partition(arn->partition))
    out.notes.push_back(
        fmt::format("partition `{}` is not an AWS partition the authenticator "
                    "accepts",
                    arn->partition));
  out.caller_arn = caller_arn(*arn);
  if (arn->type == PrincipalType::kRole && !arn->path.empty())
    out.notes.push_back(
        fmt::format("the role's path `{}` is not part of a session's identity: "
                    "the authenticator compares `{}`",
                    arn->path, out.caller_arn));
  if (!mode_known_)
    out.notes.emplace_back(
        "authentication mode unknown (no describe-cluster accessConfig): access entries are "
        "tried first, then aws-auth");
  bool decided = false;
  if (uses_access_entries()) decided = resolve_access_entry(*arn, out);
  if (decided && uses_aws_auth()) {
    Resolution shadow;
    shadow.caller_arn = out.caller_arn;
    if (resolve_aws_auth(*arn, shadow)) {
      out.notes.push_back(fmt::format("{} at {}:{} also maps this principal; the access entry wins",
                                      to_string(shadow.source), shadow.origin.file,
                                      shadow.origin.position.line));
    }
  }
  if (!decided && uses_aws_auth()) decided = resolve_aws_auth(*arn, out);
  if (!decided && mode_ == AuthenticationMode::kApi && aws_auth_ != nullptr) {
    Resolution ignored;
    ignored.caller_arn = out.caller_arn;
    if (resolve_aws_auth(*arn, ignored))
      out.notes.emplace_back(
          "aws-auth maps this principal, but the cluster's authentication mode is API: the "
          "ConfigMap is not read");
  }
  if (!decided) note_dead_path_mappings(*arn, out);
  if (!out.authenticated) return out;
  const CallerFacts facts{arn->account,
                          arn->type == PrincipalType::kAssumedRole
                              ? std::optional<std::string>(arn->session)
                              : std::nullopt,
                          std::nullopt};
  out.username = render_template(out.username_template, facts);
  add_unrendered_note(out);
  if (std::find(out.groups.begin(), out.groups.end(), kAuthenticated) == out.groups.end())
    out.groups.emplace_back(kAuthenticated);
  return out;
}

std::vector<Reach> Resolver::principals_for_group(std::string_view group) const {
  std::vector<Reach> out;
  const bool everyone = group == kAuthenticated;
  auto shadowed = [&](const std::string& arn_text) {
    if (!uses_access_entries() || !uses_aws_auth()) return false;
    const auto arn = parse_arn(arn_text);
    return arn && find_entry(*arn) != nullptr;
  };
  if (uses_access_entries()) {
    for (const AccessEntry& entry : inputs_.access_entries) {
      auto groups = entry.kubernetes_groups;
      for (std::string& g : implicit_groups(entry)) groups.push_back(std::move(g));
      if (everyone || std::find(groups.begin(), groups.end(), group) != groups.end())
        out.push_back(Reach{entry.principal_arn, AccessSource::kAccessEntry, entry.origin, {}});
    }
  }
  if (uses_aws_auth() && aws_auth_ != nullptr) {
    for (const auto* mappings : {&aws_auth_->roles, &aws_auth_->users}) {
      for (const AwsAuthMapping& mapping : *mappings) {
        if (!mapping.effective || shadowed(mapping.arn)) continue;
        if (const auto arn = parse_arn(mapping.arn); arn && !arn->path.empty()) continue;  // dead
        bool member = everyone;
        for (const std::string& g : mapping.groups) member |= template_matches(g, group);
        if (!member) continue;
        out.push_back(Reach{mapping.sso ? mapping.key : mapping.arn,
                            mapping.sso                             ? AccessSource::kAwsAuthSso
                            : mapping.section == Section::kMapRoles ? AccessSource::kAwsAuthRole
                                                                    : AccessSource::kAwsAuthUser,
                            mapping.origin,
                            {}});
      }
    }
    if (everyone) {
      for (const AccountMapping& account : aws_auth_->accounts)
        out.push_back(Reach{fmt::format("arn:aws:iam::{}:root", account.account),
                            AccessSource::kAwsAuthAccount, account.origin,
                            "any principal of the account"});
    }
  }
  return out;
}

std::vector<Reach> Resolver::principals_for_user(std::string_view username) const {
  std::vector<Reach> out;
  if (uses_access_entries()) {
    for (const AccessEntry& entry : inputs_.access_entries) {
      const std::string name = default_username(entry);
      if (template_matches(name, username))
        out.push_back(Reach{entry.principal_arn, AccessSource::kAccessEntry, entry.origin,
                            name == username ? std::string() : "username template " + name});
    }
  }
  if (!uses_aws_auth() || aws_auth_ == nullptr) return out;
  for (const auto* mappings : {&aws_auth_->roles, &aws_auth_->users}) {
    for (const AwsAuthMapping& mapping : *mappings) {
      if (!mapping.effective || mapping.username.empty()) continue;
      if (const auto arn = parse_arn(mapping.arn); arn && !arn->path.empty()) continue;
      if (!template_matches(mapping.username, username)) continue;
      out.push_back(Reach{
          mapping.sso ? mapping.key : mapping.arn,
          mapping.section == Section::kMapRoles ? AccessSource::kAwsAuthRole
                                                : AccessSource::kAwsAuthUser,
          mapping.origin,
          mapping.username == username ? std::string() : "username template " + mapping.username});
    }
  }
  // mapAccounts: an unmapped principal of a listed account authenticates as its own ARN.
  if (const auto arn = parse_arn(username); arn && arn->type != PrincipalType::kUnknown) {
    const Resolution resolution = resolve(username);
    if (resolution.source == AccessSource::kAwsAuthAccount && resolution.caller_arn == username)
      out.push_back(Reach{std::string(username), AccessSource::kAwsAuthAccount, resolution.origin,
                          "any principal of the account (mapAccounts)"});
  }
  return out;
}

std::vector<std::string> Resolver::principals_for_subject(std::string_view kind,
                                                          std::string_view name) const {
  std::vector<Reach> reaches;
  if (kind == "User") reaches = principals_for_user(name);
  if (kind == "Group") reaches = principals_for_group(name);
  std::vector<std::string> out;
  for (Reach& reach : reaches) out.push_back(std::move(reach.principal));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<PolicyGrant> Resolver::policy_grants() const {
  std::vector<PolicyGrant> out;
  if (!uses_access_entries()) return out;
  for (const AccessEntry& entry : inputs_.access_entries) {
    for (const PolicyAssociation& association : entry.policies)
      out.push_back(
          PolicyGrant{entry.principal_arn, default_username(entry), &entry, &association});
  }
  return out;
}

}  // namespace eksguard::identity
