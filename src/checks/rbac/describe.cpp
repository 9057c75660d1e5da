// Naming RBAC objects in K8S-RBAC messages (see describe.h).
#include "checks/rbac/describe.h"

#include <fmt/format.h>

namespace eksguard::rbac_checks {

namespace {
constexpr std::string_view kRbacApiVersion = "rbac.authorization.k8s.io/v1";
}  // namespace

std::string describe_subject(const rbac::Binding& binding, const rbac::Subject& subject) {
  if (subject.kind == rbac::SubjectKind::kServiceAccount)
    return fmt::format("ServiceAccount {}/{}", rbac::Policy::subject_namespace(binding, subject),
                       subject.name);
  return fmt::format("{} {}", rbac::to_string(subject.kind), subject.name);
}

std::string describe_binding(const rbac::Binding& binding) {
  return binding.kind == rbac::BindingKind::kRoleBinding
             ? fmt::format("RoleBinding {}/{}", binding.namespace_, binding.name)
             : fmt::format("ClusterRoleBinding {}", binding.name);
}

std::string describe_role_ref(const rbac::Binding& binding) {
  return binding.role_kind == rbac::RoleKind::kRole
             ? fmt::format("Role \"{}/{}\"", binding.namespace_, binding.role_name)
             : fmt::format("ClusterRole \"{}\"", binding.role_name);
}

std::string shortened(const std::vector<std::string>& items, size_t shown) {
  if (items.size() <= shown) return fmt::format("{}", fmt::join(items, ", "));
  return fmt::format("{} and {} more",
                     fmt::join(items.begin(), items.begin() + static_cast<ptrdiff_t>(shown), ", "),
                     items.size() - shown);
}

SubjectPtr rbac_subject(const rbac::Policy& policy, std::string_view kind,
                        const std::string& namespace_, const std::string& name,
                        const rbac::Origin& origin) {
  return std::make_shared<const Subject>(
      Subject{k8s::ObjectRef{std::string(kRbacApiVersion), std::string(kind), namespace_, name},
              policy.files()[origin.file]});
}

SubjectPtr role_subject(const rbac::Policy& policy, const rbac::Role& role) {
  return rbac_subject(policy, rbac::to_string(role.kind), role.namespace_, role.name, role.origin);
}

SubjectPtr binding_subject(const rbac::Policy& policy, const rbac::Binding& binding) {
  return rbac_subject(policy, rbac::to_string(binding.kind), binding.namespace_, binding.name,
                      binding.origin);
}

Finding& emit_at(std::vector<Finding>& out, CheckId check, const SubjectPtr& subject,
                 const rbac::Origin& origin, std::string path, std::string message) {
  Finding& finding = out.emplace_back(check, subject);
  finding.position = doc::Position{origin.line, origin.column};
  finding.path = std::move(path);
  finding.message = std::move(message);
  return finding;
}

}  // namespace eksguard::rbac_checks
