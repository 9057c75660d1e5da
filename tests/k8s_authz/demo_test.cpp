// The AWS prototype's demo, reproduced end to end through the webhook service with its own
// policies (read in place from ../shared/conformance/cedar-k8s/demo/*.yaml, each Policy's
// spec.content written to `<metadata.name>.cedar`): `sample-user` in group `requires-labels`
// cannot list configmaps without `-l owner=sample-user`, cannot create unlabelled objects,
// cannot take over objects owned by someone else, and every denial names the policy and line.
// The published schema validates the demo policies exactly as the prototype's own schema does.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cedar/policy_set.h"
#include "cedar/schema/cedar_schema_parser.h"
#include "cedar/validator/validator.h"
#include "doc/loader.h"
#include "k8s_authz/k8s_authz_test_support.h"
#include "k8s_authz/k8s_schema.h"
#include "k8s_authz/service.h"
#include "support/test_support.h"

namespace eksguard::k8s_authz {
namespace {

namespace fs = std::filesystem;
using eksguard::testing::TempDir;
using testing::admission_review;
using testing::config_map;
using testing::resource_sar;

// The 1-based line of the `occurrence`-th (0-based) line starting with `prefix` in `text`.
uint32_t line_of(std::string_view text, std::string_view prefix, int occurrence) {
  uint32_t line = 1;
  for (size_t start = 0; start < text.size(); ++line) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (text.substr(start, end - start).starts_with(prefix) && occurrence-- == 0) return line;
    start = end + 1;
  }
  return 0;
}

class K8sAuthzDemo : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::path demo;
    EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/demo", demo);
    policies_ = testing::demo_policies(demo);
    ASSERT_EQ(policies_.size(), 8U);
    for (const auto& [name, text] : policies_) {
      std::ofstream(dir_.path() / (name + ".cedar"), std::ios::binary) << text;
      if (name == "label-enforcement-policy") label_policy_ = text;
    }
    ASSERT_FALSE(label_policy_.empty());
    // The prototype never validated at run time and two demo policies do not pass strict
    // validation against either schema (see PublishedSchemaValidatesLikeThePrototypes); the
    // default mode (warn, as the chart's) loads them unchanged.
    ServiceConfig config;
    config.policy_dir = dir_.path();
    auto service = WebhookService::create(config);
    ASSERT_TRUE(service) << service.error().message;
    service_ = std::move(*service);
    ASSERT_TRUE(service_->ready());
  }

  // Where policy `n` (counting forbids only) of label-enforcement-policy.cedar starts.
  std::string label_forbid(int n) const {
    return fmt::format("(label-enforcement-policy.cedar:{}:1)",
                       line_of(label_policy_, "forbid", n));
  }

  static std::string sample_list(std::string_view verb, std::string_view selector) {
    return resource_sar("sample-user",
                        R"(["sample-group", "requires-labels", "system:authenticated"])", verb, "",
                        "configmaps", "default", selector);
  }
  static std::string sample_admission(std::string_view operation, std::string_view object,
                                      std::string_view old_object = "") {
    return admission_review(operation, "sample-user",
                            R"(["sample-group", "requires-labels", "system:authenticated"])", "",
                            "v1", "ConfigMap", "configmaps", "cm", "default", object, old_object);
  }
  static std::string reason(const WebhookReply& reply) {
    auto documents = doc::load_all(reply.body, "reply.json");
    if (!documents) return {};
    const doc::Node* root = documents->front().root();
    if (const doc::Node* status = root->get("status")) {
      return std::string(status->string_at("reason"));
    }
    if (const doc::Node* response = root->get("response")) {
      if (const doc::Node* status = response->get("status")) {
        return std::string(status->string_at("message"));
      }
    }
    return {};
  }

  TempDir dir_{"eksguard-demo"};
  std::vector<std::pair<std::string, std::string>> policies_;
  std::string label_policy_;
  std::unique_ptr<WebhookService> service_;
};

TEST_F(K8sAuthzDemo, ListingNeedsTheOwnerSelector) {
  // kubectl get configmaps
  WebhookReply reply = service_->authorize(sample_list("list", ""));
  EXPECT_EQ(reply.outcome, "deny");
  EXPECT_NE(reason(reply).find("\"policy1\" " + label_forbid(0)), std::string::npos)
      << reason(reply);
  // kubectl get configmaps --watch
  EXPECT_EQ(service_->authorize(sample_list("watch", "")).outcome, "deny");
  // kubectl get configmaps -l owner=sample-user (the API server sends an In requirement)
  reply = service_->authorize(
      sample_list("list", R"("labelSelector": {"requirements": [{"key": "owner", "operator": "In",
                 "values": ["sample-user"]}]})"));
  EXPECT_EQ(reply.outcome, "allow") << reason(reply);
  EXPECT_NE(reason(reply).find("label-enforcement-policy.cedar:2:1"), std::string::npos);
  // The same selector as a raw selector string.
  EXPECT_EQ(service_
                ->authorize(sample_list("list", R"("labelSelector": {"rawSelector":
                                                       "owner=sample-user"})"))
                .outcome,
            "allow");
  // -l owner=someone-else
  EXPECT_EQ(service_
                ->authorize(sample_list("list", R"("labelSelector": {"requirements":
                [{"key": "owner", "operator": "In", "values": ["someone-else"]}]})"))
                .outcome,
            "deny");
}

TEST_F(K8sAuthzDemo, CreatingNeedsTheOwnerLabel) {
  WebhookReply reply = service_->admit(sample_admission("CREATE", config_map("cm")));
  EXPECT_EQ(reply.outcome, "deny");
  EXPECT_NE(reason(reply).find("\"policy2\" " + label_forbid(1)), std::string::npos)
      << reason(reply);
  EXPECT_EQ(
      service_->admit(sample_admission("CREATE", config_map("cm", R"({"owner": "x"})"))).outcome,
      "deny");
  reply =
      service_->admit(sample_admission("CREATE", config_map("cm", R"({"owner": "sample-user"})")));
  EXPECT_EQ(reply.outcome, "allow") << reason(reply);
}

TEST_F(K8sAuthzDemo, NoTakeoverOfOthersObjects) {
  const std::string mine = config_map("cm", R"({"owner": "sample-user"})");
  const std::string theirs = config_map("cm", R"({"owner": "other-user"})");
  // Relabelling someone else's object as mine.
  WebhookReply reply = service_->admit(sample_admission("UPDATE", mine, theirs));
  EXPECT_EQ(reply.outcome, "deny");
  EXPECT_NE(reason(reply).find("\"policy3\" " + label_forbid(2)), std::string::npos)
      << reason(reply);
  // kubectl label cm owner=other-user --overwrite on my own object: the new object lacks my label.
  reply = service_->admit(sample_admission("UPDATE", theirs, mine));
  EXPECT_EQ(reply.outcome, "deny");
  EXPECT_NE(reason(reply).find(label_forbid(1)), std::string::npos) << reason(reply);
  // Updating my own object is fine.
  EXPECT_EQ(service_->admit(sample_admission("UPDATE", mine, mine)).outcome, "allow");
  // Deleting: judged on the old object.
  EXPECT_EQ(service_->admit(sample_admission("DELETE", "", theirs)).outcome, "deny");
  EXPECT_EQ(service_->admit(sample_admission("DELETE", "", mine)).outcome, "allow");
}

TEST_F(K8sAuthzDemo, OtherDemoPolicies) {
  const std::string test_user_groups = R"(["viewers", "test-group", "system:authenticated"])";
  // first-policy: test-user may read pods but is denied nodes, which RBAC cannot express.
  EXPECT_EQ(
      service_->authorize(resource_sar("test-user", test_user_groups, "list", "", "pods")).outcome,
      "allow");
  const WebhookReply nodes =
      service_->authorize(resource_sar("test-user", test_user_groups, "get", "", "nodes"));
  EXPECT_EQ(nodes.outcome, "deny");
  EXPECT_NE(reason(nodes).find("(first-policy.cedar:"), std::string::npos);
  // viewer-group: viewers read anything but core secrets.
  EXPECT_EQ(
      service_->authorize(resource_sar("v", R"(["viewers"])", "get", "apps", "deployments", "x"))
          .outcome,
      "allow");
  EXPECT_EQ(
      service_->authorize(resource_sar("v", R"(["viewers"])", "get", "", "secrets", "x")).outcome,
      "no-opinion");
  // secrets-label-selector-example: any user lists secrets with -l owner=<self>.
  EXPECT_EQ(service_
                ->authorize(resource_sar("dana", "[]", "list", "", "secrets", "x",
                                         R"("labelSelector": {"requirements": [{"key": "owner",
                                            "operator": "In", "values": ["dana"]}]})"))
                .outcome,
            "allow");
  // combined-policy: test-user cannot create configmaps named prod*.
  EXPECT_EQ(
      service_
          ->admit(admission_review("CREATE", "test-user", test_user_groups, "", "v1", "ConfigMap",
                                   "configmaps", "prod-db", "default", config_map("prod-db")))
          .outcome,
      "deny");
  // system-public-viewer: anonymous /healthz.
  EXPECT_EQ(service_
                ->authorize(R"({"apiVersion": "authorization.k8s.io/v1",
                    "kind": "SubjectAccessReview", "spec": {"user": "system:anonymous",
                    "groups": ["system:unauthenticated"],
                    "nonResourceAttributes": {"path": "/healthz", "verb": "get"}}})")
                .outcome,
            "allow");
  // service-account-impersonate-example.
  EXPECT_EQ(service_
                ->authorize(resource_sar("test-user", test_user_groups, "impersonate",
                                         "authentication.k8s.io", "serviceaccounts", "default", "",
                                         "service-manager"))
                .outcome,
            "allow");
}

// Every demo policy gets the same validation verdict (and the same number of errors) from the
// published schema as from the prototype's k8s-full.cedarschema.
TEST_F(K8sAuthzDemo, PublishedSchemaValidatesLikeThePrototypes) {
  fs::path prototype_path;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/cedarschema/k8s-full.cedarschema", prototype_path);
  auto prototype = cedar::parse_cedar_schema(eksguard::testing::read_file(prototype_path),
                                             "k8s-full.cedarschema");
  ASSERT_TRUE(prototype);
  auto ours = k8s_schema();
  ASSERT_TRUE(ours) << ours.error().message;
  size_t valid = 0;
  for (const auto& [name, text] : policies_) {
    auto policies = cedar::PolicySet::parse(text, name + ".cedar");
    ASSERT_TRUE(policies) << name;
    const auto theirs = cedar::validate(*policies, *prototype, {.warnings = false});
    const auto mine = cedar::validate(*policies, *ours, {.warnings = false});
    EXPECT_EQ(mine.error_count(), theirs.error_count())
        << name << "\n"
        << cedar::render_all(mine.diagnostics(), policies->source());
    if (mine.ok()) ++valid;
  }
  EXPECT_EQ(valid, 6U);  // combined-policy and self-node-policy fail against both schemas
}

// The chart's default validation mode (deploy/helm/eksguard/values.yaml) loads every demo
// policy unchanged, logging and counting the validation errors of the two that do not pass;
// strict refuses the whole set, naming them.
TEST_F(K8sAuthzDemo, DemoPoliciesLoadUnderTheChartDefault) {
  const fs::path values = fs::path(EKSGUARD_SOURCE_DIR) / "deploy/helm/eksguard/values.yaml";
  auto documents = doc::load_all(eksguard::testing::read_file(values), "values.yaml");
  ASSERT_TRUE(documents) << documents.error().message;
  const doc::Node* server = documents->front().root()->get("server");
  ASSERT_NE(server, nullptr);
  const auto mode = parse_validation_mode(server->string_at("policyValidation"));
  ASSERT_TRUE(mode.has_value()) << "server.policyValidation in values.yaml";

  std::vector<std::string> logs;
  ServiceConfig config;
  config.policy_dir = dir_.path();
  config.policy_validation = *mode;
  config.log = [&logs](LogLevel, std::string_view line) { logs.emplace_back(line); };
  auto service = WebhookService::create(config);
  ASSERT_TRUE(service) << service.error().message;
  ASSERT_TRUE((*service)->ready());
  const Counters counters = (*service)->counters();
  EXPECT_EQ(counters.policy_files, 8U);
  EXPECT_GT(counters.validation_errors, 0U);
  for (const std::string_view file : {"combined-policy.cedar", "self-node-policy.cedar"}) {
    EXPECT_TRUE(std::any_of(logs.begin(), logs.end(), [&](const std::string& line) {
      return line.starts_with("policy validation: error validation.") &&
             line.find(file) != std::string::npos;
    })) << file;
  }
  EXPECT_EQ((*service)->authorize(sample_list("list", "")).outcome, "deny");

  config.policy_validation = ValidationMode::kStrict;
  config.log = nullptr;
  auto strict = WebhookService::create(config);
  ASSERT_TRUE(strict);
  EXPECT_FALSE((*strict)->ready());
  const ReloadResult refused = (*strict)->reload();
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.message.find("combined-policy.cedar:"), std::string::npos);
  EXPECT_NE(refused.message.find("self-node-policy.cedar:"), std::string::npos);
}

// Strictly validated, the label demo alone loads and decides the same way.
TEST_F(K8sAuthzDemo, ValidatedLabelPolicyDecidesTheSame) {
  TempDir dir("eksguard-demo-validated");
  std::ofstream(dir.path() / "label-enforcement-policy.cedar") << label_policy_;
  ServiceConfig config;
  config.policy_dir = dir.path();
  config.policy_validation = ValidationMode::kStrict;
  auto service = WebhookService::create(config);
  ASSERT_TRUE(service);
  ASSERT_TRUE((*service)->ready());
  EXPECT_EQ((*service)->authorize(sample_list("list", "")).outcome, "deny");
  EXPECT_EQ((*service)->admit(sample_admission("CREATE", config_map("cm"))).outcome, "deny");
  EXPECT_EQ((*service)
                ->admit(sample_admission("CREATE", config_map("cm", R"({"owner": "sample-user"})")))
                .outcome,
            "allow");
}

}  // namespace
}  // namespace eksguard::k8s_authz
