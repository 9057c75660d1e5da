// K8S-RBAC-019: default ServiceAccounts that mount tokens or hold rights (see service_accounts.h).
#include "checks/rbac/service_accounts.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>

#include "checks/rbac/describe.h"

namespace eksguard::rbac_checks {
namespace {

constexpr std::string_view kDefault = "default";
constexpr std::string_view kAllServiceAccounts = "system:serviceaccounts";
// Stands for every namespace; no namespace can be called `*`.
constexpr std::string_view kAllNamespaces = "*";

// Where `kubectl apply` puts an object that names no namespace.
std::string effective_namespace(std::string_view written) {
  return written.empty() ? std::string(kDefault) : std::string(written);
}

// The namespaces whose default ServiceAccount a subject reaches: one, every one (kAllNamespaces),
// or none.
std::optional<std::string> default_account_namespace(const rbac::Binding& binding,
                                                     const rbac::Subject& subject) {
  if (subject.kind == rbac::SubjectKind::kServiceAccount) {
    const std::string_view namespace_ = rbac::Policy::subject_namespace(binding, subject);
    if (subject.name != kDefault || namespace_ == kAllNamespaces) return std::nullopt;
    return std::string(namespace_);
  }
  if (subject.kind != rbac::SubjectKind::kGroup) return std::nullopt;
  if (subject.name == kAllServiceAccounts) return std::string(kAllNamespaces);
  const std::string prefix = std::string(kAllServiceAccounts) + ":";
  if (!subject.name.starts_with(prefix) || subject.name.size() == prefix.size() ||
      subject.name.substr(prefix.size()) == kAllNamespaces)
    return std::nullopt;
  return subject.name.substr(prefix.size());
}

class DefaultAccountChecker {
 public:
  DefaultAccountChecker(const rbac::Policy& policy, const ServiceAccountInputs& inputs,
                        std::vector<Finding>& out)
      : policy_(policy), inputs_(inputs), out_(out) {
    // A pod that leaves automountServiceAccountToken unset takes its ServiceAccount's setting.
    std::vector<std::string> quiet;
    for (const ServiceAccountRecord& account : inputs.accounts)
      if (account.subject->resource.name == kDefault && account.automount == false)
        quiet.push_back(effective_namespace(account.subject->resource.namespace_));
    for (const DefaultAccountUse& use : inputs.default_uses) {
      const bool mounts = use.automount.value_or(
          std::find(quiet.begin(), quiet.end(), use.namespace_) == quiet.end());
      if (mounts) mounting_[use.namespace_].push_back(use.workload);
    }
  }

  void run() {
    check_bindings();
    for (const ServiceAccountRecord& account : inputs_.accounts) check_account(account);
  }

 private:
  // "; 2 workloads in the inputs run as it with its token mounted: …" or "".
  std::string usage(const std::string& namespace_) const {
    constexpr size_t kShown = 5;
    std::vector<std::string> shown;  // the first kShown, then "and N more"
    size_t total = 0;
    auto add = [&](const std::vector<std::string>& names) {
      total += names.size();
      for (size_t i = 0; i < names.size() && shown.size() < kShown; ++i) shown.push_back(names[i]);
    };
    if (namespace_ == kAllNamespaces) {
      for (const auto& [ns, names] : mounting_) add(names);
    } else if (const auto it = mounting_.find(namespace_); it != mounting_.end()) {
      add(it->second);
    }
    if (total == 0) return {};
    if (total > kShown) shown.push_back(fmt::format("and {} more", total - kShown));
    return fmt::format(
        "; {} in the inputs {} as it with its token mounted: {} (each also reported by "
        "EKS-POD-001 and EKS-POD-002)",
        total == 1 ? "1 workload" : fmt::format("{} workloads", total), total == 1 ? "runs" : "run",
        fmt::join(shown, ", "));
  }

  void check_bindings() {
    for (const rbac::Binding& binding : policy_.bindings()) {
      if (binding.platform) continue;
      SubjectPtr subject;
      for (size_t i = 0; i < binding.subjects.size(); ++i) {
        const rbac::Subject& s = binding.subjects[i];
        const auto namespace_ = default_account_namespace(binding, s);
        if (!namespace_) continue;
        ++grants_[*namespace_];
        const std::string who =
            s.kind == rbac::SubjectKind::kServiceAccount
                ? fmt::format(
                      "ServiceAccount {}/default, the identity of every pod in {} that "
                      "names no service account",
                      *namespace_, *namespace_)
                : fmt::format(
                      "Group {}, which includes the `default` ServiceAccount of {} that "
                      "pods naming no service account run as",
                      s.name, *namespace_ == kAllNamespaces ? "every namespace" : *namespace_);
        if (!subject) subject = binding_subject(policy_, binding);
        emit_at(out_, CheckId::kRbacDefaultServiceAccount, subject, binding.origin,
                fmt::format("subjects[{}]", i),
                fmt::format("{} grants {} to {} (CIS 4.1.5){}", describe_binding(binding),
                            describe_role_ref(binding), who, usage(*namespace_)));
      }
    }
  }

  void check_account(const ServiceAccountRecord& account) {
    const k8s::ObjectRef& ref = account.subject->resource;
    if (ref.name != kDefault || account.automount == false) return;
    const std::string namespace_ = effective_namespace(ref.namespace_);
    const std::string used = usage(namespace_);
    const size_t grants = count_grants(namespace_);
    Finding& finding = out_.emplace_back(CheckId::kRbacDefaultServiceAccount, account.subject);
    finding.position = account.automount_at.value_or(account.position);
    finding.path = "automountServiceAccountToken";
    finding.message = fmt::format(
        "ServiceAccount {}/default {}, so every pod of {} that names no service account gets its "
        "token (CIS 4.1.5, 4.1.6){}{}",
        namespace_,
        account.automount == true ? "sets automountServiceAccountToken: true"
                                  : "does not set automountServiceAccountToken: false",
        namespace_, used,
        grants == 0
            ? std::string()
            : fmt::format("; {} {} it rights (reported on each)", grants,
                          grants == 1 ? "binding subject grants" : "binding subjects grant"));
    if (used.empty() && grants == 0) finding.severity = Severity::kLow;
  }

  size_t count_grants(const std::string& namespace_) const {
    auto at = [&](const std::string& key) {
      const auto it = grants_.find(key);
      return it == grants_.end() ? size_t{0} : it->second;
    };
    return at(std::string(kAllNamespaces)) + at(namespace_);
  }

  const rbac::Policy& policy_;
  const ServiceAccountInputs& inputs_;
  std::vector<Finding>& out_;
  std::map<std::string, std::vector<std::string>> mounting_;  // namespace → workloads
  // namespace (kAllNamespaces: every one) → binding subjects reaching its default account
  std::map<std::string, size_t> grants_;
};

}  // namespace

void ServiceAccountInputs::add_account(const k8s::Object& object) {
  if (object.ref.kind != "ServiceAccount") return;
  ServiceAccountRecord record;
  record.subject = std::make_shared<const Subject>(Subject{object.ref, std::string(object.file)});
  record.position = object.root->position();
  if (const doc::Node* field = object.root->get("automountServiceAccountToken")) {
    record.automount_at = field->position();
    if (field->is_true()) record.automount = true;
    if (field->is_false()) record.automount = false;
  }
  accounts.push_back(std::move(record));
}

void ServiceAccountInputs::add_workload(const k8s::Object& object, const k8s::PodTemplate& pod) {
  std::string_view account = pod.spec->string_at("serviceAccountName");
  if (account.empty()) account = pod.spec->string_at("serviceAccount");
  if (!account.empty() && account != kDefault) return;
  const doc::Node* automount = pod.spec->get("automountServiceAccountToken");
  default_uses.push_back(
      DefaultAccountUse{effective_namespace(object.ref.namespace_),
                        fmt::format("{} {}", object.ref.kind,
                                    object.ref.name.empty() ? "<unnamed>" : object.ref.name),
                        automount != nullptr && (automount->is_true() || automount->is_false())
                            ? std::optional<bool>(automount->is_true())
                            : std::nullopt});
}

void ServiceAccountInputs::merge(ServiceAccountInputs&& other) {
  std::move(other.accounts.begin(), other.accounts.end(), std::back_inserter(accounts));
  std::move(other.default_uses.begin(), other.default_uses.end(), std::back_inserter(default_uses));
}

std::vector<std::string> ServiceAccountInputs::quiet_accounts() const {
  std::vector<std::string> keys;
  for (const ServiceAccountRecord& account : accounts) {
    if (account.automount != false) continue;
    const k8s::ObjectRef& ref = account.subject->resource;
    keys.push_back(fmt::format("ServiceAccount/{}/{}", ref.namespace_, ref.name));
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

void check_default_service_accounts(const rbac::Policy& policy, const ServiceAccountInputs& inputs,
                                    std::vector<Finding>& out) {
  DefaultAccountChecker(policy, inputs, out).run();
}

}  // namespace eksguard::rbac_checks
