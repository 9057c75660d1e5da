// The `eksguard serve --config FILE` file (YAML or JSON). Every key is optional; command-line
// flags override the file, and the file overrides the defaults.
//
//   listen: 127.0.0.1:10288
//   policies: /etc/eksguard/policies
//   tls: {certFile: tls.crt, keyFile: tls.key, reloadInterval: 30s}
//   threads: 2                      # 0 or absent: one per core
//   maxBodyBytes: 1048576
//   maxHeaderBytes: 16384
//   maxConnections: 4096
//   timeouts: {handshake: 10s, header: 10s, body: 30s, write: 30s, idle: 120s, shutdown: 15s}
//   policyPollInterval: 5s           # how often the policy folder is checked for changes
//   logLevel: info                   # info | warn | error
//   policyValidation: warn           # strict | warn | off (see docs/serve.md)
//   schemaFiles: [crds.cedarschema]  # Cedar schema fragments added to the built-in schema
//   validatePolicies: true           # deprecated alias: true = strict, false = off
//   breakGlass: {users: [...], groups: [system:masters, ...]}
//   authorization: {default: no-opinion, failMode: closed}   # default: no-opinion | deny
//   admission: {failMode: closed}                            # failMode: open | closed
//
// Durations are a number with a unit: ms, s, m or h ("250ms", "30s", "2m").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/http_server.h"

namespace eksguard::server {

struct ServeConfig {
  ServerOptions server;
  std::string policy_dir;
  std::chrono::milliseconds policy_poll_interval{5000};
  LogLevel log_level = LogLevel::kInfo;
  // Settings of the webhook service; absent = the service's defaults.
  std::optional<std::string> policy_validation;  // "strict", "warn" or "off"
  std::vector<std::string> schema_files;
  std::optional<std::vector<std::string>> break_glass_users;
  std::optional<std::vector<std::string>> break_glass_groups;
  std::optional<bool> authorization_default_deny;  // false: no-opinion
  std::optional<bool> authorization_fail_closed;
  std::optional<bool> admission_fail_closed;
};

// Applies the keys of the file's text to `config` (which holds the defaults); errors name the
// file, line, column and what was expected.
Status apply_serve_config(std::string_view text, const std::string& file, ServeConfig& config);
Status load_serve_config(const std::string& path, ServeConfig& config);

// "250ms", "30s", "2m", "1h"; nullopt for anything else.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::optional<LogLevel> parse_log_level(std::string_view text);
std::string_view log_level_name(LogLevel level);

}  // namespace eksguard::server
