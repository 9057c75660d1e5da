// K8S-RBAC checks (019 is in service_accounts.cpp): risky permissions probed with RBAC's own rule
// matching (rbac::rule_allows), so `*`, `*/exec` and resourceNames mean here what they mean to the
// API server.
#include "checks/rbac/rbac_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_set>

#include "checks/rbac/describe.h"
#include "rbac/authorizer.h"

namespace eksguard::rbac_checks {
namespace {

using rbac::Binding;
using rbac::PolicyRule;
using rbac::Role;

constexpr std::string_view kKubeSystem = "kube-system";
// A probe subresource standing for every subresource the rule names (`userextras/<key>`: the
// keys are open-ended, and RBAC has no `resource/*` wildcard).
constexpr std::string_view kAnySubresource = "<any>";

// One request that, if a rule allows it, makes the rule risky; built once.
struct Probe {
  rbac::RequestAttributes request;
  bool any_subresource = false;  // every `resource/<key>` the rule names (see kAnySubresource)
};

// A risky permission: the check, what it is, and the probes that reveal it. Every set of
// `all_of` must be allowed by some rule of the role (CSR approval needs two permissions).
struct Risk {
  CheckId check;
  std::string_view what;
  std::vector<std::vector<Probe>> all_of;
  std::optional<Severity> severity = {};
  bool kube_system_only = false;  // only where it reaches kube-system (aws-auth)
};

std::vector<Probe> verbs_on(std::initializer_list<std::string_view> verbs, std::string_view group,
                            std::initializer_list<std::string_view> resources,
                            std::string_view subresource = {}, std::string_view name = {}) {
  std::vector<Probe> probes;
  for (std::string_view resource : resources) {
    for (std::string_view verb : verbs) {
      Probe probe;
      probe.request.verb = std::string(verb);
      probe.request.api_group = std::string(group);
      probe.request.resource = std::string(resource);
      probe.any_subresource = subresource == kAnySubresource;
      if (!probe.any_subresource) probe.request.subresource = std::string(subresource);
      probe.request.name = std::string(name);
      probes.push_back(std::move(probe));
    }
  }
  return probes;
}

std::vector<Probe> join(std::vector<Probe> a, const std::vector<Probe>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<Risk>& risks() {
  static const std::vector<Risk> kRisks = [] {
    const std::initializer_list<std::string_view> kWrite = {"create", "update", "patch"};
    std::vector<Risk> r;
    r.push_back({CheckId::kRbacSecretsRead,
                 "read secrets",
                 {verbs_on({"get", "list", "watch"}, "", {"secrets"})}});
    r.push_back({CheckId::kRbacWorkloadCreate,
                 "create pods or workload controllers",
                 {join(join(verbs_on({"create"}, "", {"pods"}),
                            verbs_on(kWrite, "apps",
                                     {"deployments", "daemonsets", "statefulsets", "replicasets"})),
                       join(verbs_on(kWrite, "batch", {"jobs", "cronjobs"}),
                            verbs_on(kWrite, "", {"replicationcontrollers"})))}});
    r.push_back({CheckId::kRbacPodExec,
                 "exec, attach or port-forward into pods",
                 {join(join(verbs_on({"create", "get"}, "", {"pods"}, "exec"),
                            verbs_on({"create", "get"}, "", {"pods"}, "attach")),
                       verbs_on({"create", "get"}, "", {"pods"}, "portforward"))}});
    r.push_back(
        {CheckId::kRbacEscalation,
         "bind, escalate or write roles and bindings",
         {join(
             verbs_on({"bind", "escalate"}, "rbac.authorization.k8s.io", {"roles", "clusterroles"}),
             verbs_on(kWrite, "rbac.authorization.k8s.io",
                      {"roles", "clusterroles", "rolebindings", "clusterrolebindings"}))}});
    r.push_back(
        {CheckId::kRbacImpersonation,
         "impersonate identities",
         {join(verbs_on({"impersonate"}, "", {"users", "groups", "serviceaccounts", "uids"}),
               verbs_on({"impersonate"}, "authentication.k8s.io", {"userextras"},
                        kAnySubresource))}});
    r.push_back(
        {CheckId::kRbacNodeProxy,
         "reach nodes/proxy",
         {verbs_on({"get", "create", "update", "patch", "delete"}, "", {"nodes"}, "proxy")}});
    r.push_back({CheckId::kRbacTokenCreate,
                 "mint service account tokens",
                 {join(verbs_on({"create"}, "", {"serviceaccounts"}, "token"),
                       verbs_on(kWrite, "", {"secrets"}))}});
    r.push_back({CheckId::kRbacCsrApproval,
                 "approve certificate signing requests",
                 {verbs_on({"update", "patch"}, "certificates.k8s.io",
                           {"certificatesigningrequests"}, "approval"),
                  verbs_on({"approve"}, "certificates.k8s.io", {"signers"})}});
    r.push_back({CheckId::kRbacWebhookControl,
                 "change admission webhooks or policies",
                 {verbs_on(kWrite, "admissionregistration.k8s.io",
                           {"validatingwebhookconfigurations", "mutatingwebhookconfigurations",
                            "validatingadmissionpolicies", "validatingadmissionpolicybindings"})}});
    r.push_back({CheckId::kRbacAwsAuthWritable,
                 "modify the aws-auth ConfigMap",
                 {verbs_on({"update", "patch"}, "", {"configmaps"}, "", "aws-auth")},
                 std::nullopt,
                 true});
    r.push_back({CheckId::kRbacPersistentVolumeCreate,
                 "create PersistentVolumes",
                 {verbs_on({"create"}, "", {"persistentvolumes"})}});
    r.push_back({CheckId::kRbacStatusWrite,
                 "add ephemeral containers to pods",
                 {verbs_on({"update", "patch"}, "", {"pods"}, "ephemeralcontainers")}});
    r.push_back({CheckId::kRbacStatusWrite,
                 "write pod, node or service status",
                 {join(verbs_on({"update", "patch"}, "", {"pods", "nodes"}, "status"),
                       verbs_on({"update", "patch"}, "", {"services"}, "status"))},
                 Severity::kMedium});
    return r;
  }();
  return kRisks;
}

bool allows_request(const PolicyRule& rule, const rbac::RequestAttributes& request) {
  // A rule limited to named objects still grants on those objects.
  if (!request.name.empty() || rule.resource_names.empty()) return rbac::rule_allows(request, rule);
  rbac::RequestAttributes named = request;
  named.name = rule.resource_names[0];
  return rbac::rule_allows(named, rule);
}

bool allows(const PolicyRule& rule, const Probe& probe) {
  if (!probe.any_subresource) return allows_request(rule, probe.request);
  const std::string prefix = probe.request.resource + "/";
  rbac::RequestAttributes request = probe.request;
  for (const std::string& resource : rule.resources) {
    request.subresource = resource.starts_with(prefix) ? resource.substr(prefix.size()) : "x";
    if (allows_request(rule, request)) return true;
  }
  return false;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_superuser_rule(const PolicyRule& rule) {
  return contains(rule.verbs, "*") && contains(rule.api_groups, "*") &&
         contains(rule.resources, "*");
}

class Checker {
 public:
  Checker(const rbac::Policy& policy, const Options& options, std::vector<Finding>& out)
      : policy_(policy),
        options_(options),
        out_(out),
        bindings_of_role_(policy.roles().size()),
        rights_cache_(policy.roles().size()) {
    for (uint32_t b = 0; b < policy.bindings().size(); ++b)
      if (const uint32_t role = policy.role_of(b); role != rbac::kNone)
        bindings_of_role_[role].push_back(b);
  }

  void run() {
    for (uint32_t r = 0; r < policy_.roles().size(); ++r) check_role(r);
    for (uint32_t b = 0; b < policy_.bindings().size(); ++b) check_binding(b);
    check_many_roles();
    check_crowded_namespaces();
    check_platform_aggregations();
  }

 private:
  bool superuser(uint32_t role) const {
    const auto& rules = policy_.rules_of(role);
    return std::any_of(rules.begin(), rules.end(), is_superuser_rule);
  }

  // "bound to Group a, User b through ClusterRoleBinding x" or "not bound in the inputs".
  std::string bound_to(uint32_t role) const {
    std::vector<std::string> parts;
    for (uint32_t b : bindings_of_role_[role]) parts.push_back(grantees(policy_.bindings()[b]));
    if (parts.empty()) return "not bound by any binding in the inputs";
    constexpr size_t kShown = 5;
    std::string text = "bound to ";
    for (size_t i = 0; i < std::min(parts.size(), kShown); ++i)
      text += (i == 0 ? "" : "; ") + parts[i];
    if (parts.size() > kShown) text += fmt::format("; and {} more bindings", parts.size() - kShown);
    return text;
  }

  static std::string subjects_of(const Binding& binding) {
    std::string who;
    for (const rbac::Subject& subject : binding.subjects)
      who += (who.empty() ? "" : ", ") + describe_subject(binding, subject);
    return who.empty() ? "no subjects" : who;
  }
  static std::string grantees(const Binding& binding) {
    return fmt::format("{} through {}", subjects_of(binding), describe_binding(binding));
  }

  // Does the grant reach kube-system? A Role there, a RoleBinding there, or anything
  // cluster-wide (a ClusterRole bound by a ClusterRoleBinding, or not bound yet).
  bool reaches_kube_system(uint32_t role, const Binding* binding) const {
    if (binding != nullptr)
      return binding->kind == rbac::BindingKind::kClusterRoleBinding ||
             binding->namespace_ == kKubeSystem;
    const Role& r = policy_.roles()[role];
    if (r.kind == rbac::RoleKind::kRole) return r.namespace_ == kKubeSystem;
    const auto& bindings = bindings_of_role_[role];
    return bindings.empty() || std::any_of(bindings.begin(), bindings.end(), [&](uint32_t b) {
             const Binding& other = policy_.bindings()[b];
             return other.kind == rbac::BindingKind::kClusterRoleBinding ||
                    other.namespace_ == kKubeSystem;
           });
  }

  // The first rule allowing a probe of each set; nullopt unless every set is met.
  static std::optional<std::vector<size_t>> match(std::span<const PolicyRule> rules,
                                                  const Risk& risk) {
    std::vector<size_t> found;
    for (const auto& probes : risk.all_of) {
      std::optional<size_t> hit;
      for (size_t i = 0; i < rules.size() && !hit; ++i)
        for (const Probe& probe : probes)
          if (allows(rules[i], probe)) {
            hit = i;
            break;
          }
      if (!hit) return std::nullopt;
      found.push_back(*hit);
    }
    return found;
  }

  static std::string rule_list(const std::vector<size_t>& rules) {
    std::string text;
    for (size_t i : rules) text += fmt::format("{}rules[{}]", text.empty() ? "" : " and ", i);
    return text;
  }

  Finding& emit(CheckId check, const SubjectPtr& subject, const rbac::Origin& origin,
                std::string path, std::string message) {
    return emit_at(out_, check, subject, origin, std::move(path), std::move(message));
  }

  void check_role(uint32_t index) {
    const Role& role = policy_.roles()[index];
    if (role.platform) return;  // reported where custom bindings hand it out
    SubjectPtr subject;
    auto about = [&]() -> const SubjectPtr& {
      if (!subject) subject = role_subject(policy_, role);
      return subject;
    };
    const std::string label = fmt::format("{} \"{}\"", rbac::to_string(role.kind), role.name);
    std::optional<std::string> bound;  // the same for every finding on this role
    auto grantees_text = [&]() -> const std::string& {
      if (!bound) bound = bound_to(index);
      return *bound;
    };
    const auto& rules = policy_.rules_of(index);
    for (size_t i = 0; i < rules.size(); ++i) {
      const PolicyRule& rule = rules[i];
      std::vector<std::string_view> fields;
      if (contains(rule.verbs, "*")) fields.push_back("verbs");
      if (contains(rule.api_groups, "*")) fields.push_back("apiGroups");
      if (contains(rule.resources, "*")) fields.push_back("resources");
      if (fields.empty()) continue;
      emit(CheckId::kRbacWildcard, about(), role.origin, fmt::format("rules[{}]", i),
           fmt::format("{} rules[{}] uses `*` in {}; {}", label, i, fmt::join(fields, ", "),
                       grantees_text()));
    }
    if (role.kind == rbac::RoleKind::kClusterRole) check_aggregation_labels(role, about);
    if (role.aggregation) check_aggregation_rule(index, about);
    if (superuser(index)) return;  // K8S-RBAC-001 on its cluster-wide bindings says it all
    for (const Risk& risk : risks()) {
      if (risk.kube_system_only && !reaches_kube_system(index, nullptr)) continue;
      const auto rules_hit = match(policy_.rules_of(index), risk);
      if (!rules_hit) continue;
      Finding& finding =
          emit(risk.check, about(), role.origin, fmt::format("rules[{}]", rules_hit->front()),
               fmt::format("{} {} can {}; {}", label, rule_list(*rules_hit), risk.what,
                           grantees_text()));
      if (risk.severity) finding.severity = *risk.severity;
    }
  }

  template <typename About>
  void check_aggregation_labels(const Role& role, About&& about) {
    for (const auto& [key, value] : role.labels) {
      constexpr std::string_view kPrefix = "rbac.authorization.k8s.io/aggregate-to-";
      if (!key.starts_with(kPrefix) || value != "true") continue;
      const std::string_view target = std::string_view(key).substr(kPrefix.size());
      if (target != "admin" && target != "edit" && target != "view") continue;
      emit(CheckId::kRbacAggregationInjection, about(), role.origin, "metadata.labels",
           fmt::format("ClusterRole \"{}\" is labelled {}: true, so its rules are added to the "
                       "built-in `{}` ClusterRole and everyone bound to it",
                       role.name, key, target));
    }
  }

  void check_binding(uint32_t index) {
    const Binding& binding = policy_.bindings()[index];
    SubjectPtr subject;
    auto about = [&]() -> const SubjectPtr& {
      if (!subject) subject = binding_subject(policy_, binding);
      return subject;
    };
    check_anonymous(binding, about);
    if (binding.platform) return;
    check_subjects(binding, about);
    const std::string label = describe_binding(binding);
    // system:masters is allowed everything before RBAC: whatever the role, it is cluster admin.
    const bool masters =
        std::any_of(binding.subjects.begin(), binding.subjects.end(), [](const rbac::Subject& s) {
          return s.kind == rbac::SubjectKind::kGroup && s.name == rbac::kSystemMasters;
        });
    if (masters) {
      emit(CheckId::kRbacClusterAdmin, about(), binding.origin, "subjects",
           fmt::format("{} names Group system:masters, which the API server allows everything "
                       "before RBAC is asked",
                       label));
    }
    const uint32_t role = policy_.role_of(index);
    if (role == rbac::kNone) {
      emit(CheckId::kRbacDanglingRoleRef, about(), binding.origin, "roleRef",
           fmt::format("{} refers to {} \"{}\", which is not in the inputs; whoever creates it "
                       "grants {}",
                       label, rbac::to_string(binding.role_kind), binding.role_name,
                       subjects_of(binding)));
      return;
    }
    const Role& target = policy_.roles()[role];
    if (binding.kind == rbac::BindingKind::kClusterRoleBinding && superuser(role) && !masters) {
      emit(CheckId::kRbacClusterAdmin, about(), binding.origin, "roleRef",
           fmt::format("{} grants ClusterRole \"{}\" (every verb on every resource) cluster-wide "
                       "to {}",
                       label, target.name, subjects_of(binding)));
    }
    if (!target.platform || superuser(role)) return;  // custom roles are reported on the role
    for (const Risk& risk : risks()) {
      if (risk.kube_system_only && !reaches_kube_system(role, &binding)) continue;
      const auto rules_hit = match(policy_.rules_of(role), risk);
      if (!rules_hit) continue;
      Finding& finding = emit(
          risk.check, about(), binding.origin, "roleRef",
          fmt::format("{} grants {} \"{}\" ({} can {}) to {}", label, rbac::to_string(target.kind),
                      target.name, rule_list(*rules_hit), risk.what, subjects_of(binding)));
      if (risk.severity) finding.severity = *risk.severity;
    }
  }

  template <typename About>
  void check_anonymous(const Binding& binding, About&& about) {
    const bool public_info = binding.kind == rbac::BindingKind::kClusterRoleBinding &&
                             binding.name == "system:public-info-viewer";
    if (public_info || binding.name == "kubeadm:bootstrap-signer-clusterinfo") return;
    static constexpr std::array<std::string_view, 3> kDefaultForAuthenticated{
        "system:basic-user", "system:discovery", "system:public-info-viewer"};
    const bool default_role =
        binding.role_kind == rbac::RoleKind::kClusterRole &&
        std::find(kDefaultForAuthenticated.begin(), kDefaultForAuthenticated.end(),
                  binding.role_name) != kDefaultForAuthenticated.end();
    for (size_t i = 0; i < binding.subjects.size(); ++i) {
      const rbac::Subject& s = binding.subjects[i];
      const bool anonymous =
          (s.kind == rbac::SubjectKind::kUser && s.name == rbac::kAnonymous) ||
          (s.kind == rbac::SubjectKind::kGroup && s.name == rbac::kUnauthenticated);
      const bool everyone =
          s.kind == rbac::SubjectKind::kGroup && s.name == rbac::kAuthenticated && !default_role;
      if (!anonymous && !everyone) continue;
      emit(CheckId::kRbacAnonymousGrant, about(), binding.origin, fmt::format("subjects[{}]", i),
           fmt::format("{} grants {} \"{}\" to {}: {}", describe_binding(binding),
                       rbac::to_string(binding.role_kind), binding.role_name,
                       describe_subject(binding, s),
                       anonymous ? "any request without credentials gets it"
                                 : "every authenticated identity (any IAM principal mapped into "
                                   "the cluster, every service account) gets it"));
    }
  }

  template <typename About>
  void check_subjects(const Binding& binding, About&& about) {
    for (size_t i = 0; i < binding.subjects.size(); ++i) {
      const rbac::Subject& s = binding.subjects[i];
      std::string_view problem;
      if (s.name == "*")
        problem = "`*` is not a wildcard in RBAC subjects: it names an identity called `*`";
      else if (s.name.find_first_of(" \t") != std::string::npos)
        problem = "the name holds whitespace, which no authenticator produces";
      if (problem.empty()) continue;
      emit(CheckId::kRbacInvalidSubject, about(), binding.origin, fmt::format("subjects[{}]", i),
           fmt::format("{} subject {}: {}", describe_binding(binding), describe_subject(binding, s),
                       problem));
    }
  }

  // krane's first threshold (configurable): a subject holding many roles.
  void check_many_roles() {
    std::map<std::string, std::pair<uint32_t, std::vector<std::string>>> roles_by_subject;
    for (uint32_t b = 0; b < policy_.bindings().size(); ++b) {
      const Binding& binding = policy_.bindings()[b];
      if (binding.platform) continue;
      for (const rbac::Subject& s : binding.subjects) {
        auto [it, fresh] = roles_by_subject.try_emplace(describe_subject(binding, s));
        if (fresh) it->second.first = b;
        const std::string role = fmt::format("{} {}", rbac::to_string(binding.role_kind),
                                             binding.role_kind == rbac::RoleKind::kRole
                                                 ? binding.namespace_ + "/" + binding.role_name
                                                 : binding.role_name);
        if (!contains(it->second.second, role)) it->second.second.push_back(role);
      }
    }
    for (const auto& [who, entry] : roles_by_subject) {
      if (entry.second.size() < options_.roles_per_subject) continue;
      const Binding& first = policy_.bindings()[entry.first];
      emit(CheckId::kRbacManyRoles, binding_subject(policy_, first), first.origin, "subjects",
           fmt::format("{} is bound to {} roles ({})", who, entry.second.size(),
                       fmt::join(entry.second, ", ")));
    }
  }

  // krane's second threshold (configurable): a namespace whose RoleBindings name many subjects.
  // Reported on the namespace's first custom RoleBinding (Namespaces are rarely in the inputs).
  void check_crowded_namespaces() {
    for (const std::string& namespace_ : policy_.binding_namespaces()) {
      const Binding* first = nullptr;
      std::vector<std::string> subjects;  // in order of appearance
      std::unordered_set<std::string> distinct;
      for (uint32_t b : policy_.namespace_bindings(namespace_)) {
        const Binding& binding = policy_.bindings()[b];
        if (binding.platform) continue;
        if (first == nullptr) first = &binding;
        for (const rbac::Subject& s : binding.subjects) {
          std::string who = describe_subject(binding, s);
          if (distinct.insert(who).second) subjects.push_back(std::move(who));
        }
      }
      if (first == nullptr || subjects.size() < options_.subjects_per_namespace) continue;
      emit(CheckId::kRbacManyRoles, binding_subject(policy_, *first), first->origin, "subjects",
           fmt::format("namespace {}: its RoleBindings name {} subjects ({})", namespace_,
                       subjects.size(), shortened(subjects, 10)));
    }
  }

  // What a selector picks beyond roles labelled on purpose: "" when it needs a label value.
  static std::string broad_selector(const rbac::LabelSelector& selector) {
    using Op = rbac::LabelRequirement::Op;
    std::vector<std::string_view> exists;
    for (const rbac::LabelRequirement& r : selector.requirements) {
      if (r.op == Op::kIn) return {};
      if (r.op == Op::kExists) exists.push_back(r.key);
    }
    if (selector.requirements.empty())
      return "is empty, so it selects every ClusterRole (cluster-admin included)";
    if (!exists.empty())
      return fmt::format("selects every ClusterRole carrying the label key {}, whatever its value",
                         fmt::join(exists, ", "));
    return "only excludes labels (NotIn, DoesNotExist), so it selects every ClusterRole without "
           "them (cluster-admin included)";
  }

  // rights_of a role's rules, computed once per role (many aggregations may pick it).
  const std::vector<std::string_view>& cached_rights(uint32_t role) {
    auto& slot = rights_cache_[role];
    if (!slot) slot = rights_of(policy_.rules_of(role));
    return *slot;
  }

  // The risky things a set of rules can do ("read secrets", ...), in risks() order.
  static std::vector<std::string_view> rights_of(std::span<const PolicyRule> rules) {
    if (std::any_of(rules.begin(), rules.end(), is_superuser_rule))
      return {"do anything (every verb on every resource)"};
    std::vector<std::string_view> rights;
    for (const Risk& risk : risks())
      if (match(rules, risk)) rights.push_back(risk.what);
    return rights;
  }

  // K8S-RBAC-016 on a custom aggregated ClusterRole: selectors so broad that any ClusterRole
  // lands in it, and which ClusterRoles of the inputs it pulls in with the rights they add.
  template <typename About>
  void check_aggregation_rule(uint32_t index, About&& about) {
    const Role& role = policy_.roles()[index];
    if (policy_.find_role(role.kind, role.namespace_, role.name) != index) return;  // replaced
    const auto sources = policy_.aggregation_sources(index);
    const std::vector<rbac::LabelSelector>& selectors = *role.aggregation;
    for (size_t i = 0; i < selectors.size(); ++i) {
      const std::string why = broad_selector(selectors[i]);
      if (why.empty()) continue;
      const auto picked =
          std::count_if(sources.begin(), sources.end(),
                        [&](const rbac::AggregationSource& s) { return s.selector == i; });
      emit(CheckId::kRbacAggregationInjection, about(), role.origin,
           fmt::format("aggregationRule.clusterRoleSelectors[{}]", i),
           fmt::format("ClusterRole \"{}\" aggregationRule.clusterRoleSelectors[{}] {}: it picks "
                       "{} of the {} ClusterRoles in the inputs, and whoever can create or label "
                       "a ClusterRole adds its rules to \"{}\"; {}",
                       role.name, i, why, picked, policy_.count(rbac::RoleKind::kClusterRole),
                       role.name, bound_to(index)))
          .severity = Severity::kHigh;
    }
    constexpr size_t kShown = 5;
    std::vector<std::string> pulled;  // the first kShown, described
    std::unordered_set<uint32_t> seen;
    bool dangerous = false;
    for (const rbac::AggregationSource& source : sources) {
      if (!seen.insert(source.role).second) continue;
      const auto& rights = cached_rights(source.role);
      dangerous = dangerous || !rights.empty();
      if (pulled.size() < kShown)
        pulled.push_back(fmt::format("\"{}\" (clusterRoleSelectors[{}]{}{})",
                                     policy_.roles()[source.role].name, source.selector,
                                     rights.empty() ? "" : "; can ", fmt::join(rights, ", ")));
    }
    if (seen.size() > kShown) pulled.push_back(fmt::format("and {} more", seen.size() - kShown));
    const bool bound = !bindings_of_role_[index].empty();
    const std::string message =
        pulled.empty()
            ? fmt::format(
                  "ClusterRole \"{}\" has an aggregationRule that picks none of the "
                  "ClusterRoles in the inputs: its rules are whatever ClusterRoles with "
                  "matching labels bring, so whoever can create one grants through it; {}",
                  role.name, bound_to(index))
            : fmt::format("ClusterRole \"{}\" aggregates the rules of {}: {}; {}", role.name,
                          seen.size() == 1 ? std::string("1 ClusterRole")
                                           : fmt::format("{} ClusterRoles", seen.size()),
                          fmt::join(pulled, ", "), bound_to(index));
    emit(CheckId::kRbacAggregationInjection, about(), role.origin, "aggregationRule",
         policy_.aggregation_settled()
             ? message
             : message + " (partial: the aggregation stopped at its work limit)")
        .severity = dangerous && bound ? Severity::kHigh
                    : dangerous        ? Severity::kMedium
                                       : Severity::kLow;
  }

  // A custom ClusterRole that a platform aggregationRule (other than admin/edit/view, whose
  // labels check_aggregation_labels reports) picks up through its labels.
  void check_platform_aggregations() {
    for (uint32_t index = 0; index < policy_.roles().size(); ++index) {
      const Role& aggregator = policy_.roles()[index];
      if (!aggregator.platform || aggregator.name == "admin" || aggregator.name == "edit" ||
          aggregator.name == "view")
        continue;
      std::unordered_set<uint32_t> reported;
      for (const rbac::AggregationSource& source : policy_.aggregation_sources(index)) {
        const Role& role = policy_.roles()[source.role];
        if (role.platform || !reported.insert(source.role).second) continue;
        emit(CheckId::kRbacAggregationInjection, role_subject(policy_, role), role.origin,
             "metadata.labels",
             fmt::format("ClusterRole \"{}\" carries labels that ClusterRole \"{}\" "
                         "aggregationRule.clusterRoleSelectors[{}] selects, so its rules are "
                         "added to \"{}\"; \"{}\" is {}",
                         role.name, aggregator.name, source.selector, aggregator.name,
                         aggregator.name, bound_to(index)));
      }
    }
  }

  const rbac::Policy& policy_;
  const Options& options_;
  std::vector<Finding>& out_;
  std::vector<std::vector<uint32_t>> bindings_of_role_;
  std::vector<std::optional<std::vector<std::string_view>>> rights_cache_;  // by role
};

void sort_unique(std::vector<std::string>& names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

}  // namespace

void check_rbac(const rbac::Policy& policy, std::vector<Finding>& out, const Options& options) {
  Checker(policy, options, out).run();
}

std::vector<std::string> bound_groups(const rbac::Policy& policy) {
  std::vector<std::string> groups;
  for (const Binding& binding : policy.bindings())
    for (const rbac::Subject& s : binding.subjects)
      if (s.kind == rbac::SubjectKind::kGroup) groups.push_back(s.name);
  sort_unique(groups);
  return groups;
}

std::vector<std::string> cluster_admin_groups(const rbac::Policy& policy) {
  std::vector<std::string> groups{std::string(rbac::kSystemMasters)};
  for (uint32_t b : policy.cluster_bindings()) {
    const uint32_t role = policy.role_of(b);
    if (role == rbac::kNone) continue;
    const auto& rules = policy.rules_of(role);
    if (std::none_of(rules.begin(), rules.end(), is_superuser_rule)) continue;
    for (const rbac::Subject& s : policy.bindings()[b].subjects)
      if (s.kind == rbac::SubjectKind::kGroup) groups.push_back(s.name);
  }
  sort_unique(groups);
  return groups;
}

}  // namespace eksguard::rbac_checks
