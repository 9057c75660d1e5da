#include "identity/workload_identity.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"
#include "identity/arn.h"

namespace eksguard::identity {
namespace {

constexpr std::string_view kWebIdentity = "sts:AssumeRoleWithWebIdentity";
constexpr std::string_view kPodsService = "pods.eks.amazonaws.com";
constexpr std::string_view kSubjectPrefix = "system:serviceaccount:";

std::string normalize_issuer(std::string_view issuer) {
  if (issuer.starts_with("https://")) issuer.remove_prefix(8);
  while (issuer.ends_with('/')) issuer.remove_suffix(1);
  return to_lower(issuer);
}

// "arn:aws:iam::111:oidc-provider/oidc.eks.r.amazonaws.com/id/X" → "oidc.eks.r.amazonaws.com/id/x".
std::string provider_issuer(std::string_view provider) {
  constexpr std::string_view kMarker = ":oidc-provider/";
  const size_t at = provider.find(kMarker);
  return at == std::string_view::npos ? std::string()
                                      : normalize_issuer(provider.substr(at + kMarker.size()));
}

// The issuer a condition key belongs to ("oidc…/id/x" of "oidc…/id/x:sub") and its claim;
// issuer "" for global keys (aws:…, sts:…), which have no host in front of the colon.
struct KeyParts {
  std::string_view issuer;
  std::string_view claim;
};
KeyParts split_key(std::string_view key) {
  const size_t colon = key.rfind(':');
  if (colon == std::string_view::npos) return {};
  const std::string_view issuer = key.substr(0, colon);
  if (issuer.find('.') == std::string_view::npos) return {};
  return {issuer, key.substr(colon + 1)};
}

bool has_wildcard(std::string_view value) {
  return value.find_first_of("*?") != std::string_view::npos;
}

// A `*` or `?` before the end of the namespace part admits every namespace.
bool wildcard_spans_namespaces(std::string_view pattern) {
  const size_t wildcard = pattern.find_first_of("*?");
  if (wildcard < kSubjectPrefix.size()) return true;
  const size_t namespace_end = pattern.find(':', kSubjectPrefix.size());
  return namespace_end == std::string_view::npos || wildcard < namespace_end;
}

bool value_matches(const ConditionClause& clause, std::string_view pattern,
                   std::string_view value) {
  if (clause.pattern()) return iam_glob_match(pattern, value);
  if (clause.base_op.ends_with("IgnoreCase")) return iequals(pattern, value);
  return pattern == value;
}

// Does the clause let `value` through (for a negated operator: is `value` not excluded)?
// `literal` is set when a positive clause matches it by a value without wildcards.
bool clause_admits(const ConditionClause& clause, std::string_view value, bool& literal) {
  bool matched = false;
  for (const PolicyValue& candidate : clause.values) {
    if (!value_matches(clause, candidate.text, value)) continue;
    matched = true;
    literal |= !clause.negated() && (!clause.pattern() || !has_wildcard(candidate.text));
  }
  return clause.negated() ? !matched : matched;
}

bool role_arn_matches(const IamRole& role, std::string_view arn_text) {
  const auto wanted = parse_arn(arn_text);
  if (!wanted || wanted->type != PrincipalType::kRole) return false;
  if (!role.arn.empty()) {
    const auto have = parse_arn(role.arn);
    // Role names are unique per account whatever their path, and case-insensitive.
    return have && have->account == wanted->account && iequals(have->name, wanted->name);
  }
  return !role.name.empty() && iequals(role.name, wanted->name);
}

std::string account_of(std::string_view arn) {
  const auto parsed = parse_arn(arn);
  return parsed ? parsed->account : std::string();
}

class WorkloadChecks {
 public:
  WorkloadChecks(const IdentityInputs& inputs, const WorkloadIdentityOptions& options,
                 std::vector<Finding>& out)
      : inputs_(inputs), options_(options), out_(out) {
    const std::string& issuer = !options.oidc_issuer.empty() ? options.oidc_issuer
                                : inputs.cluster             ? inputs.cluster->oidc_issuer
                                                             : options.oidc_issuer;
    cluster_issuer_ = normalize_issuer(issuer);
  }

  void run() {
    for (const IamRole& role : inputs_.roles) check_role(role);
    for (const ServiceAccountRole& account : inputs_.service_account_roles)
      check_annotation(account);
    for (const PodIdentityAssociation& association : inputs_.pod_identity_associations)
      check_association(association);
  }

 private:
  Finding& emit(CheckId check, const SubjectPtr& subject, const Origin& origin,
                std::string message) {
    Finding& finding = out_.emplace_back(check, subject);
    finding.message = std::move(message);
    finding.position = origin.position;
    finding.path = origin.path;
    return finding;
  }

  static SubjectPtr role_subject(const IamRole& role) {
    return std::make_shared<const Subject>(
        Subject{k8s::ObjectRef{"", "IAMRole", "", role.arn.empty() ? role.display() : role.arn},
                role.origin.file});
  }

  void check_role(const IamRole& role) {
    const SubjectPtr subject = role_subject(role);
    const std::vector<IrsaTrust> trusts = irsa_trusts(role.trust);
    for (const IrsaTrust& trust : trusts) check_irsa_statement(role, trust, subject);
    if (!cluster_issuer_.empty() && !trusts.empty() &&
        std::none_of(trusts.begin(), trusts.end(),
                     [&](const IrsaTrust& t) { return t.issuer == cluster_issuer_; })) {
      emit(CheckId::kEksIrsaIssuerMismatch, subject, trusts.front().provider->origin,
           fmt::format("role {} trusts OIDC provider `{}` but not this cluster's issuer `{}`: "
                       "its service accounts cannot get credentials (stale after re-creating "
                       "the cluster?), or it trusts another cluster",
                       role.display(), trusts.front().provider->text, cluster_issuer_));
    }
    check_pod_identity_trust(role, subject, !trusts.empty());
  }

  void check_irsa_statement(const IamRole& role, const IrsaTrust& trust,
                            const SubjectPtr& subject) {
    const PolicyStatement& statement = *trust.statement;
    const std::string sub_key = trust.issuer + ":sub";
    const std::string aud_key = trust.issuer + ":aud";
    const ConditionClause* negated = nullptr;
    bool positive_sub = false;
    bool audience = false;
    const ConditionClause* wrong_audience = nullptr;
    for (const ConditionClause& clause : statement.conditions) {
      const KeyParts parts = split_key(clause.key);
      if (!parts.issuer.empty() && parts.issuer != trust.issuer &&
          parts.issuer.find("/id/") != std::string_view::npos) {
        emit(
            CheckId::kEksIrsaIssuerMismatch, subject, clause.origin,
            fmt::format("role {}: condition key `{}` names issuer `{}`, but the statement trusts "
                        "provider `{}`: the condition never applies to its tokens",
                        role.display(), clause.key_as_written, parts.issuer, trust.provider->text));
      }
      if (clause.key == sub_key) {
        if (clause.negated()) {
          negated = negated ? negated : &clause;
        } else if (clause.positive_string()) {
          positive_sub = true;
          check_sub_values(role, clause, subject);
        }
      } else if (clause.key == aud_key && clause.positive_string()) {
        const bool sts =
            std::any_of(clause.values.begin(), clause.values.end(),
                        [](const PolicyValue& v) { return v.text == "sts.amazonaws.com"; });
        audience |= sts;
        if (!sts) wrong_audience = &clause;
      }
    }
    if (!positive_sub && negated != nullptr) {
      emit(CheckId::kEksIrsaNegatedSubject, subject, negated->origin,
           fmt::format("role {}: the only condition on `{}` is {}, which admits every other "
                       "service account of the cluster",
                       role.display(), negated->key_as_written, negated->op));
    } else if (!positive_sub) {
      emit(CheckId::kEksIrsaNoSubject, subject, trust.provider->origin,
           fmt::format("role {} trusts `{}` for {} without a condition on `{}`: any pod of the "
                       "cluster can assume it",
                       role.display(), trust.provider->text, kWebIdentity, sub_key));
    }
    if (!audience) {
      emit(CheckId::kEksIrsaNoAudience, subject,
           wrong_audience ? wrong_audience->origin : trust.provider->origin,
           wrong_audience ? fmt::format("role {}: `{}` does not allow sts.amazonaws.com",
                                        role.display(), wrong_audience->key_as_written)
                          : fmt::format("role {}: no `{}` = sts.amazonaws.com condition",
                                        role.display(), aud_key));
    }
  }

  void check_sub_values(const IamRole& role, const ConditionClause& clause,
                        const SubjectPtr& subject) {
    for (const PolicyValue& value : clause.values) {
      if (clause.pattern() && has_wildcard(value.text)) {
        const bool cluster_wide = wildcard_spans_namespaces(value.text);
        Finding& finding =
            emit(CheckId::kEksIrsaWildcardSubject, subject, value.origin,
                 fmt::format("role {}: {} `{}` admits {}", role.display(), clause.op, value.text,
                             cluster_wide ? "service accounts of every namespace"
                                          : "every service account of the namespace"));
        if (!cluster_wide) {
          finding.severity = Severity::kMedium;
          finding.set_note("the wildcard is only in the service account name: namespace-wide");
        }
      } else if (!clause.pattern() && has_wildcard(value.text)) {
        emit(CheckId::kEksIrsaLiteralWildcard, subject, value.origin,
             fmt::format("role {}: {} compares `{}` literally: `*` and `?` are not wildcards "
                         "here, so no service account matches",
                         role.display(), clause.op, value.text));
      } else if (value.text.starts_with(kSubjectPrefix) && value.text.ends_with(":default")) {
        emit(CheckId::kEksIrsaPrivilegedAccount, subject, value.origin,
             fmt::format("role {} is given to `{}`: every pod of that namespace without a "
                         "serviceAccountName runs as it",
                         role.display(), value.text));
      }
    }
  }

  void check_pod_identity_trust(const IamRole& role, const SubjectPtr& subject, bool irsa) {
    bool assume = false;
    bool tag = false;
    const PolicyStatement* first = nullptr;
    for (const PolicyStatement& statement : role.trust.statements) {
      if (!statement.allow || statement.not_principal || !statement.has_service(kPodsService))
        continue;
      first = first ? first : &statement;
      assume |= statement.allows_action("sts:AssumeRole");
      tag |= statement.allows_action("sts:TagSession");
      if (statement.conditions.empty()) {
        emit(CheckId::kEksPodIdentityNoCondition, subject, statement.principal_origin,
             fmt::format("role {} trusts {} without conditions: any Pod Identity association "
                         "of any cluster in the account can use it (restrict "
                         "aws:RequestTag/eks-cluster-arn, kubernetes-namespace and "
                         "kubernetes-service-account)",
                         role.display(), kPodsService));
      }
    }
    if (first == nullptr) return;
    if (!tag || !assume) {
      emit(CheckId::kEksPodIdentityNoTagSession, subject, first->origin,
           fmt::format("role {}: the trust for {} does not allow {}: Pod Identity cannot "
                       "assume it",
                       role.display(), kPodsService,
                       !tag && !assume ? "sts:AssumeRole and sts:TagSession"
                       : !tag          ? "sts:TagSession"
                                       : "sts:AssumeRole"));
    }
    if (irsa) {
      emit(CheckId::kEksPodIdentityDualTrust, subject, first->principal_origin,
           fmt::format("role {} is trusted both by an OIDC provider (IRSA) and by {}",
                       role.display(), kPodsService));
    }
  }

  const IamRole* find_role(std::string_view arn) const {
    for (const IamRole& role : inputs_.roles)
      if (role_arn_matches(role, arn)) return &role;
    return nullptr;
  }

  void check_annotation(const ServiceAccountRole& account) {
    const auto subject = std::make_shared<const Subject>(
        Subject{k8s::ObjectRef{"v1", "ServiceAccount", account.namespace_, account.name},
                account.origin.file});
    const std::string who = fmt::format("{}/{}", account.namespace_, account.name);
    if (std::find(options_.privileged_namespaces.begin(), options_.privileged_namespaces.end(),
                  account.namespace_) != options_.privileged_namespaces.end()) {
      emit(CheckId::kEksIrsaPrivilegedAccount, subject, account.origin,
           fmt::format("service account {} has IAM role `{}` (inventory: pods in {} run "
                       "cluster components)",
                       who, account.role_arn, account.namespace_));
    }
    const auto arn = parse_arn(account.role_arn);
    if (!arn || arn->type != PrincipalType::kRole) {
      emit(CheckId::kEksIrsaAnnotationMismatch, subject, account.origin,
           fmt::format("service account {}: eks.amazonaws.com/role-arn `{}` is not an IAM role "
                       "ARN, so its pods get no credentials",
                       who, account.role_arn));
      return;
    }
    const IamRole* role = find_role(account.role_arn);
    if (role == nullptr || role->trust.statements.empty()) return;  // trust unknown
    bool by_pattern = false;
    if (!trust_admits(role->trust, cluster_issuer_, account.namespace_, account.name,
                      &by_pattern)) {
      emit(CheckId::kEksIrsaAnnotationMismatch, subject, account.origin,
           fmt::format("service account {} is annotated with role {}, whose trust policy does "
                       "not admit system:serviceaccount:{}:{}{}: its pods get no credentials",
                       who, role->display(), account.namespace_, account.name,
                       cluster_issuer_.empty() ? "" : fmt::format(" from `{}`", cluster_issuer_)));
    } else if (by_pattern) {
      Finding& finding =
          emit(CheckId::kEksIrsaAnnotationMismatch, subject, account.origin,
               fmt::format("service account {} uses role {}, whose trust admits it only through a "
                           "wildcard (or no subject condition): other service accounts can assume "
                           "the role too",
                           who, role->display()));
      finding.severity = Severity::kLow;
      finding.set_note("the trust admits this service account and many more");
    }
  }

  void check_association(const PodIdentityAssociation& association) {
    const auto subject = std::make_shared<const Subject>(
        Subject{k8s::ObjectRef{"", "PodIdentityAssociation", association.namespace_,
                               association.service_account},
                association.origin.file});
    const std::string who = fmt::format(
        "Pod Identity association {}/{}{}", association.namespace_, association.service_account,
        association.association_id.empty() ? "" : fmt::format(" ({})", association.association_id));
    if (association.disable_session_tags.value_or(false)) {
      emit(CheckId::kEksPodIdentityNoSessionTags, subject, association.disable_tags_origin,
           fmt::format("{} disables session tags: policies conditioned on "
                       "aws:PrincipalTag/kubernetes-namespace, kubernetes-service-account or "
                       "eks-cluster-arn do not match its sessions",
                       who));
    }
    const std::string role_account = account_of(association.role_arn);
    const std::string target_account = account_of(association.target_role_arn);
    if (!target_account.empty() && target_account != role_account) {
      Finding& finding =
          emit(CheckId::kEksPodIdentityNoSessionTags, subject, association.target_role_origin,
               fmt::format("{} chains to role `{}` in account {} (inventory: review that "
                           "account's trust)",
                           who, association.target_role_arn, target_account));
      finding.severity = Severity::kInfo;
      finding.set_note("cross-account target role: inventory");
    }
    if (association.role_arn.empty()) return;
    const IamRole* role = find_role(association.role_arn);
    if (role == nullptr || role->trust.statements.empty()) return;
    const bool trusted = std::any_of(
        role->trust.statements.begin(), role->trust.statements.end(),
        [](const PolicyStatement& s) { return s.allow && s.has_service(kPodsService); });
    if (!trusted) {
      emit(CheckId::kEksPodIdentityNoTagSession, subject, association.role_origin,
           fmt::format("{} uses role {}, whose trust policy does not trust {}: the "
                       "association cannot assume it",
                       who, role->display(), kPodsService));
    }
  }

  const IdentityInputs& inputs_;
  const WorkloadIdentityOptions& options_;
  std::vector<Finding>& out_;
  std::string cluster_issuer_;
};

}  // namespace

std::vector<IrsaTrust> irsa_trusts(const PolicyDocument& policy) {
  std::vector<IrsaTrust> out;
  for (const PolicyStatement& statement : policy.statements) {
    if (!statement.allow || statement.not_principal || !statement.allows_action(kWebIdentity))
      continue;
    for (const PolicyValue& provider : statement.federated) {
      std::string issuer = provider_issuer(provider.text);
      if (!issuer.empty()) out.push_back(IrsaTrust{std::move(issuer), &statement, &provider});
    }
  }
  return out;
}

bool trust_admits(const PolicyDocument& policy, std::string_view issuer,
                  std::string_view namespace_, std::string_view name, bool* by_pattern) {
  const std::string wanted = normalize_issuer(issuer);
  const std::string subject = fmt::format("{}{}:{}", kSubjectPrefix, namespace_, name);
  bool admitted = false;
  bool only_patterns = true;
  for (const IrsaTrust& trust : irsa_trusts(policy)) {
    if (!wanted.empty() && trust.issuer != wanted) continue;
    const std::string sub_key = trust.issuer + ":sub";
    bool all = true;
    bool literal = false;
    for (const ConditionClause& clause : trust.statement->conditions) {
      if (clause.key != sub_key || !(clause.negated() || clause.positive_string())) continue;
      all &= clause_admits(clause, subject, literal);
    }
    if (!all) continue;
    admitted = true;
    only_patterns &= !literal;  // no positive clause, or only wildcards: admits many more
  }
  if (by_pattern != nullptr) *by_pattern = admitted && only_patterns;
  return admitted;
}

std::vector<std::string> missing_workload_inputs(const IdentityInputs& inputs,
                                                 const WorkloadIdentityOptions& options) {
  std::vector<std::string> out;
  std::vector<std::string> unknown_roles;
  auto need = [&](const std::string& arn) {
    const auto parsed = parse_arn(arn);
    if (!parsed || parsed->type != PrincipalType::kRole) return;
    const bool known = std::any_of(inputs.roles.begin(), inputs.roles.end(), [&](const IamRole& r) {
      return role_arn_matches(r, arn) && !r.trust.statements.empty();
    });
    if (!known &&
        std::find(unknown_roles.begin(), unknown_roles.end(), parsed->name) == unknown_roles.end())
      unknown_roles.push_back(parsed->name);
  };
  for (const ServiceAccountRole& account : inputs.service_account_roles) need(account.role_arn);
  size_t undescribed = 0;
  for (const PodIdentityAssociation& association : inputs.pod_identity_associations) {
    need(association.role_arn);
    undescribed += association.described ? 0 : 1;
  }
  if (!unknown_roles.empty())
    out.push_back(fmt::format("aws iam get-role --role-name NAME for {} role{} in use ({})",
                              unknown_roles.size(), unknown_roles.size() == 1 ? "" : "s",
                              fmt::join(unknown_roles, ", ")));
  if (undescribed > 0)
    out.push_back(
        fmt::format("aws eks describe-pod-identity-association for {} listed "
                    "association{}",
                    undescribed, undescribed == 1 ? "" : "s"));
  const bool irsa = std::any_of(inputs.roles.begin(), inputs.roles.end(),
                                [](const IamRole& r) { return !irsa_trusts(r.trust).empty(); });
  if (irsa && options.oidc_issuer.empty() &&
      (!inputs.cluster || inputs.cluster->oidc_issuer.empty()))
    out.emplace_back(
        "aws eks describe-cluster (identity.oidc.issuer): without the cluster's issuer, trust "
        "policies of other clusters are not told apart");
  return out;
}

void check_workload_identity(const IdentityInputs& inputs, const WorkloadIdentityOptions& options,
                             std::vector<Finding>& out) {
  WorkloadChecks(inputs, options, out).run();
}

}  // namespace eksguard::identity
