// The `eksguard serve` configuration file: every key, the chart's file, and clear errors.
#include "server/serve_config.h"

#include <gtest/gtest.h>

namespace eksguard::server {
namespace {

using namespace std::chrono_literals;

TEST(ServeConfig, AppliesEveryKey) {
  ServeConfig config;
  const Status status = apply_serve_config(R"(
listen: "[::1]:8443"
policies: /etc/eksguard/policies
tls: {certFile: /tls/tls.crt, keyFile: /tls/tls.key, reloadInterval: 1m}
threads: 3
maxBodyBytes: 2097152
maxHeaderBytes: 8192
maxConnections: 100
timeouts: {handshake: 2s, header: 3s, body: 4s, write: 5s, idle: 6s, shutdown: 250ms}
policyPollInterval: 10s
logLevel: warn
policyValidation: off
schemaFiles: [crds.cedarschema, extra.cedarschema.json]
breakGlass: {users: [admin], groups: [system:masters, ops]}
authorization: {default: deny, failMode: open}
admission: {failMode: open}
)",
                                           "serve.yaml", config);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(config.server.host, "::1");
  EXPECT_EQ(config.server.port, 8443);
  EXPECT_EQ(config.policy_dir, "/etc/eksguard/policies");
  EXPECT_EQ(config.server.tls_cert_file, "/tls/tls.crt");
  EXPECT_EQ(config.server.tls_key_file, "/tls/tls.key");
  EXPECT_EQ(config.server.tls_reload_interval, 60s);
  EXPECT_EQ(config.server.threads, 3u);
  EXPECT_EQ(config.server.max_body_bytes, 2097152u);
  EXPECT_EQ(config.server.max_header_bytes, 8192u);
  EXPECT_EQ(config.server.max_connections, 100u);
  EXPECT_EQ(config.server.handshake_timeout, 2s);
  EXPECT_EQ(config.server.header_timeout, 3s);
  EXPECT_EQ(config.server.body_timeout, 4s);
  EXPECT_EQ(config.server.write_timeout, 5s);
  EXPECT_EQ(config.server.idle_timeout, 6s);
  EXPECT_EQ(config.server.shutdown_timeout, 250ms);
  EXPECT_EQ(config.policy_poll_interval, 10s);
  EXPECT_EQ(config.log_level, LogLevel::kWarn);
  EXPECT_EQ(config.policy_validation, "off");
  EXPECT_EQ(config.schema_files,
            (std::vector<std::string>{"crds.cedarschema", "extra.cedarschema.json"}));
  EXPECT_EQ(config.break_glass_users, std::vector<std::string>{"admin"});
  EXPECT_EQ(config.break_glass_groups, (std::vector<std::string>{"system:masters", "ops"}));
  EXPECT_EQ(config.authorization_default_deny, true);
  EXPECT_EQ(config.authorization_fail_closed, false);
  EXPECT_EQ(config.admission_fail_closed, false);
}

TEST(ServeConfig, AcceptsTheHelmChartsFile) {
  // deploy/helm/eksguard/templates/config.yaml rendered with the chart's default values.
  ServeConfig config;
  const Status status = apply_serve_config(R"(threads: 2
maxBodyBytes: 1048576
policyValidation: warn
logLevel: info
breakGlass:
  users:
    []
  groups:
    - system:masters
)",
                                           "serve.yaml", config);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(config.server.threads, 2u);
  EXPECT_EQ(config.break_glass_users, std::vector<std::string>{});
  EXPECT_EQ(config.break_glass_groups, std::vector<std::string>{"system:masters"});
}

// validatePolicies is the deprecated spelling of policyValidation: true = strict, false = off.
TEST(ServeConfig, ValidatePoliciesIsAnAliasOfPolicyValidation) {
  for (const auto& [text, expected] :
       {std::pair{"validatePolicies: true\n", "strict"},
        {"validatePolicies: false\n", "off"},
        {"policyValidation: strict\n", "strict"},
        {"policyValidation: warn\n", "warn"},
        {"policyValidation: off\n", "off"},
        {"policyValidation: \"off\"\n", "off"},
        {"validatePolicies: true\npolicyValidation: warn\n", "warn"}}) {
    ServeConfig config;
    const Status status = apply_serve_config(text, "serve.yaml", config);
    ASSERT_TRUE(status) << text << status.error().message;
    EXPECT_EQ(config.policy_validation, expected) << text;
  }
}

TEST(ServeConfig, KeepsDefaultsForAbsentKeys) {
  ServeConfig config;
  ASSERT_TRUE(apply_serve_config("", "empty.yaml", config));
  ASSERT_TRUE(apply_serve_config("threads: 1\n", "one.yaml", config));
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_EQ(config.server.port, 10288);
  EXPECT_EQ(config.server.max_body_bytes, size_t{1} << 20);
  EXPECT_FALSE(config.policy_validation.has_value());
  EXPECT_TRUE(config.schema_files.empty());
  EXPECT_FALSE(config.authorization_default_deny.has_value());
}

TEST(ServeConfig, ErrorsNamePositionAndExpectation) {
  const std::pair<const char*, const char*> cases[] = {
      {"threads: many\n", "serve.yaml:1:10: threads must be a whole number from 0 to 1024"},
      {"listen: localhost\n", "serve.yaml:1:9: listen address \"localhost\" must be ADDR:PORT"},
      {"maxBodyBytes: 10\n", "maxBodyBytes must be a whole number from 1024"},
      {"timeouts:\n  header: soon\n",
       "serve.yaml:2:11: timeouts.header must be a duration such as 250ms, 30s or 2m"},
      {"timeouts: {idle: 0s}\n", "timeouts.idle must be positive"},
      {"timeouts: {nap: 1s}\n", "unknown key `nap` in timeouts"},
      {"authorization: {default: allow}\n", "authorization.default must be no-opinion or deny"},
      {"admission: {failMode: maybe}\n", "admission.failMode must be open or closed"},
      {"breakGlass: {users: admin}\n", "breakGlass.users must be a list of strings"},
      {"logLevel: debug\n", "logLevel must be info, warn or error"},
      {"validatePolicies: sometimes\n", "validatePolicies must be true or false"},
      {"policyValidation: lenient\n",
       "serve.yaml:1:19: policyValidation must be strict, warn or off"},
      {"schemaFiles: crds.cedarschema\n", "schemaFiles must be a list of strings"},
      {"polices: /x\n", "serve.yaml:1:10: unknown key `polices` (expected listen, policies,"},
      {"- a\n", "the serve configuration must be a mapping"},
      {"threads: [\n", "serve.yaml:"},
  };
  for (const auto& [text, expected] : cases) {
    ServeConfig config;
    const Status status = apply_serve_config(text, "serve.yaml", config);
    ASSERT_FALSE(status) << text;
    EXPECT_NE(status.error().message.find(expected), std::string::npos)
        << text << " -> " << status.error().message;
  }
}

TEST(ServeConfig, Durations) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("30s"), 30s);
  EXPECT_EQ(parse_duration("2m"), 120s);
  EXPECT_EQ(parse_duration("1h"), 3600s);
  for (const char* bad : {"", "s", "10", "1.5s", "-1s", "10 days", "1000000h", "5sec"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace eksguard::server
