#include "cli/serve_command.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <condition_variable>
#include <csignal>
#include <ctime>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/app.h"
#include "k8s_authz/service.h"
#include "server/http_server.h"
#include "server/serve_config.h"

namespace eksguard::cli {
namespace {

using server::LogLevel;

int startup_error(std::string_view message) {
  std::cerr << "eksguard serve: " << message << "\n";
  return kExitInput;
}

// Writes whole lines to stderr, dropping those below the configured level.
class Logger {
 public:
  explicit Logger(LogLevel threshold) : threshold_(threshold) {}

  void line(LogLevel level, std::string_view text) const {
    if (level < threshold_) return;
    std::lock_guard lock(mutex_);
    std::cerr << text << '\n' << std::flush;
  }

  // A message of the webhook service, in the server's logfmt shape.
  void service(k8s_authz::LogLevel level, std::string_view message) const {
    const LogLevel mapped = level == k8s_authz::LogLevel::kError     ? LogLevel::kError
                            : level == k8s_authz::LogLevel::kWarning ? LogLevel::kWarn
                                                                     : LogLevel::kInfo;
    if (mapped < threshold_) return;
    std::string quoted;
    for (char c : message) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c == '\n' ? ' ' : c;
    }
    line(mapped,
         fmt::format("ts={:%Y-%m-%dT%H:%M:%SZ} level={} component=webhook msg=\"{}\"",
                     fmt::gmtime(std::time(nullptr)), server::log_level_name(mapped), quoted));
  }

 private:
  LogLevel threshold_;
  mutable std::mutex mutex_;
};

k8s_authz::ServiceConfig service_config(const server::ServeConfig& config, const Logger& logger) {
  k8s_authz::ServiceConfig service;
  service.policy_dir = config.policy_dir;
  if (config.policy_validation) {
    // serve_config checked the spelling.
    service.policy_validation = k8s_authz::parse_validation_mode(*config.policy_validation)
                                    .value_or(service.policy_validation);
  }
  service.schema_files.assign(config.schema_files.begin(), config.schema_files.end());
  if (config.break_glass_users) service.break_glass_users = *config.break_glass_users;
  if (config.break_glass_groups) service.break_glass_groups = *config.break_glass_groups;
  if (config.authorization_default_deny) {
    service.authorization_default = *config.authorization_default_deny
                                        ? k8s_authz::DefaultDecision::kDeny
                                        : k8s_authz::DefaultDecision::kNoOpinion;
  }
  const auto fail_mode = [](bool closed) {
    return closed ? k8s_authz::FailMode::kClosed : k8s_authz::FailMode::kOpen;
  };
  if (config.authorization_fail_closed)
    service.authorization_fail_mode = fail_mode(*config.authorization_fail_closed);
  if (config.admission_fail_closed)
    service.admission_fail_mode = fail_mode(*config.admission_fail_closed);
  // The server refuses bigger bodies before the service sees them; keep the two limits equal.
  service.limits.max_body_bytes = config.server.max_body_bytes;
  service.log = [&logger](k8s_authz::LogLevel level, std::string_view message) {
    logger.service(level, message);
  };
  return service;
}

std::vector<server::Route> webhook_routes(k8s_authz::WebhookService& service) {
  const auto reply = [](k8s_authz::WebhookReply answer) {
    return server::Reply{answer.http_status, std::move(answer.body), "application/json",
                         answer.outcome};
  };
  return {
      {"POST", "/v1/authorize",
       [&service, reply](std::string_view body) { return reply(service.authorize(body)); }, true},
      {"POST", "/v1/admit",
       [&service, reply](std::string_view body) { return reply(service.admit(body)); }, true},
  };
}

// Checks the policy folder for changes every `interval` until stopped (ConfigMap updates reach
// the pod as a symlink swap; the service reloads only a set that parses and validates).
class PolicyPoller {
 public:
  PolicyPoller(k8s_authz::WebhookService& service, std::chrono::milliseconds interval)
      : thread_([this, &service, interval] {
          std::unique_lock lock(mutex_);
          while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
            lock.unlock();
            service.poll();
            lock.lock();
          }
        }) {}
  ~PolicyPoller() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  PolicyPoller(const PolicyPoller&) = delete;
  PolicyPoller& operator=(const PolicyPoller&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace

ServeCommand::ServeCommand(CLI::App& app) {
  command_ = app.add_subcommand(
      "serve", "Serve the Kubernetes authorization and admission webhooks over HTTPS");
  command_->add_option("--policies", policies_, "Folder of *.cedar policy files");
  command_->add_option("--tls-cert", tls_cert_, "PEM certificate chain of the server");
  command_->add_option("--tls-key", tls_key_, "PEM private key of the server");
  command_->add_option("--listen", listen_, "ADDR:PORT to listen on (default 127.0.0.1:10288)");
  command_->add_option("--config", config_, "Configuration file (YAML), see docs/serve.md");
  command_->add_option("--threads", threads_, "Worker threads (default: one per core)");
  command_->add_option("--max-body-bytes", max_body_bytes_,
                       "Largest request body accepted; 413 beyond (default 1048576)");
  command_->add_option("--log-level", log_level_, "info|warn|error (default info)");
  command_->add_option("--policy-validation", policy_validation_,
                       "strict|warn|off: refuse, load but log and count, or skip policies that "
                       "do not validate against the schema (default warn)");
  command_->add_option("--schema", schema_files_,
                       "Cedar schema fragment (Cedar or JSON syntax) added to the built-in "
                       "Kubernetes schema, e.g. from `eksguard cedar schema crd`; repeatable");
}

int ServeCommand::execute() const {
  server::ServeConfig config;
  if (!config_.empty()) {
    if (Status loaded = server::load_serve_config(config_, config); !loaded)
      return startup_error(loaded.error().message);
  }
  if (!policies_.empty()) config.policy_dir = policies_;
  if (!tls_cert_.empty()) config.server.tls_cert_file = tls_cert_;
  if (!tls_key_.empty()) config.server.tls_key_file = tls_key_;
  if (!listen_.empty()) {
    if (Status parsed = server::parse_listen_address(listen_, config.server); !parsed)
      return startup_error(parsed.error().message);
  }
  if (threads_ != 0) config.server.threads = threads_;
  if (max_body_bytes_ != 0) config.server.max_body_bytes = max_body_bytes_;
  if (!log_level_.empty()) {
    const auto level = server::parse_log_level(log_level_);
    if (!level) return startup_error("--log-level must be info, warn or error");
    config.log_level = *level;
  }
  if (!policy_validation_.empty()) {
    if (!k8s_authz::parse_validation_mode(policy_validation_))
      return startup_error("--policy-validation must be strict, warn or off");
    config.policy_validation = policy_validation_;
  }
  // Flags add to the configuration file's fragments.
  config.schema_files.insert(config.schema_files.end(), schema_files_.begin(), schema_files_.end());
  if (config.policy_dir.empty()) return startup_error("--policies DIR is required");
  if (config.server.tls_cert_file.empty()) return startup_error("--tls-cert FILE is required");
  if (config.server.tls_key_file.empty()) return startup_error("--tls-key FILE is required");

  const Logger logger(config.log_level);
  auto service = k8s_authz::WebhookService::create(service_config(config, logger));
  if (!service) return startup_error(service.error().message);

  // Writes to a client that has gone must fail with EPIPE, not end the process.
  std::signal(SIGPIPE, SIG_IGN);
  config.server.handle_signals = true;
  server::ServerHooks hooks;
  k8s_authz::WebhookService& webhooks = **service;
  hooks.ready = [&webhooks] { return webhooks.ready(); };
  hooks.metrics = [&webhooks] { return webhooks.metrics_text(); };
  hooks.log = [&logger](LogLevel level, std::string_view line) { logger.line(level, line); };
  auto http = server::HttpServer::create(config.server, webhook_routes(webhooks), hooks);
  if (!http) return startup_error(http.error().message);
  const PolicyPoller poller(webhooks, config.policy_poll_interval);
  return (*http)->run();
}

}  // namespace eksguard::cli
