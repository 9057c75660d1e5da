// K8S-RBAC-019: default ServiceAccounts that keep token automounting or are granted rights,
// with the workloads of the inputs that run as them; positions on the ServiceAccount or the
// binding subject. The pod side (EKS-POD-001/002) is tested with the hardening checks.
#include "checks/rbac/service_accounts.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "doc/loader.h"
#include "k8s/list.h"
#include "k8s/workload.h"

namespace eksguard::rbac_checks {
namespace {

std::vector<Finding> run(std::string_view yaml, ServiceAccountInputs* kept = nullptr) {
  rbac::Inputs rbac_inputs;
  ServiceAccountInputs accounts;
  const auto errors = doc::load_text(yaml, "sa.yaml", {}, [&](doc::Document& document) {
    k8s::for_each_object(
        *document.root(), document.file(),
        [&](const k8s::Object& object) {
          rbac::add_object(object, rbac_inputs);
          accounts.add_account(object);
          auto pod = k8s::extract_pod_template(object);
          ASSERT_TRUE(pod.has_value()) << pod.error().message;
          if (pod->has_value()) accounts.add_workload(object, **pod);
        },
        [](InputError error) { ADD_FAILURE() << error.message; });
  });
  EXPECT_TRUE(errors.empty());
  for (const InputError& error : rbac_inputs.errors) ADD_FAILURE() << error.message;
  const rbac::Policy policy = rbac::Policy::compile(std::move(rbac_inputs));
  std::vector<Finding> findings;
  check_default_service_accounts(policy, accounts, findings);
  if (kept != nullptr) *kept = std::move(accounts);
  return findings;
}

constexpr std::string_view kDefaultAccount = R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: dev}
)";

constexpr std::string_view kWorkload = R"(---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: dev}
spec:
  template:
    spec:
      containers: [{name: app, image: nginx}]
)";

TEST(DefaultServiceAccountTest, DefaultAccountWithoutAutomountOffIsLowWhenUnused) {
  const auto findings = run(kDefaultAccount);
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.info().id, "K8S-RBAC-019");
  EXPECT_EQ(f.resource().kind, "ServiceAccount");
  EXPECT_EQ(f.resource().name, "default");
  EXPECT_EQ(f.file(), "sa.yaml");
  EXPECT_EQ(f.position.line, 1u);
  EXPECT_EQ(f.position.column, 1u);
  EXPECT_EQ(f.path, "automountServiceAccountToken");
  EXPECT_EQ(f.severity, Severity::kLow);
  EXPECT_NE(f.message.find("does not set automountServiceAccountToken: false"), std::string::npos);
  EXPECT_EQ(f.info().standards.cis_eks, "4.1.5, 4.1.6");
}

TEST(DefaultServiceAccountTest, UsedDefaultAccountNamesItsWorkloadsAndIsMedium) {
  const auto findings = run(std::string(kDefaultAccount) + std::string(kWorkload));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::kMedium);
  EXPECT_NE(findings[0].message.find("1 workload in the inputs runs as it with its token mounted: "
                                     "Deployment web (each also reported by EKS-POD-001 and "
                                     "EKS-POD-002)"),
            std::string::npos)
      << findings[0].message;
}

TEST(DefaultServiceAccountTest, ExplicitTruePointsAtTheField) {
  std::string yaml(kDefaultAccount);
  yaml += "automountServiceAccountToken: true\n";
  const auto findings = run(yaml);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].position.line, 4u);
  EXPECT_EQ(findings[0].position.column, 31u);
  EXPECT_NE(findings[0].message.find("sets automountServiceAccountToken: true"), std::string::npos);
}

TEST(DefaultServiceAccountTest, AutomountOffOrOtherAccountsAreNotReported) {
  std::string quiet(kDefaultAccount);
  quiet += "automountServiceAccountToken: false\n";
  ServiceAccountInputs kept;
  EXPECT_TRUE(run(quiet + std::string(kWorkload), &kept).empty());
  EXPECT_EQ(kept.quiet_accounts(), std::vector<std::string>{"ServiceAccount/dev/default"});

  std::string other(kDefaultAccount);
  other.replace(other.find("name: default"), 13, "name: builder");
  EXPECT_TRUE(run(other).empty());
  // A workload on the default account without the ServiceAccount in the inputs is
  // EKS-POD-002's alone.
  EXPECT_TRUE(run(kWorkload).empty());
}

// RoleBinding dev/app-edit of ClusterRole edit to User alice and ServiceAccount `account`.
std::string binding(std::string_view account) {
  return fmt::format(R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: app-edit, namespace: dev}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}}
subjects:
- {{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}}
- {{kind: ServiceAccount, name: {}}}
)",
                     account);
}

TEST(DefaultServiceAccountTest, BindingToTheDefaultAccountIsReportedOnTheSubject) {
  const auto findings = run(binding("default") + std::string(kWorkload));
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.resource().kind, "RoleBinding");
  EXPECT_EQ(f.resource().name, "app-edit");
  EXPECT_EQ(f.position.line, 2u);
  EXPECT_EQ(f.path, "subjects[1]");
  EXPECT_EQ(f.severity, Severity::kMedium);
  EXPECT_NE(f.message.find("RoleBinding dev/app-edit grants ClusterRole \"edit\" to "
                           "ServiceAccount dev/default"),
            std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("Deployment web"), std::string::npos);

  EXPECT_TRUE(run(binding("builder")).empty());
}

TEST(DefaultServiceAccountTest, AccountFindingCountsTheGrantsAndIsMedium) {
  const auto findings = run(std::string(kDefaultAccount) + binding("default"));
  ASSERT_EQ(findings.size(), 2u);
  const auto account = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
    return f.resource().kind == "ServiceAccount";
  });
  ASSERT_NE(account, findings.end());
  EXPECT_EQ(account->severity, Severity::kMedium);
  EXPECT_NE(account->message.find("1 binding subject grants it rights"), std::string::npos)
      << account->message;
}

TEST(DefaultServiceAccountTest, ServiceAccountGroupsIncludeTheDefaultAccount) {
  std::string yaml = binding("builder");
  const std::string_view user = "{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}";
  yaml.replace(yaml.find(user), user.size(),
               "{kind: Group, name: 'system:serviceaccounts:dev', apiGroup: "
               "rbac.authorization.k8s.io}");
  const auto findings = run(yaml);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].path, "subjects[0]");
  EXPECT_NE(findings[0].message.find("Group system:serviceaccounts:dev, which includes the "
                                     "`default` ServiceAccount of dev"),
            std::string::npos)
      << findings[0].message;
}

TEST(DefaultServiceAccountTest, WorkloadsInheritTheAccountSettingForBindings) {
  // The default account disables automounting: the workload mounts no token, so the binding
  // finding names no workload; one that sets true itself is named.
  std::string yaml(kDefaultAccount);
  yaml += "automountServiceAccountToken: false\n" + binding("default") + std::string(kWorkload);
  auto findings = run(yaml);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message.find("Deployment web"), std::string::npos) << findings[0].message;

  yaml += "      automountServiceAccountToken: true\n";
  findings = run(yaml);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].message.find("Deployment web"), std::string::npos) << findings[0].message;
}

TEST(DefaultServiceAccountTest, PlatformBindingsAreNotReported) {
  std::string yaml = binding("default");
  yaml.replace(yaml.find("metadata: {name: app-edit, namespace: dev}"), 42,
               "metadata: {name: 'eks:x', namespace: dev}");
  EXPECT_TRUE(run(yaml).empty());
}

}  // namespace
}  // namespace eksguard::rbac_checks
