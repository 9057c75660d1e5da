// SubjectAccessReview / AdmissionReview → Cedar mapping, one table per feature: each row is a
// review and a policy condition that must (or must not) hold for it.
#include "k8s_authz/review.h"

#include <gtest/gtest.h>

#include "k8s_authz/k8s_authz_test_support.h"

namespace eksguard::k8s_authz {
namespace {

using testing::admission_review;
using testing::config_map;
using testing::evaluate_admission;
using testing::evaluate_sar;
using testing::Match;
using testing::resource_sar;

struct Row {
  std::string name;
  std::string body;
  std::string condition;  // inside `permit(principal, action, resource) when { … };`
  Match expected = Match::kPermit;
};

void run_sar_table(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    const std::string policy =
        fmt::format("permit(principal, action, resource) when {{ {} }};", row.condition);
    EXPECT_EQ(testing::to_string(evaluate_sar(policy, row.body)), testing::to_string(row.expected))
        << row.name << "\n  condition: " << row.condition;
  }
}

void run_admission_table(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    const std::string policy =
        fmt::format("permit(principal, action, resource) when {{ {} }};", row.condition);
    EXPECT_EQ(testing::to_string(evaluate_admission(policy, row.body)),
              testing::to_string(row.expected))
        << row.name << "\n  condition: " << row.condition;
  }
}

TEST(K8sAuthzReview, Principals) {
  const std::string sa = resource_sar("system:serviceaccount:kube-system:coredns",
                                      R"(["system:serviceaccounts"])", "list", "", "endpoints");
  const std::string node = resource_sar("system:node:ip-10-0-0-1", R"(["system:nodes"])", "get", "",
                                        "nodes", "", "", "ip-10-0-0-1");
  const std::string user =
      resource_sar("alice", R"(["dev", "system:authenticated"])", "get", "", "pods", "default");
  const std::string with_extra = R"({"apiVersion": "authorization.k8s.io/v1",
      "kind": "SubjectAccessReview", "spec": {"user": "system:serviceaccount:default:default",
      "uid": "0f2c", "extra": {"Authentication.Kubernetes.io/Node-Name": ["ip-1"]},
      "resourceAttributes": {"verb": "get", "resource": "nodes", "name": "ip-1"}}})";
  run_sar_table({
      {"service account type", sa, R"(principal is k8s::ServiceAccount)"},
      {"service account name and namespace", sa,
       R"(principal.name == "coredns" && principal.namespace == "kube-system")"},
      {"service account group", sa, R"(principal in k8s::Group::"system:serviceaccounts")"},
      {"node type and name", node, R"(principal is k8s::Node && principal.name == "ip-10-0-0-1")"},
      {"node is not a user", node, R"(principal is k8s::User)", Match::kNone},
      {"user", user, R"(principal == k8s::User::"alice" && principal.name == "alice")"},
      {"user groups", user,
       R"(principal in k8s::Group::"dev" && principal in k8s::Group::"system:authenticated")"},
      {"not in other groups", user, R"(principal in k8s::Group::"admins")", Match::kNone},
      {"a user without extra has none", user, R"(principal has extra)", Match::kNone},
      {"uid is the entity id", with_extra, R"(principal == k8s::ServiceAccount::"0f2c")"},
      {"extra keys lower-cased, values as a set", with_extra,
       R"(principal.extra.contains({"key": "authentication.kubernetes.io/node-name",
                                    "values": [resource.name]}))"},
      {"a user whose name merely looks like a node",
       resource_sar("system:node:a:b", "[]", "get", "", "pods"),
       R"(principal is k8s::User && principal.name == "system:node:a:b")"},
  });
}

TEST(K8sAuthzReview, ResourceAttributes) {
  const std::string core = resource_sar("u", "[]", "get", "", "pods", "prod", "", "web-0");
  const std::string sub =
      resource_sar("u", "[]", "create", "", "pods", "prod", R"("subresource": "exec")", "web-0");
  const std::string dotted =
      resource_sar("u", "[]", "list", "networking.k8s.io", "networkpolicies", "prod");
  const std::string cluster = resource_sar("u", "[]", "list", "", "nodes");
  run_sar_table({
      {"core group is empty", core, R"(resource.apiGroup == "" && resource.resource == "pods")"},
      {"name and namespace", core, R"(resource.name == "web-0" && resource.namespace == "prod")"},
      {"action is the verb", core, R"(action == k8s::Action::"get")"},
      {"URL path id", core, R"(resource == k8s::Resource::"/api/v1/namespaces/prod/pods/web-0")"},
      {"no subresource", core, R"(resource has subresource)", Match::kNone},
      {"subresource", sub, R"(resource.subresource == "exec")"},
      {"dotted API group matches", dotted,
       R"(resource.apiGroup == "networking.k8s.io" && resource.resource == "networkpolicies")"},
      {"dotted group URL path", dotted,
       R"(resource == k8s::Resource::"/apis/networking.k8s.io/v1/namespaces/prod/networkpolicies")"},
      {"cluster scope has no namespace", cluster, R"(resource has namespace)", Match::kNone},
      {"no selector when none was sent", cluster, R"(resource has labelSelector)", Match::kNone},
  });
}

// The label selector operators: whatever the client wrote, equality appears as `=`, `==`
// and `in`, so policies written for either spelling match.
TEST(K8sAuthzReview, LabelSelectorOperators) {
  const auto with_selector = [](std::string_view selector) {
    return resource_sar("sample-user", "[]", "list", "", "configmaps", "default",
                        fmt::format(R"("labelSelector": {})", selector));
  };
  const auto requirement = [&](std::string_view op, std::string_view values) {
    return with_selector(fmt::format(
        R"({{"requirements": [{{"key": "owner", "operator": "{}", "values": {}}}]}})", op, values));
  };
  const std::string in_one = requirement("In", R"(["sample-user"])");
  const std::string in_two = requirement("In", R"(["a", "b"])");
  const std::string not_in = requirement("NotIn", R"(["other"])");
  const std::string exists = requirement("Exists", "[]");
  const std::string absent = requirement("DoesNotExist", "[]");
  const std::string raw_eq = with_selector(R"({"rawSelector": "owner=sample-user"})");
  const std::string raw_set = with_selector(R"({"rawSelector": "env in (prod, dev), !legacy"})");
  const std::string raw_ne = with_selector(R"({"rawSelector": "owner != bob,tier"})");
  const auto has = [](std::string_view op, std::string_view values) {
    return fmt::format(
        R"(resource.labelSelector.contains({{"key": "owner", "operator": "{}", "values": {}}}))",
        op, values);
  };
  run_sar_table({
      {"In one value as =", in_one, has("=", R"(["sample-user"])")},
      {"In one value as ==", in_one, has("==", R"(["sample-user"])")},
      {"In one value as in", in_one, has("in", R"(["sample-user"])")},
      {"In two values only as in", in_two, has("in", R"(["a", "b"])")},
      {"In two values is not equality", in_two, has("=", R"(["a", "b"])"), Match::kNone},
      {"NotIn one value as !=", not_in, has("!=", R"(["other"])")},
      {"NotIn one value as notin", not_in, has("notin", R"(["other"])")},
      {"Exists", exists, has("exists", "[]")},
      {"DoesNotExist", absent, has("!", "[]")},
      {"raw owner=x as in", raw_eq, has("in", R"(["sample-user"])")},
      {"raw owner=x as =", raw_eq, has("=", R"(["sample-user"])")},
      {"raw set-based in", raw_set,
       R"(resource.labelSelector.contains({"key": "env", "operator": "in",
                                           "values": ["dev", "prod"]}))"},
      {"raw does-not-exist", raw_set,
       R"(resource.labelSelector.contains({"key": "legacy", "operator": "!", "values": []}))"},
      {"raw != as notin", raw_ne, has("notin", R"(["bob"])")},
      {"raw exists", raw_ne,
       R"(resource.labelSelector.contains({"key": "tier", "operator": "exists", "values": []}))"},
  });
}

TEST(K8sAuthzReview, FieldSelectorOperators) {
  const auto with_fields = [](std::string_view requirements) {
    return resource_sar("kubelet", "[]", "list", "", "pods", "",
                        fmt::format(R"("fieldSelector": {{"requirements": {}}})", requirements));
  };
  const std::string node_name =
      with_fields(R"([{"key": "spec.nodeName", "operator": "In", "values": ["n1"]}])");
  const std::string not_in = with_fields(
      R"([{"key": "status.phase", "operator": "NotIn", "values": ["Failed", "Succeeded"]}])");
  const std::string many =
      with_fields(R"([{"key": "spec.nodeName", "operator": "In", "values": ["n1", "n2"]}])");
  const std::string raw = resource_sar("kubelet", "[]", "list", "", "pods", "",
                                       R"("fieldSelector": {"rawSelector": "spec.nodeName=n1"})");
  const auto has = [](std::string_view field, std::string_view op, std::string_view value) {
    return fmt::format(
        R"(resource.fieldSelector.contains({{"field": "{}", "operator": "{}", "value": "{}"}}))",
        field, op, value);
  };
  run_sar_table({
      {"In one value as =", node_name, has("spec.nodeName", "=", "n1")},
      {"In one value as ==", node_name, has("spec.nodeName", "==", "n1")},
      {"NotIn as != per value", not_in,
       has("status.phase", "!=", "Failed") + " && " + has("status.phase", "!=", "Succeeded")},
      {"In several values as in", many, has("spec.nodeName", "in", "n2")},
      {"In several values is no equality", many, has("spec.nodeName", "=", "n1"), Match::kNone},
      {"raw selector", raw, has("spec.nodeName", "=", "n1")},
  });
}

TEST(K8sAuthzReview, NonResourceAndImpersonation) {
  const std::string healthz = R"({"apiVersion": "authorization.k8s.io/v1",
      "kind": "SubjectAccessReview", "spec": {"user": "anon", "groups":
      ["system:unauthenticated"], "nonResourceAttributes": {"path": "/healthz/etcd",
      "verb": "get"}}})";
  const auto impersonate = [](std::string_view resource, std::string_view name,
                              std::string_view extra = "") {
    return resource_sar("test-user", "[]", "impersonate", "authentication.k8s.io", resource, "",
                        extra, name);
  };
  run_sar_table({
      {"non-resource URL", healthz,
       R"(resource is k8s::NonResourceURL && resource.path == "/healthz/etcd")"},
      {"non-resource URL wildcard", healthz, R"(resource.path like "/healthz/*")"},
      {"non-resource verb", healthz, R"(action == k8s::Action::"get")"},
      {"impersonate a user", impersonate("users", "jane"),
       R"(resource == k8s::User::"jane" && resource.name == "jane")"},
      {"impersonate a node", impersonate("users", "system:node:n1"),
       R"(resource is k8s::Node && resource.name == "n1")"},
      {"impersonate a group", impersonate("groups", "admins"),
       R"(resource == k8s::Group::"admins")"},
      {"impersonate a service account",
       resource_sar("test-user", "[]", "impersonate", "authentication.k8s.io", "serviceaccounts",
                    "default", "", "service-manager"),
       R"(resource == k8s::ServiceAccount::"system:serviceaccount:default:service-manager" &&
          resource.namespace == "default" && resource.name == "service-manager")"},
      {"impersonate a uid", impersonate("uids", "1234"),
       R"(resource == k8s::PrincipalUID::"1234")"},
      {"impersonate a user extra", impersonate("userextras", "eu", R"("subresource": "region")"),
       R"(resource == k8s::Extra::"region" && resource.key == "region" && resource.value == "eu")"},
      {"impersonate elsewhere is a plain resource",
       resource_sar("u", "[]", "impersonate", "example.com", "users", "", "", "x"),
       R"(resource is k8s::Resource)"},
  });
}

TEST(K8sAuthzReview, V1beta1UsesGroup) {
  const std::string body = R"({"apiVersion": "authorization.k8s.io/v1beta1",
      "kind": "SubjectAccessReview", "spec": {"user": "bob", "group": ["ops"],
      "resourceAttributes": {"verb": "get", "resource": "pods"}}})";
  run_sar_table({{"v1beta1 group list", body, R"(principal in k8s::Group::"ops")"}});
}

TEST(K8sAuthzReview, AdmissionEntityTypeForEveryGroup) {
  struct Case {
    std::string group, version, kind, type;
  };
  const std::vector<Case> cases{
      {"", "v1", "Pod", "core::v1::Pod"},
      {"apps", "v1", "Deployment", "apps::v1::Deployment"},
      {"rbac.authorization.k8s.io", "v1", "ClusterRole", "rbac::v1::ClusterRole"},
      {"networking.k8s.io", "v1", "NetworkPolicy", "networking::v1::NetworkPolicy"},
      {"admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration",
       "admissionregistration::v1::ValidatingWebhookConfiguration"},
      {"flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", "flowcontrol::v1::FlowSchema"},
      {"cedar.k8s.aws", "v1alpha1", "Policy", "aws::k8s::cedar::v1alpha1::Policy"},
      {"my-corp.example.com", "v1", "Widget", "com::example::my_corp::v1::Widget"},
  };
  for (const Case& c : cases) {
    const std::string body =
        admission_review("CREATE", "u", "[]", c.group, c.version, c.kind, "things", "x", "",
                         fmt::format(R"({{"kind": "{}", "metadata": {{"name": "x"}}}})", c.kind));
    const std::string policy = fmt::format(
        "permit(principal, action, resource is {}) when {{ resource.metadata.name == \"x\" }};",
        c.type);
    EXPECT_EQ(testing::to_string(evaluate_admission(policy, body)), "permit") << c.group;
  }
  EXPECT_EQ(cedar_namespace_for_group("9lives.io"), "io::_9lives");
}

TEST(K8sAuthzReview, AdmissionObjectValues) {
  const std::string object = R"({"apiVersion": "example.com/v1", "kind": "Widget",
      "metadata": {"name": "w", "namespace": "default", "labels": {"owner": "alice", "tier": "1"},
                   "annotations": {"note": "x"}},
      "spec": {"ratio": 0.25, "weight": 3, "huge": 1e300, "big": 18446744073709551615,
               "enabled": true, "gone": null, "tags": ["a", "b", "a"], "empty": {},
               "nested": {"deeper": {"value": "v"}}}})";
  const std::string body = admission_review("CREATE", "alice", "[]", "example.com", "v1", "Widget",
                                            "widgets", "w", "default", object);
  run_admission_table({
      {"labels as key/value set", body,
       R"(resource.metadata.labels.contains({"key": "owner", "value": principal.name}))"},
      {"annotations as key/value set", body,
       R"(resource.metadata.annotations.contains({"key": "note", "value": "x"}))"},
      {"labels as tags", body,
       R"(resource.hasTag("owner") && resource.getTag("owner") == principal.name)"},
      {"missing tag", body, R"(resource.hasTag("nope"))", Match::kNone},
      {"float as decimal", body, R"(resource.spec.ratio == decimal("0.25"))"},
      {"float comparison", body, R"(resource.spec.ratio.lessThan(decimal("0.5")))"},
      {"integer as long", body, R"(resource.spec.weight == 3)"},
      {"out-of-range float as text", body, R"(resource.spec.huge == "1e+300")"},
      {"uint64 beyond long as text", body, R"(resource.spec.big == "18446744073709551615")"},
      {"bool", body, R"(resource.spec.enabled)"},
      {"null left out", body, R"(resource.spec has gone)", Match::kNone},
      {"array as set", body, R"(resource.spec.tags == ["b", "a"])"},
      {"empty object kept", body, R"(resource.spec has empty)"},
      {"nested records", body, R"(resource.spec.nested.deeper.value == "v")"},
      {"admission action", body, R"(action == k8s::admission::Action::"create")"},
      {"action group all works", body, R"(action in k8s::admission::Action::"all")"},
      {"resource id is the URL path", body,
       R"(resource == com::example::v1::Widget::"/apis/example.com/v1/namespaces/default/widgets/w")"},
  });
}

TEST(K8sAuthzReview, AdmissionKindMaps) {
  const std::string secret =
      admission_review("CREATE", "u", "[]", "", "v1", "Secret", "secrets", "s", "default",
                       R"({"kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque",
          "data": {"password": "aHVudGVyMg=="}, "stringData": {"user": "admin"}})");
  const std::string service =
      admission_review("CREATE", "u", "[]", "", "v1", "Service", "services", "web", "default",
                       R"({"kind": "Service", "metadata": {"name": "web"},
          "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                   "ports": [{"port": 80, "targetPort": 8080}]}})");
  const std::string pod =
      admission_review("CREATE", "u", "[]", "", "v1", "Pod", "pods", "p", "default",
                       R"({"kind": "Pod", "metadata": {"name": "p"}, "spec": {"hostNetwork": true,
          "nodeSelector": {"zone": "a"},
          "containers": [{"name": "c", "image": "nginx",
                          "resources": {"limits": {"cpu": 2, "memory": "1Gi"}},
                          "securityContext": {"privileged": true}}]}})");
  const std::string deployment = admission_review(
      "CREATE", "u", "[]", "apps", "v1", "Deployment", "deployments", "d", "default",
      R"({"kind": "Deployment", "metadata": {"name": "d", "labels": {"app": "top"}},
          "spec": {"selector": {"matchLabels": {"app": "d"}},
                   "template": {"metadata": {"labels": {"app": "d"}},
                                "spec": {"containers": [{"name": "c", "image": "x"}]}}}})");
  run_admission_table({
      {"secret data", secret,
       R"(resource.data.contains({"key": "password", "value": "aHVudGVyMg=="}))"},
      {"secret stringData", secret,
       R"(resource.stringData.contains({"key": "user", "value": "admin"}))"},
      {"service selector", service,
       R"(resource.spec.selector.contains({"key": "app", "value": "web"}))"},
      {"service type", service, R"(resource.spec.type == "LoadBalancer")"},
      {"pod hostNetwork", pod, R"(resource.spec.hostNetwork)"},
      {"pod nodeSelector", pod,
       R"(resource.spec.nodeSelector.contains({"key": "zone", "value": "a"}))"},
      {"quantities as text", pod,
       R"(resource.spec.containers.contains({"name": "c", "image": "nginx",
            "resources": {"limits": [{"key": "cpu", "value": "2"}, {"key": "memory", "value": "1Gi"}]},
            "securityContext": {"privileged": true}}))"},
      {"matchLabels", deployment,
       R"(resource.spec.selector.matchLabels.contains({"key": "app", "value": "d"}))"},
      {"template labels", deployment,
       R"(resource.spec.template.metadata.labels.contains({"key": "app", "value": "d"}))"},
      {"only the object's own labels are tags", deployment, R"(resource.getTag("app") == "top")"},
  });
}

TEST(K8sAuthzReview, AdmissionOperations) {
  const std::string update = admission_review(
      "UPDATE", "sample-user", "[]", "", "v1", "ConfigMap", "configmaps", "cm", "default",
      config_map("cm", R"({"owner": "sample-user"})"), config_map("cm", R"({"owner": "other"})"));
  const std::string remove =
      admission_review("DELETE", "sample-user", "[]", "", "v1", "ConfigMap", "configmaps", "cm",
                       "default", "", config_map("cm", R"({"owner": "sample-user"})"));
  const std::string exec = admission_review(
      "CONNECT", "u", "[]", "", "v1", "PodExecOptions", "pods", "web", "default",
      R"({"kind": "PodExecOptions", "apiVersion": "v1", "stdout": true, "container": "app",
          "command": ["sh", "-c", "id"]})");
  run_admission_table({
      {"update sees the new object", update,
       R"(resource.metadata.labels.contains({"key": "owner", "value": "sample-user"}))"},
      {"update sees the old object", update,
       R"(resource has oldObject && resource.oldObject.metadata.labels.contains(
            {"key": "owner", "value": "other"}))"},
      {"old object has its own tags", update, R"(resource.oldObject.getTag("owner") == "other")"},
      {"update action", update, R"(action == k8s::admission::Action::"update")"},
      {"delete sees the old object as the resource", remove,
       R"(resource.metadata.labels.contains({"key": "owner", "value": "sample-user"}))"},
      {"delete has no oldObject attribute", remove, R"(resource has oldObject)", Match::kNone},
      {"connect options kind", exec,
       R"(resource is core::v1::PodExecOptions && resource.command.contains("sh") &&
          resource.container == "app")"},
      {"connect action", exec, R"(action == k8s::admission::Action::"connect")"},
  });
}

TEST(K8sAuthzReview, SelectorParser) {
  auto parsed = parse_selector("a=b, c==d,e!=f,g in (h, i),j notin (k),l,!m,n>1,o<2");
  ASSERT_TRUE(parsed) << parsed.error().message;
  std::vector<std::string> ops;
  for (const auto& requirement : *parsed) ops.push_back(requirement.key + requirement.op);
  EXPECT_EQ(ops, (std::vector<std::string>{"a=", "c==", "e!=", "gin", "jnotin", "lexists", "m!",
                                           "ngt", "olt"}));
  EXPECT_EQ((*parsed)[3].values, (std::vector<std::string>{"h", "i"}));
  EXPECT_TRUE(parse_selector("   ").has_value());
  for (const std::string_view bad : {"a in b", "a in (b", "=b", "a b", "a=b,,c", "!"}) {
    auto result = parse_selector(bad);
    EXPECT_FALSE(result) << bad;
    if (!result) {
      EXPECT_NE(result.error().message.find("expected"), std::string::npos) << bad;
    }
  }
}

}  // namespace
}  // namespace eksguard::k8s_authz
