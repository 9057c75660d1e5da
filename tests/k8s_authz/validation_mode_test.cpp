// Policy validation modes of the webhook service (strict refuses, warn loads and logs and
// counts, off skips; reloads), and custom resource schemas end to end: a CRD translated into a
// fragment, given to the service, makes a policy about the custom resource validate (and
// without it the policy does not), and the service decides an AdmissionReview for that kind.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "k8s_authz/crd_schema.h"
#include "k8s_authz/k8s_authz_test_support.h"
#include "k8s_authz/k8s_schema.h"
#include "k8s_authz/service.h"
#include "support/test_support.h"

namespace eksguard::k8s_authz {
namespace {

namespace fs = std::filesystem;
using eksguard::testing::TempDir;
using testing::admission_review;
using testing::resource_sar;

void write(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

constexpr std::string_view kGood = R"(@id("alice-pods")
permit (principal, action == k8s::Action::"get", resource is k8s::Resource)
when { principal.name == "alice" && resource.resource == "pods" };
)";
// Parses, but `colour` is no attribute of k8s::Resource: a validation error.
constexpr std::string_view kInvalid = R"(@id("red")
forbid (principal, action, resource is k8s::Resource) when { resource.colour == "red" };
)";
// Valid, but can never apply: a validation warning (impossible policy).
constexpr std::string_view kImpossible = R"(@id("never")
forbid (principal, action == k8s::Action::"get", resource is k8s::NonResourceURL) when { false };
)";

struct Service {
  Service(ValidationMode mode, std::vector<std::pair<std::string, std::string_view>> files,
          std::vector<fs::path> schema_files = {}) {
    for (const auto& [name, text] : files) write(dir.path() / name, text);
    ServiceConfig config;
    config.policy_dir = dir.path();
    config.policy_validation = mode;
    config.schema_files = std::move(schema_files);
    config.log = [this](LogLevel level, std::string_view line) {
      std::lock_guard lock(mutex);
      logs.emplace_back(fmt::format("{} {}",
                                    level == LogLevel::kError     ? "E"
                                    : level == LogLevel::kWarning ? "W"
                                                                  : "I",
                                    line));
    };
    auto created = WebhookService::create(std::move(config));
    if (!created) {
      error = created.error().message;
      return;
    }
    service = std::move(*created);
  }
  std::vector<std::string> matching(std::string_view text) {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const std::string& line : logs) {
      if (line.find(text) != std::string::npos) out.push_back(line);
    }
    return out;
  }
  TempDir dir{"eksguard-validation"};
  std::mutex mutex;
  std::vector<std::string> logs;
  std::string error;
  std::unique_ptr<WebhookService> service;
};

bool has_line(const std::string& text, std::string_view line) {
  return text.find(std::string(line) + "\n") != std::string::npos;
}

TEST(K8sAuthzValidationMode, StrictRefusesTheSet) {
  Service s(ValidationMode::kStrict, {{"good.cedar", kGood}, {"invalid.cedar", kInvalid}});
  ASSERT_TRUE(s.service) << s.error;
  EXPECT_FALSE(s.service->ready());
  const auto rejected = s.matching("rejected");
  ASSERT_EQ(rejected.size(), 1U);
  EXPECT_NE(rejected[0].find("invalid.cedar:2:"), std::string::npos) << rejected[0];
  EXPECT_EQ(s.service->counters().reloads_failed, 1U);
  // Warnings alone do not refuse a set; they are logged and counted.
  write(s.dir.path() / "invalid.cedar", kImpossible);
  const auto reload = s.service->poll();
  ASSERT_TRUE(reload && reload->ok) << (reload ? reload->message : "no reload");
  EXPECT_NE(reload->message.find("(validation strict: 0 errors, 1 warning)"), std::string::npos)
      << reload->message;
  EXPECT_EQ(s.service->counters().validation_warnings, 1U);
  EXPECT_EQ(s.matching("W policy validation: warning validation.impossible-policy").size(), 1U);
}

TEST(K8sAuthzValidationMode, WarnLoadsLogsAndCounts) {
  Service s(ValidationMode::kWarn,
            {{"good.cedar", kGood}, {"invalid.cedar", kInvalid}, {"never.cedar", kImpossible}});
  ASSERT_TRUE(s.service) << s.error;
  ASSERT_TRUE(s.service->ready());
  const Counters counters = s.service->counters();
  EXPECT_EQ(counters.policy_files, 3U);
  EXPECT_EQ(counters.validation_errors, 1U);
  EXPECT_EQ(counters.validation_warnings, 1U);
  // One line per issue: severity, code, policy id, file:line:column, message.
  const auto errors = s.matching("policy validation: error ");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_TRUE(errors[0].starts_with("W policy validation: error validation.")) << errors[0];
  EXPECT_NE(errors[0].find(" policy \"red\" at invalid.cedar:2:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("colour"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[0].find('\n'), std::string::npos);
  EXPECT_EQ(s.matching("policy validation: warning validation.impossible-policy policy \"never\" "
                       "at never.cedar:1:1: ")
                .size(),
            1U);
  const std::string metrics = s.service->metrics_text();
  EXPECT_TRUE(has_line(metrics, "eksguard_policy_validation_issues{severity=\"error\"} 1"))
      << metrics;
  EXPECT_TRUE(has_line(metrics, "eksguard_policy_validation_issues{severity=\"warning\"} 1"));
  EXPECT_TRUE(has_line(metrics, "eksguard_policy_validation_mode{mode=\"warn\"} 1"));
  EXPECT_TRUE(has_line(metrics, "eksguard_policy_validation_mode{mode=\"strict\"} 0"));
  // The loaded set decides, invalid policy included: its forbid fails to evaluate (there is no
  // `colour`), which the fail mode (closed) turns into a deny. This is what warn risks.
  const WebhookReply reply =
      s.service->authorize(resource_sar("alice", "[]", "get", "", "pods", "dev"));
  EXPECT_EQ(reply.outcome, "deny");
  EXPECT_NE(reply.body.find(R"(\"red\" (invalid.cedar:1:1))"), std::string::npos) << reply.body;
  EXPECT_EQ(s.service->counters().evaluation_errors, 1U);
}

TEST(K8sAuthzValidationMode, WarnReloadsKeepTheCountsOfTheSetInForce) {
  Service s(ValidationMode::kWarn, {{"good.cedar", kGood}, {"invalid.cedar", kInvalid}});
  ASSERT_TRUE(s.service && s.service->ready()) << s.error;
  EXPECT_EQ(s.service->counters().validation_errors, 1U);
  // A parse error still refuses the set in warn mode; the last good set and its counts stay.
  write(s.dir.path() / "broken.cedar", "permit (principal, action, resource) when { ;\n");
  auto reload = s.service->poll();
  ASSERT_TRUE(reload.has_value());
  EXPECT_FALSE(reload->ok);
  EXPECT_NE(reload->message.find("broken.cedar:1:"), std::string::npos) << reload->message;
  EXPECT_EQ(s.service->counters().validation_errors, 1U);
  EXPECT_EQ(s.service->counters().policy_files, 2U);
  // Fixed: the new set's counts replace the old.
  fs::remove(s.dir.path() / "broken.cedar");
  fs::remove(s.dir.path() / "invalid.cedar");
  reload = s.service->poll();
  ASSERT_TRUE(reload && reload->ok);
  EXPECT_EQ(s.service->counters().validation_errors, 0U);
  EXPECT_TRUE(has_line(s.service->metrics_text(),
                       "eksguard_policy_validation_issues{severity=\"error\"} 0"));
}

TEST(K8sAuthzValidationMode, OffSkipsValidation) {
  Service s(ValidationMode::kOff, {{"invalid.cedar", kInvalid}, {"never.cedar", kImpossible}});
  ASSERT_TRUE(s.service && s.service->ready()) << s.error;
  EXPECT_EQ(s.service->counters().validation_errors, 0U);
  EXPECT_EQ(s.service->counters().validation_warnings, 0U);
  EXPECT_TRUE(s.matching("policy validation:").empty());
  EXPECT_EQ(s.matching("(validation off: 0 errors, 0 warnings)").size(), 1U);
  // Off still refuses what does not parse.
  write(s.dir.path() / "invalid.cedar", "forbid (");
  const auto reload = s.service->poll();
  ASSERT_TRUE(reload.has_value());
  EXPECT_FALSE(reload->ok);
}

TEST(K8sAuthzValidationMode, TheDefaultIsWarn) {
  EXPECT_EQ(ServiceConfig{}.policy_validation, ValidationMode::kWarn);
  for (const ValidationMode mode :
       {ValidationMode::kStrict, ValidationMode::kWarn, ValidationMode::kOff}) {
    EXPECT_EQ(parse_validation_mode(validation_mode_name(mode)), mode);
  }
  EXPECT_FALSE(parse_validation_mode("true").has_value());
}

// ---- Custom resources end to end ------------------------------------------------------------

constexpr std::string_view kCertificateCrd = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: certificates.cert-manager.io}
spec:
  group: cert-manager.io
  names: {kind: Certificate, plural: certificates}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [secretName]
              properties:
                secretName: {type: string}
                isCA: {type: boolean}
                dnsNames: {type: array, items: {type: string}}
)";

// No CA certificates for prod secrets, except from the cert-admins group.
constexpr std::string_view kCertificatePolicy = R"(@id("no-prod-ca")
forbid (
  principal,
  action in [k8s::admission::Action::"create", k8s::admission::Action::"update"],
  resource is io::cert_manager::v1::Certificate
)
when {
  resource has spec && resource.spec has isCA && resource.spec.isCA &&
  resource.spec.secretName like "prod-*"
}
unless { principal in k8s::Group::"cert-admins" };
)";

std::string certificate(std::string_view secret, bool ca) {
  return fmt::format(
      R"({{"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
          "metadata": {{"name": "c", "namespace": "default", "labels": {{"team": "web"}}}},
          "spec": {{"secretName": "{}", "isCA": {}, "dnsNames": ["a.example.com"]}}}})",
      secret, ca ? "true" : "false");
}

std::string certificate_review(std::string_view groups, std::string_view secret, bool ca) {
  return admission_review("CREATE", "bob", groups, "cert-manager.io", "v1", "Certificate",
                          "certificates", "c", "default", certificate(secret, ca));
}

TEST(K8sAuthzValidationMode, CustomResourcePolicyValidatesWithTheCrdFragment) {
  TempDir schemas("eksguard-schemas");
  const CrdSource source{"certificates.yaml", kCertificateCrd};
  const cedar::Schema base = *k8s_schema();
  auto fragment = crd_schema_fragment(std::span(&source, 1), &base);
  ASSERT_TRUE(fragment);
  const fs::path fragment_file = schemas.path() / "crds.cedarschema";
  write(fragment_file, fragment->text);

  // Without the fragment strict validation refuses the policy.
  Service without(ValidationMode::kStrict, {{"certs.cedar", kCertificatePolicy}});
  ASSERT_TRUE(without.service) << without.error;
  EXPECT_FALSE(without.service->ready());
  EXPECT_EQ(without.matching("io::cert_manager::v1::Certificate").size(), 1U);

  // With it the policy validates (no errors, no warnings) and decides admission reviews.
  Service with(ValidationMode::kStrict, {{"certs.cedar", kCertificatePolicy}}, {fragment_file});
  ASSERT_TRUE(with.service) << with.error;
  ASSERT_TRUE(with.service->ready()) << fmt::format("{}", fmt::join(with.logs, "\n"));
  EXPECT_EQ(with.service->counters().validation_errors, 0U);
  EXPECT_EQ(with.service->counters().validation_warnings, 0U);
  EXPECT_NE(with.service->schema().find_entity_type("io::cert_manager::v1::Certificate"), nullptr);

  const WebhookReply denied = with.service->admit(certificate_review("[]", "prod-tls", true));
  EXPECT_EQ(denied.outcome, "deny") << denied.body;
  EXPECT_NE(denied.body.find(R"(denied by Cedar policy \"no-prod-ca\" (certs.cedar:1:1))"),
            std::string::npos)
      << denied.body;
  EXPECT_EQ(with.service->admit(certificate_review("[]", "prod-tls", false)).outcome, "allow");
  EXPECT_EQ(with.service->admit(certificate_review("[]", "dev-tls", true)).outcome, "allow");
  EXPECT_EQ(with.service->admit(certificate_review(R"(["cert-admins"])", "prod-tls", true)).outcome,
            "allow");
  EXPECT_EQ(with.service->counters().evaluation_errors, 0U);
}

TEST(K8sAuthzValidationMode, ABrokenFragmentIsAStartUpError) {
  TempDir schemas("eksguard-schemas");
  const fs::path bad = schemas.path() / "bad.cedarschema";
  write(bad, "namespace io::x::v1 {\n  entity A = { \"a\": Missing };\n}\n");
  Service missing(ValidationMode::kWarn, {{"good.cedar", kGood}}, {bad});
  EXPECT_EQ(missing.service, nullptr);
  EXPECT_NE(missing.error.find(bad.string() + ":2:"), std::string::npos) << missing.error;
  EXPECT_NE(missing.error.find("schema.undefined-type"), std::string::npos) << missing.error;

  // Conflicting with the built-in schema: named at the second declaration.
  write(bad, "namespace core::v1 {\n  entity Pod;\n}\n");
  Service conflict(ValidationMode::kOff, {{"good.cedar", kGood}}, {bad});
  EXPECT_EQ(conflict.service, nullptr);
  EXPECT_NE(conflict.error.find(bad.string() + ":2:10"), std::string::npos) << conflict.error;
  EXPECT_NE(conflict.error.find("schema.duplicate-declaration"), std::string::npos);

  // JSON syntax is read too, and an unreadable file is named.
  write(bad,
        R"({"io::x::v1": {"entityTypes": {"A": {"shape": {"type": "Nope"}}}, "actions": {}}})");
  Service json(ValidationMode::kWarn, {{"good.cedar", kGood}}, {bad});
  EXPECT_EQ(json.service, nullptr);
  EXPECT_NE(json.error.find(bad.string() + ":1:"), std::string::npos) << json.error;
  Service absent(ValidationMode::kWarn, {{"good.cedar", kGood}}, {schemas.path() / "none"});
  EXPECT_EQ(absent.service, nullptr);
  EXPECT_NE(absent.error.find("none: cannot read"), std::string::npos) << absent.error;
}

}  // namespace
}  // namespace eksguard::k8s_authz
