// RBAC → Cedar equivalence: for the Kubernetes default ClusterRoles (bound here by generated
// ClusterRoleBindings and RoleBindings) and for every golden pair of the AWS prototype's
// converter (both read in place from ../shared), the RBAC authorizer and the converted Cedar
// policies, evaluated through the webhook's SubjectAccessReview mapping, must give the same
// answer for every generated request and user.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "k8s_authz/rbac_to_cedar_test_support.h"
#include "support/test_support.h"

namespace eksguard::k8s_authz {
namespace {

using testing::EquivalenceCounts;
using testing::RequestGenerator;

std::string bindings_for(std::string_view role, size_t index) {
  return fmt::format(R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: "crb-{1}"}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "{0}"}}
subjects: [{{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "crb-group-{1}"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: "rb-{1}", namespace: team}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "{0}"}}
subjects:
- {{kind: ServiceAccount, name: "sa-{1}"}}
- {{apiGroup: rbac.authorization.k8s.io, kind: User, name: "rb-user-{1}"}}
)",
                     role, index);
}

TEST(RbacToCedarEquivalence, BootstrapClusterRoles) {
  std::filesystem::path file;
  EKSGUARD_REQUIRE_SHARED("conformance/rbac/bootstrap/cluster-roles.yaml", file);
  const std::string roles_yaml = testing::read_text(file);
  const rbac::Policy roles_only = testing::compile_text(roles_yaml, "cluster-roles.yaml");
  ASSERT_GE(roles_only.roles().size(), 30u);
  EquivalenceCounts counts;
  size_t policies = 0;
  for (size_t i = 0; i < roles_only.roles().size(); ++i) {
    const std::string& role = roles_only.roles()[i].name;
    SCOPED_TRACE(role);
    const rbac::Policy policy =
        testing::compile_text(roles_yaml + bindings_for(role, i), "cluster-roles.yaml");
    const Conversion conversion = testing::convert(policy);
    policies += conversion.policies;
    RequestGenerator generator({"", "team", "other"});
    generator.add_rules(policy.rules_of(policy.find_role(rbac::RoleKind::kClusterRole, "", role)));
    const std::vector<rbac::UserInfo> users = {
        rbac::make_user(fmt::format("crb-user-{}", i), {fmt::format("crb-group-{}", i)}),
        rbac::make_user(fmt::format("system:serviceaccount:team:sa-{}", i)),
        rbac::make_user(fmt::format("rb-user-{}", i)),
        rbac::make_user(fmt::format("system:serviceaccount:other:sa-{}", i),
                        {fmt::format("crb-group-{}x", i)}),
    };
    testing::check_equivalence(policy, conversion.cedar, users, generator.requests(), counts);
    if (HasFatalFailure()) return;
  }
  std::cout << fmt::format(
      "[ counts ] bootstrap: {} ClusterRoles, {} policies, {} cases, {} allowed by RBAC, {} "
      "mismatches\n",
      roles_only.roles().size(), policies, counts.cases, counts.allowed, counts.mismatches);
  EXPECT_EQ(counts.mismatches, 0u);
  EXPECT_GT(counts.cases, 10'000u);
  EXPECT_GT(counts.allowed, 1'000u);
}

struct GoldenCase {
  std::string name;
  bool role_binding = false;
};

const std::vector<GoldenCase>& golden_cases() {
  static const std::vector<GoldenCase> cases = {
      {"system__public-info-viewer"},
      {"kubeadm__get-nodes"},
      {"system__coredns"},
      {"system__node-proxier"},
      {"system__controller__horizontal-pod-autoscaler"},
      {"crazy-policy"},
      {"non-resource-url"},
      {"cluster-admin"},
      {"system__kube-controller-manager"},
      {"impersonate"},
      {"impersonate-mixed-types"},
      {"invalid-service-account"},
      {"system__controller__token-cleaner", true},
  };
  return cases;
}

// The subjects' own users, and near misses: a stranger, the same service account name in
// another namespace, a user whose name extends the subject's.
std::vector<rbac::UserInfo> users_for(const rbac::Policy& policy) {
  std::vector<rbac::UserInfo> users = {rbac::make_user("stranger", {"other-group"})};
  for (const rbac::Binding& binding : policy.bindings()) {
    for (const rbac::Subject& subject : binding.subjects) {
      switch (subject.kind) {
        case rbac::SubjectKind::kUser:
          users.push_back(rbac::make_user(subject.name));
          users.push_back(rbac::make_user(subject.name + "x"));
          break;
        case rbac::SubjectKind::kGroup:
          users.push_back(rbac::make_user("member", {subject.name}));
          break;
        case rbac::SubjectKind::kServiceAccount: {
          const std::string_view ns = rbac::Policy::subject_namespace(binding, subject);
          users.push_back(
              rbac::make_user(fmt::format("system:serviceaccount:{}:{}", ns, subject.name)));
          users.push_back(
              rbac::make_user(fmt::format("system:serviceaccount:other:{}", subject.name)));
          break;
        }
      }
    }
  }
  return users;
}

TEST(RbacToCedarEquivalence, GoldenPairs) {
  std::filesystem::path dir;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/internal/convert/testdata", dir);
  EquivalenceCounts counts;
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    const std::string yaml = testing::read_text(dir / (golden.name + ".yaml"));
    ASSERT_FALSE(yaml.empty());
    const rbac::Policy policy = testing::compile_text(
        testing::golden_pair_objects(yaml, golden.role_binding), golden.name + ".yaml");
    ASSERT_EQ(policy.bindings().size(), 1u);
    ASSERT_EQ(policy.roles().size(), 1u);
    const Conversion conversion = testing::convert(policy);
    const std::string& ns = policy.bindings().front().namespace_;
    RequestGenerator generator({"", ns.empty() ? "team" : ns, "other"});
    generator.add_rules(policy.rules_of(0));
    testing::check_equivalence(policy, conversion.cedar, users_for(policy), generator.requests(),
                               counts);
    if (HasFatalFailure()) return;
  }
  std::cout << fmt::format("[ counts ] golden pairs: {} cases, {} allowed by RBAC, {} mismatches\n",
                           counts.cases, counts.allowed, counts.mismatches);
  EXPECT_EQ(counts.mismatches, 0u);
  EXPECT_GT(counts.cases, 5'000u);
  EXPECT_GT(counts.allowed, 500u);
}

// The same harness over the prototype's own golden output shows where it departs from RBAC
// (docs/architecture.md, "RBAC → Cedar"): `*` resources refusing subresources (cluster-admin,
// crazy-policy, controller roles), `res/*` honoured (crazy-policy), a binding converted with a
// role its roleRef does not name (kubeadm:get-nodes). Its trailing-`*` URL bug
// (non-resource-url) is masked there by a `*` URL rule for the same verb; the structural test
// covers it. The cases it converts faithfully agree here too.
TEST(RbacToCedarEquivalence, PrototypeGoldenOutputDepartsFromRbac) {
  std::filesystem::path dir;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/internal/convert/testdata", dir);
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    const rbac::Policy policy = testing::compile_text(
        testing::golden_pair_objects(testing::read_text(dir / (golden.name + ".yaml")),
                                     golden.role_binding),
        golden.name + ".yaml");
    const std::string& ns = policy.bindings().front().namespace_;
    RequestGenerator generator({"", ns.empty() ? "team" : ns, "other"});
    generator.add_rules(policy.rules_of(0));
    EquivalenceCounts counts;
    testing::check_equivalence(policy, testing::read_text(dir / (golden.name + ".cedar")),
                               users_for(policy), generator.requests(), counts, false);
    std::cout << fmt::format("[ counts ] prototype {}: {} cases, {} mismatches\n", golden.name,
                             counts.cases, counts.mismatches);
    // kubeadm:get-nodes binds a role named differently from the one in the file (a dangling
    // roleRef for RBAC); the others hit the `*`/`res/*` subresource bugs.
    const bool known_unfaithful = golden.name == "kubeadm__get-nodes" ||
                                  golden.name == "crazy-policy" || golden.name == "cluster-admin" ||
                                  golden.name == "system__controller__horizontal-pod-autoscaler" ||
                                  golden.name == "system__kube-controller-manager";
    if (known_unfaithful) {
      EXPECT_GT(counts.mismatches, 0u);
    } else {
      EXPECT_EQ(counts.mismatches, 0u);
    }
  }
}

}  // namespace
}  // namespace eksguard::k8s_authz
