// WebhookService: decisions and their reasons, defaults and fail modes, break-glass, policy
// reloads that keep the last good set, directory polling (ConfigMap symlink swaps) and bad
// input.
#include "k8s_authz/service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "doc/loader.h"
#include "k8s_authz/k8s_authz_test_support.h"
#include "support/test_support.h"

namespace eksguard::k8s_authz {
namespace {

namespace fs = std::filesystem;
using eksguard::testing::TempDir;
using testing::admission_review;
using testing::config_map;
using testing::resource_sar;

void write(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The parsed JSON reply, and a string at a dotted path in it ("" when absent).
struct Parsed {
  explicit Parsed(const std::string& body) {
    auto loaded = doc::load_all(body, "reply.json");
    if (!loaded) {
      ADD_FAILURE() << "reply is not JSON: " << body;
      return;
    }
    documents = std::move(*loaded);
  }
  const doc::Node* at(std::string_view path) const {
    if (documents.empty()) return nullptr;
    const doc::Node* node = documents.front().root();
    size_t start = 0;
    while (node != nullptr && start <= path.size()) {
      const size_t dot = path.find('.', start);
      node = node->get(path.substr(start, dot - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    return node;
  }
  std::string string(std::string_view path) const {
    const doc::Node* node = at(path);
    return node != nullptr && node->is_scalar() ? std::string(node->text()) : std::string();
  }
  bool flag(std::string_view path) const {
    const doc::Node* node = at(path);
    return node != nullptr && node->is_true();
  }
  std::vector<doc::Document> documents;
};

constexpr std::string_view kPolicies = R"(// test policies
@id("pods-for-alice")
permit (principal, action == k8s::Action::"get", resource is k8s::Resource)
when { principal.name == "alice" && resource.resource == "pods" };

@reason("secrets in prod are off limits")
forbid (principal, action, resource is k8s::Resource)
when { resource.resource == "secrets" && resource has namespace && resource.namespace == "prod" };

forbid (principal, action == k8s::admission::Action::"create", resource is core::v1::ConfigMap)
unless { resource has metadata && resource.metadata has labels &&
         resource.metadata.labels.contains({"key": "owner", "value": principal.name}) };
)";

struct Fixture {
  explicit Fixture(ServiceConfig config = {}, std::string_view policies = kPolicies) {
    write(dir.path() / "rules.cedar", policies);
    config.policy_dir = dir.path();
    config.log = [this](LogLevel level, std::string_view message) {
      std::lock_guard lock(mutex);
      logs.push_back(fmt::format("{}: {}", static_cast<int>(level), message));
    };
    auto created = WebhookService::create(std::move(config));
    if (!created) {
      ADD_FAILURE() << created.error().message;
      return;
    }
    service = std::move(*created);
  }
  bool logged(std::string_view text) {
    std::lock_guard lock(mutex);
    for (const auto& line : logs) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  TempDir dir{"eksguard-k8sauthz"};
  std::mutex mutex;
  std::vector<std::string> logs;
  std::unique_ptr<WebhookService> service;
};

TEST(K8sAuthzService, AuthorizationDecisionsNamePolicies) {
  Fixture f;
  ASSERT_TRUE(f.service && f.service->ready());

  const WebhookReply allow =
      f.service->authorize(resource_sar("alice", "[]", "get", "", "pods", "dev"));
  EXPECT_EQ(allow.http_status, 200);
  EXPECT_EQ(allow.outcome, "allow");
  Parsed allowed(allow.body);
  EXPECT_EQ(allowed.string("apiVersion"), "authorization.k8s.io/v1");
  EXPECT_EQ(allowed.string("kind"), "SubjectAccessReview");
  EXPECT_TRUE(allowed.flag("status.allowed"));
  EXPECT_EQ(allowed.string("status.reason"),
            R"(allowed by Cedar policy "pods-for-alice" (rules.cedar:2:1))");

  const WebhookReply deny =
      f.service->authorize(resource_sar("alice", "[]", "get", "", "secrets", "prod"));
  EXPECT_EQ(deny.outcome, "deny");
  Parsed denied(deny.body);
  EXPECT_FALSE(denied.flag("status.allowed"));
  EXPECT_TRUE(denied.flag("status.denied"));
  EXPECT_EQ(
      denied.string("status.reason"),
      R"(denied by Cedar policy "policy1" (rules.cedar:6:1): secrets in prod are off limits)");

  const WebhookReply none =
      f.service->authorize(resource_sar("bob", "[]", "get", "", "pods", "dev"));
  EXPECT_EQ(none.outcome, "no-opinion");
  Parsed no_opinion(none.body);
  EXPECT_FALSE(no_opinion.flag("status.allowed"));
  EXPECT_EQ(no_opinion.at("status.denied"), nullptr);

  const Counters counters = f.service->counters();
  EXPECT_EQ(counters.authorize_allow, 1U);
  EXPECT_EQ(counters.authorize_deny, 1U);
  EXPECT_EQ(counters.authorize_no_opinion, 1U);
  EXPECT_TRUE(f.logged("authorization denied: alice get secrets (namespace prod)"));
}

TEST(K8sAuthzService, DefaultDenyIsConfigurable) {
  ServiceConfig config;
  config.authorization_default = DefaultDecision::kDeny;
  Fixture f(config);
  const WebhookReply reply =
      f.service->authorize(resource_sar("bob", "[]", "get", "", "pods", "dev"));
  EXPECT_EQ(reply.outcome, "deny");
  EXPECT_TRUE(Parsed(reply.body).flag("status.denied"));
}

TEST(K8sAuthzService, AdmissionAllowsUnlessForbidden) {
  Fixture f;
  const std::string unlabelled = admission_review("CREATE", "alice", "[]", "", "v1", "ConfigMap",
                                                  "configmaps", "cm", "default", config_map("cm"));
  const WebhookReply deny = f.service->admit(unlabelled);
  EXPECT_EQ(deny.outcome, "deny");
  Parsed denied(deny.body);
  EXPECT_EQ(denied.string("kind"), "AdmissionReview");
  EXPECT_EQ(denied.string("response.uid"), "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_FALSE(denied.flag("response.allowed"));
  EXPECT_EQ(denied.string("response.status.code"), "403");
  EXPECT_EQ(denied.string("response.status.message"),
            R"(denied by Cedar policy "policy2" (rules.cedar:10:1))");

  const WebhookReply allow = f.service->admit(
      admission_review("CREATE", "alice", "[]", "", "v1", "ConfigMap", "configmaps", "cm",
                       "default", config_map("cm", R"({"owner": "alice"})")));
  EXPECT_EQ(allow.outcome, "allow");
  EXPECT_TRUE(Parsed(allow.body).flag("response.allowed"));
  EXPECT_EQ(Parsed(allow.body).at("response.status"), nullptr);
}

// A forbid that errors (here: `resource.namespace` on a cluster-scoped request) decides by
// the fail mode; it never turns into an allow by itself.
// Schema validation would reject policies that can error on a missing attribute.
ServiceConfig unvalidated() {
  ServiceConfig config;
  config.policy_validation = ValidationMode::kOff;
  return config;
}

TEST(K8sAuthzService, EvaluationErrorsFollowTheFailMode) {
  constexpr std::string_view kErroring = R"(
permit (principal, action, resource is k8s::Resource) when { resource.resource == "nodes" };
forbid (principal, action, resource is k8s::Resource) when { resource.namespace == "kube-system" };
forbid (principal, action, resource is core::v1::Namespace) when { resource.spec.finalizers.contains("x") };
)";
  const std::string nodes = resource_sar("carol", "[]", "list", "", "nodes");
  const std::string namespace_create =
      admission_review("CREATE", "carol", "[]", "", "v1", "Namespace", "namespaces", "n", "",
                       R"({"kind": "Namespace", "metadata": {"name": "n"}})");
  {
    Fixture closed(unvalidated(), kErroring);
    const WebhookReply authz = closed.service->authorize(nodes);
    EXPECT_EQ(authz.outcome, "deny");
    Parsed parsed(authz.body);
    EXPECT_NE(parsed.string("status.reason").find("failed to evaluate (fail mode closed)"),
              std::string::npos)
        << authz.body;
    EXPECT_NE(parsed.string("status.evaluationError").find("\"policy1\" (rules.cedar:3:1)"),
              std::string::npos)
        << authz.body;
    EXPECT_EQ(closed.service->admit(namespace_create).outcome, "deny");
    EXPECT_EQ(closed.service->counters().evaluation_errors, 2U);
    EXPECT_TRUE(closed.logged("failed to evaluate"));
  }
  {
    ServiceConfig config = unvalidated();
    config.authorization_fail_mode = FailMode::kOpen;
    config.admission_fail_mode = FailMode::kOpen;
    Fixture open(config, kErroring);
    const WebhookReply authz = open.service->authorize(nodes);
    EXPECT_EQ(authz.outcome, "allow");  // Cedar's answer: the erroring forbid is skipped
    EXPECT_FALSE(Parsed(authz.body).string("status.evaluationError").empty());
    const WebhookReply admit = open.service->admit(namespace_create);
    EXPECT_EQ(admit.outcome, "allow");
    EXPECT_NE(admit.body.find("warnings"), std::string::npos);
  }
}

TEST(K8sAuthzService, BreakGlassIdentitiesAreNeverDenied) {
  constexpr std::string_view kBrick = "forbid (principal, action, resource);\n";
  ServiceConfig config;
  config.break_glass_users = {"system:serviceaccount:eksguard:webhook"};
  Fixture f(config, kBrick);
  EXPECT_EQ(f.service->authorize(resource_sar("alice", "[]", "get", "", "pods")).outcome, "deny");
  const WebhookReply admin = f.service->authorize(
      resource_sar("kubernetes-admin", R"(["system:masters", "system:authenticated"])", "delete",
                   "", "pods", "kube-system"));
  EXPECT_EQ(admin.outcome, "no-opinion");
  EXPECT_NE(Parsed(admin.body).string("status.reason").find("break-glass"), std::string::npos);
  EXPECT_EQ(f.service
                ->authorize(resource_sar("system:serviceaccount:eksguard:webhook", "[]", "get", "",
                                         "configmaps", "eksguard"))
                .outcome,
            "no-opinion");
  EXPECT_EQ(
      f.service
          ->admit(admission_review("CREATE", "admin", R"(["system:masters"])", "", "v1",
                                   "ConfigMap", "configmaps", "cm", "default", config_map("cm")))
          .outcome,
      "allow");
  EXPECT_EQ(f.service->counters().break_glass, 3U);
}

TEST(K8sAuthzService, BrokenPolicyKeepsTheLastGoodSet) {
  ServiceConfig strict;
  strict.policy_validation = ValidationMode::kStrict;
  Fixture f(strict);
  ASSERT_TRUE(f.service->ready());
  const std::string bob_pods = resource_sar("bob", "[]", "get", "", "pods", "dev");
  EXPECT_EQ(f.service->authorize(bob_pods).outcome, "no-opinion");

  // A syntax error in a new file: the whole new set is rejected, the old one stays.
  write(f.dir.path() / "zz-broken.cedar", "permit (principal, action, resource) when { ;\n");
  write(f.dir.path() / "bob.cedar",
        R"(permit (principal, action, resource) when { principal.name == "bob" };)");
  auto reload = f.service->poll();
  ASSERT_TRUE(reload.has_value());
  EXPECT_FALSE(reload->ok);
  EXPECT_NE(reload->message.find("zz-broken.cedar:1:"), std::string::npos) << reload->message;
  EXPECT_NE(reload->message.find("the last good set stays in force"), std::string::npos);
  EXPECT_EQ(f.service->authorize(bob_pods).outcome, "no-opinion");
  EXPECT_TRUE(f.logged("rejected"));
  Counters counters = f.service->counters();
  EXPECT_EQ(counters.reloads_failed, 1U);
  EXPECT_FALSE(counters.last_reload_ok);
  EXPECT_EQ(counters.policy_files, 1U);
  EXPECT_NE(f.service->metrics_text().find("eksguard_policy_reloads_total{result=\"failure\"} 1"),
            std::string::npos);

  // In strict mode a policy that parses but does not validate against the schema is rejected
  // as well.
  write(
      f.dir.path() / "zz-broken.cedar",
      R"(permit (principal, action, resource is k8s::Resource) when { resource.colour == "red" };)");
  reload = f.service->poll();
  ASSERT_TRUE(reload.has_value());
  EXPECT_FALSE(reload->ok);
  EXPECT_NE(reload->message.find("colour"), std::string::npos) << reload->message;
  EXPECT_EQ(f.service->authorize(bob_pods).outcome, "no-opinion");

  // Fixed: the new set takes over.
  fs::remove(f.dir.path() / "zz-broken.cedar");
  reload = f.service->poll();
  ASSERT_TRUE(reload.has_value());
  EXPECT_TRUE(reload->ok) << reload->message;
  EXPECT_EQ(reload->files, 2U);
  EXPECT_EQ(f.service->authorize(bob_pods).outcome, "allow");
  EXPECT_FALSE(f.service->poll().has_value());  // nothing changed since
  counters = f.service->counters();
  EXPECT_TRUE(counters.last_reload_ok);
  EXPECT_EQ(counters.policies, 4U);
}

// A ConfigMap volume: files are symlinks through `..data`, which kubelet swaps atomically.
TEST(K8sAuthzService, ConfigMapSymlinkSwapIsSeen) {
  TempDir dir("eksguard-configmap");
  const fs::path v1 = dir.path() / "..2024_01_01_00_00_00.1";
  const fs::path v2 = dir.path() / "..2024_01_01_00_01_00.2";
  fs::create_directory(v1);
  fs::create_directory(v2);
  write(v1 / "policies.cedar", "forbid (principal, action, resource is k8s::Resource);\n");
  write(v2 / "policies.cedar", "permit (principal, action, resource is k8s::Resource);\n");
  fs::create_directory_symlink(v1.filename(), dir.path() / "..data");
  fs::create_symlink("..data/policies.cedar", dir.path() / "policies.cedar");

  ServiceConfig config;
  config.policy_dir = dir.path();
  auto service = WebhookService::create(config);
  ASSERT_TRUE(service);
  const std::string request = resource_sar("u", "[]", "get", "", "pods");
  EXPECT_EQ((*service)->authorize(request).outcome, "deny");
  EXPECT_FALSE((*service)->poll().has_value());

  fs::create_directory_symlink(v2.filename(), dir.path() / "..data_tmp");
  fs::rename(dir.path() / "..data_tmp", dir.path() / "..data");
  const auto reload = (*service)->poll();
  ASSERT_TRUE(reload.has_value());
  EXPECT_TRUE(reload->ok) << reload->message;
  EXPECT_EQ((*service)->authorize(request).outcome, "allow");
}

TEST(K8sAuthzService, NotReadyFollowsTheFailMode) {
  TempDir dir("eksguard-empty");
  write(dir.path() / "bad.cedar", "permit (");
  ServiceConfig config;
  config.policy_dir = dir.path();
  auto closed = WebhookService::create(config);
  ASSERT_TRUE(closed);
  EXPECT_FALSE((*closed)->ready());
  EXPECT_EQ((*closed)->authorize(resource_sar("u", "[]", "get", "", "pods")).outcome, "deny");
  EXPECT_EQ((*closed)
                ->admit(admission_review("CREATE", "u", "[]", "", "v1", "ConfigMap", "configmaps",
                                         "cm", "default", config_map("cm")))
                .outcome,
            "deny");
  config.authorization_fail_mode = FailMode::kOpen;
  config.admission_fail_mode = FailMode::kOpen;
  auto open = WebhookService::create(config);
  ASSERT_TRUE(open);
  EXPECT_EQ((*open)->authorize(resource_sar("u", "[]", "get", "", "pods")).outcome, "no-opinion");
  EXPECT_FALSE(WebhookService::create(ServiceConfig{}));  // no directory configured
}

TEST(K8sAuthzService, BadInputGetsAClearClientError) {
  ServiceConfig config;
  config.limits.max_body_bytes = 4096;
  Fixture f(config);
  const std::string big(5000, ' ');
  struct Case {
    std::string name;
    bool admission;
    std::string body;
    int status;
    std::string message;
  };
  const std::vector<Case> cases{
      {"empty", false, "", 400, "request body is empty"},
      {"not JSON", false, "{\"apiVersion\": ", 400, "not valid JSON"},
      {"not an object", true, "[1, 2]", 400, "must be a JSON object"},
      {"too large", false, big, 413, "larger than the limit of 4096 bytes"},
      {"too deep", false, std::string(200, '[') + std::string(200, ']'), 400, "deeper than"},
      {"wrong apiVersion", false,
       R"({"apiVersion": "v1", "kind": "SubjectAccessReview", "spec": {}})", 400,
       "apiVersion: expected `authorization.k8s.io/v1`"},
      {"wrong kind", true, R"({"apiVersion": "admission.k8s.io/v1", "kind": "Pod"})", 400,
       "kind: expected `AdmissionReview`, found `Pod`"},
      {"missing apiVersion", true, R"({"kind": "AdmissionReview"})", 400,
       "apiVersion: missing (expected a string)"},
      {"missing spec", false,
       R"({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview"})", 400,
       "spec: missing"},
      {"both attribute kinds", false,
       R"({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec":
          {"resourceAttributes": {"verb": "get", "resource": "pods"},
           "nonResourceAttributes": {"path": "/", "verb": "get"}}})",
       400, "exactly one of resourceAttributes and nonResourceAttributes"},
      {"mistyped groups", false,
       R"({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec":
          {"groups": ["a", 3], "resourceAttributes": {"verb": "get", "resource": "pods"}}})",
       400, "spec.groups[1]: expected a string, found a number"},
      {"missing verb", false,
       R"({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec":
          {"resourceAttributes": {"resource": "pods"}}})",
       400, "spec.resourceAttributes.verb: missing"},
      {"bad selector operator", false,
       R"({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec":
          {"resourceAttributes": {"verb": "list", "resource": "pods", "labelSelector":
          {"requirements": [{"key": "a", "operator": "Gt", "values": ["1"]}]}}}})",
       400, "requirements[0].operator: unknown operator `Gt`"},
      {"bad raw selector", false,
       R"({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec":
          {"resourceAttributes": {"verb": "list", "resource": "pods", "labelSelector":
          {"rawSelector": "a in b"}}}})",
       400, "labelSelector.rawSelector: at column"},
      {"missing request", true,
       R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"})", 400,
       "request: missing"},
      {"unknown operation", true,
       R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1",
          "kind": {"version": "v1", "kind": "Pod"}, "operation": "PATCH", "userInfo": {}}})",
       400, "request.operation: expected CREATE, UPDATE, DELETE or CONNECT, found `PATCH`"},
      {"object not an object", true,
       R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1",
          "kind": {"version": "v1", "kind": "Pod"}, "operation": "CREATE", "userInfo": {},
          "object": "pod"}})",
       400, "request.object: expected an object, found a string"},
      {"missing kind.kind", true,
       R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1",
          "kind": {"version": "v1"}, "operation": "CREATE", "userInfo": {}}})",
       400, "request.kind.kind: missing"},
  };
  for (const Case& c : cases) {
    const WebhookReply reply =
        c.admission ? f.service->admit(c.body) : f.service->authorize(c.body);
    EXPECT_EQ(reply.http_status, c.status) << c.name;
    EXPECT_EQ(reply.outcome, "error") << c.name;
    Parsed status(reply.body);
    EXPECT_EQ(status.string("kind"), "Status") << c.name;
    EXPECT_NE(status.string("message").find(c.message), std::string::npos)
        << c.name << ": " << status.string("message");
  }
  const Counters counters = f.service->counters();
  EXPECT_GT(counters.authorize_error, 0U);
  EXPECT_GT(counters.admit_error, 0U);
}

TEST(K8sAuthzService, ConcurrentRequestsDuringReloads) {
  Fixture f;
  const std::string allow = resource_sar("alice", "[]", "get", "", "pods", "dev");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (f.service->authorize(allow).outcome != "allow") ++wrong;
      }
    });
  }
  for (int i = 0; i < 20; ++i) f.service->reload();
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(f.service->counters().reloads_ok, 21U);
}

}  // namespace
}  // namespace eksguard::k8s_authz
