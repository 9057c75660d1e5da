// Kubernetes' RBAC authorizer semantics, as table cases written after the upstream suites
// (plugin/pkg/auth/authorizer/rbac/rbac_test.go TestRuleMatches and TestAuthorizer,
// pkg/registry/rbac/validation/rule_test.go TestAppliesTo): own fixtures, same situations.
#include "rbac/authorizer.h"

#include <gtest/gtest.h>

#include "rbac/rbac_test_support.h"

namespace eksguard::rbac {
namespace {

using testing::compile_yaml;
using testing::resource_request;
using testing::rule;
using testing::url_request;

struct RuleCase {
  const char* name;
  PolicyRule rule;
  std::vector<RequestAttributes> allowed;
  std::vector<RequestAttributes> denied;
};

TEST(RbacRuleMatchesTest, UpstreamSituations) {
  const std::vector<RuleCase> cases = {
      {"star verb",
       rule("*", "''", "pods"),
       {resource_request("get", "ns", "", "pods"), resource_request("delete", "", "", "pods"),
        resource_request("*", "ns", "", "pods")},
       {resource_request("get", "ns", "apps", "pods"),
        resource_request("get", "ns", "", "services")}},
      {"star group",
       rule("get", "*", "pods"),
       {resource_request("get", "ns", "", "pods"), resource_request("get", "ns", "x.io", "pods")},
       {resource_request("list", "ns", "", "pods")}},
      {"star resource covers subresources",
       rule("get", "''", "*"),
       {resource_request("get", "ns", "", "pods"),
        resource_request("get", "ns", "", "pods", "exec"),
        resource_request("get", "ns", "", "anything", "status")},
       {resource_request("get", "ns", "apps", "deployments")}},
      {"tuple expansion",
       rule("get,list", "a.io,b.io", "xs,ys"),
       {resource_request("get", "n", "a.io", "xs"), resource_request("list", "n", "b.io", "ys"),
        resource_request("get", "n", "b.io", "xs"), resource_request("list", "n", "a.io", "ys")},
       {resource_request("watch", "n", "a.io", "xs"), resource_request("get", "n", "c.io", "xs"),
        resource_request("get", "n", "a.io", "zs")}},
      {"verbs are case-sensitive",
       rule("get", "''", "pods"),
       {},
       {resource_request("GET", "ns", "", "pods"), resource_request("Get", "ns", "", "pods")}},
      {"resource does not cover its subresource",
       rule("get", "''", "pods"),
       {resource_request("get", "ns", "", "pods")},
       {resource_request("get", "ns", "", "pods", "status")}},
      {"subresource does not cover its resource",
       rule("get", "''", "pods/status"),
       {resource_request("get", "ns", "", "pods", "status")},
       {resource_request("get", "ns", "", "pods"), resource_request("get", "ns", "", "pods", "log"),
        resource_request("get", "ns", "", "nodes", "status")}},
      {"*/subresource matches that subresource of any resource only",
       rule("update", "*", "*/scale"),
       {resource_request("update", "ns", "apps", "deployments", "scale"),
        resource_request("update", "ns", "", "replicationcontrollers", "scale")},
       {resource_request("update", "ns", "apps", "deployments"),
        resource_request("update", "ns", "apps", "deployments", "status"),
        resource_request("update", "ns", "apps", "deployments", "xscale")}},
      {"resourceNames need the name",
       rule("get,list", "''", "configmaps", "aws-auth"),
       {resource_request("get", "kube-system", "", "configmaps", "", "aws-auth")},
       {resource_request("get", "kube-system", "", "configmaps", "", "other"),
        resource_request("list", "kube-system", "", "configmaps")}},
      {"star non-resource URL",
       rule("get", "", "", "", "*"),
       {url_request("get", "/healthz"), url_request("get", "/")},
       {url_request("post", "/healthz"), resource_request("get", "ns", "", "pods")}},
      {"trailing star is a prefix",
       rule("get", "", "", "", "/foo/*"),
       {url_request("get", "/foo/"), url_request("get", "/foo/bar"),
        url_request("get", "/foo/bar/baz")},
       {url_request("get", "/foo"), url_request("get", "/notfoo"), url_request("get", "/foo2")}},
      {"exact non-resource URL",
       rule("get", "", "", "", "/apis"),
       {url_request("get", "/apis")},
       {url_request("get", "/apis/"), url_request("get", "/apis/v1")}},
      {"several trailing stars",
       rule("get", "", "", "", "/a**"),
       {url_request("get", "/a"), url_request("get", "/ab")},
       {url_request("get", "/b")}},
  };
  for (const RuleCase& c : cases) {
    for (const RequestAttributes& request : c.allowed)
      EXPECT_TRUE(rule_allows(request, c.rule))
          << c.name << ": " << request.verb << " " << request.resource << request.path;
    for (const RequestAttributes& request : c.denied)
      EXPECT_FALSE(rule_allows(request, c.rule))
          << c.name << ": " << request.verb << " " << request.resource << request.path;
  }
}

constexpr std::string_view kClusterPolicy = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules:
- {verbs: [get, list], apiGroups: [""], resources: [pods]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules:
- {verbs: [get], apiGroups: [""], resources: [nodes]}
- {verbs: [get], nonResourceURLs: ["/apis/*", /healthz]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: ns1}
rules:
- {verbs: [get], apiGroups: [""], resources: [secrets]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: alice}
- {kind: ServiceAccount, name: builder}
- {kind: ServiceAccount, name: other, namespace: ns2}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pods-in-ns1, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: devs}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: nodes-from-a-rolebinding, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: devs}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: star-user}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: "*"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: ops}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dangling}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: not-there}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: ops}
)";

struct AuthorizerCase {
  const char* name;
  UserInfo user;
  RequestAttributes request;
  bool allowed;
};

TEST(RbacAuthorizerTest, UpstreamSituations) {
  const Policy policy = compile_yaml(kClusterPolicy);
  const Authorizer authorizer(policy);
  const UserInfo alice = make_user("alice");
  const UserInfo dev = make_user("dan", {"devs"});
  const UserInfo op = make_user("olga", {"ops"});
  const std::vector<AuthorizerCase> cases = {
      {"role binding in its namespace", alice, resource_request("get", "ns1", "", "secrets"), true},
      {"role binding not in another namespace", alice,
       resource_request("get", "ns2", "", "secrets"), false},
      {"role binding not cluster-wide", alice, resource_request("get", "", "", "secrets"), false},
      {"uppercase verb", alice, resource_request("GET", "ns1", "", "secrets"), false},
      {"service account defaulted to the binding's namespace",
       make_user("system:serviceaccount:ns1:builder"),
       resource_request("get", "ns1", "", "secrets"), true},
      {"same service account name in another namespace",
       make_user("system:serviceaccount:ns2:builder"),
       resource_request("get", "ns1", "", "secrets"), false},
      {"service account with an explicit namespace", make_user("system:serviceaccount:ns2:other"),
       resource_request("get", "ns1", "", "secrets"), true},
      {"a user named like a service account is not one unless the name says so",
       make_user("builder"), resource_request("get", "ns1", "", "secrets"), false},
      {"cluster role through a role binding, in its namespace", dev,
       resource_request("list", "ns1", "", "pods"), true},
      {"cluster role through a role binding, not elsewhere", dev,
       resource_request("list", "ns2", "", "pods"), false},
      {"cluster-scoped resources are never granted by a role binding", dev,
       resource_request("get", "", "", "nodes"), false},
      {"non-resource URLs are never granted by a role binding", dev, url_request("get", "/healthz"),
       false},
      {"`*` user subject is not a wildcard", alice, resource_request("get", "ns9", "", "pods"),
       false},
      {"`*` user subject matches the user named `*`", make_user("*"),
       resource_request("get", "ns9", "", "pods"), true},
      {"cluster role binding, cluster-scoped", op, resource_request("get", "", "", "nodes"), true},
      {"/apis/* covers /apis/v1", op, url_request("get", "/apis/v1"), true},
      {"/apis/* does not cover /apis", op, url_request("get", "/apis"), false},
      {"exact URL", op, url_request("get", "/healthz"), true},
      {"exact URL only", op, url_request("get", "/healthz/ping"), false},
      {"a dangling binding does not stop the others", op, resource_request("get", "", "", "nodes"),
       true},
  };
  for (const AuthorizerCase& c : cases) {
    EXPECT_EQ(authorizer.authorize(c.user, c.request).allowed, c.allowed) << c.name;
  }
}

TEST(RbacAuthorizerTest, ReasonNamesBindingRoleAndSubjectAsKubernetes) {
  const Policy policy = compile_yaml(kClusterPolicy);
  const Authorizer authorizer(policy);
  Decision d = authorizer.authorize(make_user("system:serviceaccount:ns1:builder"),
                                    resource_request("get", "ns1", "", "secrets"));
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(
      d.reason,
      R"(RBAC: allowed by RoleBinding "readers/ns1" of Role "secret-reader" to ServiceAccount "builder/ns1")");
  EXPECT_EQ(d.grant.source, GrantSource::kRbacBinding);
  EXPECT_EQ(policy.bindings()[d.grant.binding].name, "readers");
  EXPECT_EQ(d.grant.subject, 1u);
  EXPECT_EQ(d.grant.rule, 0u);

  d = authorizer.authorize(make_user("olga", {"ops"}), url_request("get", "/apis/v1"));
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(
      d.reason,
      R"(RBAC: allowed by ClusterRoleBinding "ops-nodes" of ClusterRole "node-reader" to Group "ops")");
  EXPECT_EQ(d.grant.rule, 1u);
}

TEST(RbacAuthorizerTest, NoOpinionNamesMissingRoles) {
  const Policy policy = compile_yaml(kClusterPolicy);
  const Decision d = Authorizer(policy).authorize(make_user("olga", {"ops"}),
                                                  resource_request("get", "", "", "secrets"));
  EXPECT_FALSE(d.allowed);
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.reason, R"(RBAC: clusterrole.rbac.authorization.k8s.io "not-there" not found)");
}

TEST(RbacAuthorizerTest, ClusterRoleBindingsAreVisitedFirst) {
  const Policy policy = compile_yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: all}
rules: [{verbs: ["*"], apiGroups: ["*"], resources: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: first-in-input, namespace: n}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: all}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: all}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: u}]
)");
  const Decision d =
      Authorizer(policy).authorize(make_user("u"), resource_request("get", "n", "", "pods"));
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(policy.bindings()[d.grant.binding].name, "cluster");
}

TEST(RbacAuthorizerTest, SystemMastersIsAllowedBeforeRbacUnlessDisabled) {
  const Policy policy = compile_yaml(kClusterPolicy);
  const UserInfo admin = make_user("kubernetes-admin", {"system:masters"});
  const RequestAttributes request = resource_request("delete", "", "", "nodes");
  const Decision with = Authorizer(policy).authorize(admin, request);
  EXPECT_TRUE(with.allowed);
  EXPECT_EQ(with.grant.source, GrantSource::kPrivilegedGroup);
  EXPECT_FALSE(Authorizer(policy, {.privileged_groups = false}).authorize(admin, request).allowed);
}

// TestAppliesTo and the API server's implicit groups.
TEST(RbacUserTest, ImplicitGroupsAsTheApiServerAddsThem) {
  EXPECT_EQ(make_user("alice").groups, (std::vector<std::string>{"system:authenticated"}));
  EXPECT_EQ(make_user("system:anonymous").groups,
            (std::vector<std::string>{"system:unauthenticated"}));
  EXPECT_EQ(make_user("bob", {"system:unauthenticated"}).groups,
            (std::vector<std::string>{"system:unauthenticated"}));
  EXPECT_EQ(
      make_user("system:serviceaccount:kube-system:coredns").groups,
      (std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:kube-system",
                                "system:authenticated"}));
  EXPECT_EQ(make_user("carol", {"devs", "system:authenticated"}).groups,
            (std::vector<std::string>{"devs", "system:authenticated"}));
  std::string_view ns;
  std::string_view name;
  EXPECT_FALSE(parse_service_account_user("system:serviceaccount:ns", ns, name));
  EXPECT_FALSE(parse_service_account_user("system:serviceaccount::x", ns, name));
  EXPECT_TRUE(parse_service_account_user("system:serviceaccount:a:b", ns, name));
  EXPECT_EQ(ns, "a");
  EXPECT_EQ(name, "b");
}

TEST(RbacUserTest, ImplicitGroupBindingsApply) {
  const Policy policy = compile_yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules: [{verbs: [get], apiGroups: [""], resources: [configmaps]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: every-sa-of-ns1, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts:ns1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: anyone-unauthenticated, namespace: public}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:unauthenticated"}]
)");
  const Authorizer authorizer(policy);
  const RequestAttributes in_ns1 = resource_request("get", "ns1", "", "configmaps");
  EXPECT_TRUE(authorizer.authorize(make_user("system:serviceaccount:ns1:x"), in_ns1).allowed);
  EXPECT_FALSE(authorizer.authorize(make_user("system:serviceaccount:ns2:x"), in_ns1).allowed);
  const RequestAttributes in_public = resource_request("get", "public", "", "configmaps");
  EXPECT_TRUE(authorizer.authorize(make_user("system:anonymous"), in_public).allowed);
  EXPECT_FALSE(authorizer.authorize(make_user("alice"), in_public).allowed);
}

}  // namespace
}  // namespace eksguard::rbac
