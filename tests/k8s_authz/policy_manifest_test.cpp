// Policy objects of the AWS prototype (cedar.k8s.aws Policy) in the policy folder: read from
// YAML and JSON manifests, positioned at the manifest's own lines, validated per
// spec.validation.enforced, other kinds skipped with a note; and the prototype's demo files
// loaded unchanged by the webhook service with validation on.
#include "k8s_authz/policy_manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "k8s_authz/k8s_authz_test_support.h"
#include "k8s_authz/k8s_schema.h"
#include "k8s_authz/policy_store.h"
#include "k8s_authz/service.h"
#include "support/test_support.h"

namespace eksguard::k8s_authz {
namespace {

namespace fs = std::filesystem;
using eksguard::testing::TempDir;

constexpr std::string_view kTwoPolicies = R"(# two policies and a test object
apiVersion: cedar.k8s.aws/v1alpha1
kind: Policy
metadata:
  name: no-secrets
spec:
  content: |
    // nobody reads secrets
    forbid (principal, action == k8s::Action::"get", resource is k8s::Resource)
    when { resource.resource == "secrets" };
---
apiVersion: v1
kind: Secret
metadata: {name: test-secret}
---
apiVersion: cedar.k8s.aws/v1alpha1
kind: Policy
metadata:
  name: viewers
spec:
  validation:
    enforced: true
  content: |-
      permit (principal in k8s::Group::"viewers", action, resource);
)";

TEST(K8sAuthzPolicyManifest, ReadsPolicyObjectsAtTheirManifestLines) {
  auto manifest = read_policy_manifest(kTwoPolicies, "policies.yaml");
  ASSERT_TRUE(manifest) << manifest.error().message;
  ASSERT_EQ(manifest->policies.size(), 2U);
  const ManifestPolicy& first = manifest->policies[0];
  EXPECT_EQ(first.object_name, "no-secrets");
  EXPECT_FALSE(first.enforced.has_value());
  const ManifestPolicy& second = manifest->policies[1];
  EXPECT_EQ(second.object_name, "viewers");
  EXPECT_EQ(second.enforced, std::optional<bool>(true));

  auto parsed = cedar::PolicySet::parse(first.source, "policies.yaml");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->policies().size(), 1U);
  EXPECT_EQ(parsed->policies()[0].line, 9U);  // `forbid` on the manifest's line 9, column 5
  EXPECT_EQ(parsed->policies()[0].column, 5U);
  parsed = cedar::PolicySet::parse(second.source, "policies.yaml");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->policies()[0].line, 24U);
  EXPECT_EQ(parsed->policies()[0].column, 7U);

  ASSERT_EQ(manifest->notes.size(), 1U);
  EXPECT_EQ(manifest->notes[0],
            "policies.yaml:12:1: skipped Secret \"test-secret\": not a cedar.k8s.aws Policy");
}

TEST(K8sAuthzPolicyManifest, QuotedAndJsonContentStartsOnItsLine) {
  constexpr std::string_view kJson = R"({"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "cedar.k8s.aws/v1alpha1", "kind": "Policy", "metadata": {"name": "json"},
   "spec": {"content": "permit (principal, action, resource);\nforbid (principal, action, resource);"}}
]})";
  auto manifest = read_policy_manifest(kJson, "list.json");
  ASSERT_TRUE(manifest) << manifest.error().message;
  ASSERT_EQ(manifest->policies.size(), 1U);
  auto parsed = cedar::PolicySet::parse(manifest->policies[0].source, "list.json");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->policies().size(), 2U);
  EXPECT_EQ(parsed->policies()[0].line, 3U);
  EXPECT_EQ(parsed->policies()[1].line, 4U);
}

TEST(K8sAuthzPolicyManifest, MalformedPoliciesAreErrorsWithPositions) {
  auto missing = read_policy_manifest(
      "apiVersion: cedar.k8s.aws/v1alpha1\nkind: Policy\nmetadata: {name: p}\nspec: {}\n",
      "p.yaml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "p.yaml:1:1: Policy \"p\": spec.content must be a string holding a Cedar policy set");

  auto not_bool = read_policy_manifest(
      "apiVersion: cedar.k8s.aws/v1alpha1\nkind: Policy\nmetadata: {name: p}\nspec:\n"
      "  validation: {enforced: maybe}\n  content: 'permit (principal, action, resource);'\n",
      "p.yaml");
  ASSERT_FALSE(not_bool);
  EXPECT_EQ(not_bool.error().message,
            "p.yaml:5:26: Policy \"p\": spec.validation.enforced must be true or false");

  auto broken_yaml = read_policy_manifest("kind: Policy\n  bad: [\n", "b.yaml");
  ASSERT_FALSE(broken_yaml);
  EXPECT_TRUE(broken_yaml.error().message.starts_with("b.yaml:2:")) << broken_yaml.error().message;
}

// A store of one manifest; the problems when it is refused.
Result<std::shared_ptr<const PolicyStore>> store_of(std::string_view manifest,
                                                    const cedar::Schema* schema,
                                                    ValidationMode mode = ValidationMode::kStrict) {
  const std::pair<std::string, std::string> file{"policies.yaml", std::string(manifest)};
  return PolicyStore::from_texts({&file, 1}, schema, mode);
}

constexpr std::string_view kUntypedPolicy = R"(apiVersion: cedar.k8s.aws/v1alpha1
kind: Policy
metadata: {name: typo}
spec:
  validation: {enforced: ENFORCED}
  content: |
    forbid (principal, action, resource is k8s::Resource) when { resource.resourc == "x" };
)";

std::string with_enforced(std::string_view value) {
  std::string text(kUntypedPolicy);
  text.replace(text.find("ENFORCED"), 8, value);
  return text;
}

TEST(K8sAuthzPolicyManifest, EnforcedDecidesWhetherValidationErrorsRefuseTheSet) {
  auto schema = k8s_schema();
  ASSERT_TRUE(schema);
  // Refused, naming the manifest's line and column of the error.
  auto enforced = store_of(with_enforced("true"), &*schema);
  ASSERT_FALSE(enforced);
  EXPECT_NE(enforced.error().message.find("policies.yaml:7:"), std::string::npos)
      << enforced.error().message;
  // Loaded, the errors kept as validation issues for the log and the metrics.
  auto lenient = store_of(with_enforced("false"), &*schema);
  ASSERT_TRUE(lenient) << lenient.error().message;
  EXPECT_EQ((*lenient)->policy_count(), 1U);
  ASSERT_EQ((*lenient)->validation_issue_count(cedar::Severity::kError), 1U);
  const ValidationIssue& issue = (*lenient)->validation_issues()[0];
  EXPECT_EQ(issue.file, "policies.yaml");
  EXPECT_EQ(issue.line, 7U);
  EXPECT_EQ(issue.policy_id, "policy0");
  // Unless validation is off, `enforced` beats the folder's mode either way.
  EXPECT_FALSE(store_of(with_enforced("true"), &*schema, ValidationMode::kWarn));
  EXPECT_TRUE(store_of(with_enforced("false"), &*schema, ValidationMode::kStrict));
  EXPECT_TRUE(store_of(with_enforced("true"), &*schema, ValidationMode::kOff));
  // A parse error refuses the set whatever `enforced` says.
  std::string broken = with_enforced("false");
  broken.replace(broken.find("forbid"), 6, "forbidd");
  EXPECT_FALSE(store_of(broken, &*schema));
}

TEST(K8sAuthzPolicyManifest, DenialsNameThePolicyObjectAndManifestLine) {
  auto store = store_of(kTwoPolicies, nullptr);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_EQ((*store)->files().size(), 2U);
  const PolicyRef ref{&(*store)->files()[0], 0};
  EXPECT_EQ(ref.describe(), "\"policy0\" of Policy \"no-secrets\" (policies.yaml:9:5)");
}

// The prototype's demo files, copied unchanged into the policy folder, load with validation on
// and decide the seed demo with denials that point into the YAML.
TEST(K8sAuthzPolicyManifest, PrototypeDemoFilesLoadUnchanged) {
  fs::path demo;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/demo", demo);
  TempDir dir("eksguard-manifest-demo");
  for (const char* name : {"authorization-policy.yaml", "admission-policy.yaml"}) {
    fs::copy_file(demo / name, dir.path() / name);
  }
  std::vector<std::string> log;
  ServiceConfig config;
  config.policy_dir = dir.path();
  config.log = [&](LogLevel, std::string_view line) { log.emplace_back(line); };
  auto service = WebhookService::create(config);
  ASSERT_TRUE(service) << service.error().message;
  ASSERT_TRUE((*service)->ready());
  EXPECT_EQ((*service)->policies()->files().size(), 8U);  // the 8 Policy objects

  const std::string list = testing::resource_sar(
      "sample-user", R"(["sample-group", "requires-labels"])", "list", "", "configmaps", "default");
  const WebhookReply reply = (*service)->authorize(list);
  EXPECT_EQ(reply.outcome, "deny");
  EXPECT_NE(reply.body.find(R"(of Policy \"label-enforcement-policy\" (admission-policy.yaml:)"),
            std::string::npos)
      << reply.body;
  // The demo's test objects (Secrets, a ConfigMap, a ServiceAccount) are named as skipped.
  size_t skipped = 0;
  for (const std::string& line : log) skipped += line.find("skipped") != std::string::npos;
  EXPECT_EQ(skipped, 4U);
}

}  // namespace
}  // namespace eksguard::k8s_authz
