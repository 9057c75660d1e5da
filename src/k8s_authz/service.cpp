// The webhook service: decode, break-glass, decide, encode (see service.h).
#include "k8s_authz/service.h"

#include <fmt/format.h>

#include <algorithm>

#include "k8s_authz/k8s_schema.h"
#include "report/json_writer.h"

namespace eksguard::k8s_authz {
namespace {

std::string describe_all(const std::vector<PolicyRef>& policies) {
  std::string out;
  for (const PolicyRef& ref : policies) {
    if (!out.empty()) out += "; ";
    out += ref.describe();
    if (const auto reason = ref.policy().annotation("reason")) {
      fmt::format_to(std::back_inserter(out), ": {}", *reason);
    }
  }
  return out;
}

std::string describe_errors(const std::vector<PolicyEvaluationError>& errors) {
  std::string out;
  for (const PolicyEvaluationError& error : errors) {
    if (!out.empty()) out += "; ";
    fmt::format_to(std::back_inserter(out), "{}: {}", error.policy.describe(), error.message);
  }
  return out;
}

std::vector<PolicyEvaluationError> forbid_errors(const StoreDecision& decision) {
  std::vector<PolicyEvaluationError> out;
  for (const PolicyEvaluationError& error : decision.errors) {
    if (error.policy.policy().effect == cedar::Effect::kForbid) out.push_back(error);
  }
  return out;
}

WebhookReply bad_request(const BadRequest& problem) {
  std::string body;
  report::JsonWriter json(body);
  json.begin_object()
      .member("kind", "Status")
      .member("apiVersion", "v1")
      .member("status", "Failure")
      .member("message", problem.message)
      .member("reason", problem.http_status == 413 ? "RequestEntityTooLarge" : "BadRequest")
      .member("code", problem.http_status)
      .end_object();
  return WebhookReply{problem.http_status, std::move(body), "error"};
}

// The answer of an authorization review.
struct AccessAnswer {
  std::string_view outcome;  // allow, deny, no-opinion
  std::string reason;
  std::string evaluation_error;
};

std::string encode_access(const Review& review, const AccessAnswer& answer) {
  std::string body;
  report::JsonWriter json(body);
  json.begin_object()
      .member("apiVersion", review.api_version)
      .member("kind", "SubjectAccessReview")
      .key("status")
      .begin_object()
      .member("allowed", answer.outcome == "allow");
  if (answer.outcome == "deny") json.member("denied", true);
  if (!answer.reason.empty()) json.member("reason", answer.reason);
  if (!answer.evaluation_error.empty()) json.member("evaluationError", answer.evaluation_error);
  json.end_object().end_object();
  return body;
}

std::string encode_admission(const Review& review, bool allowed, const std::string& message,
                             const std::vector<std::string>& warnings) {
  std::string body;
  report::JsonWriter json(body);
  json.begin_object()
      .member("apiVersion", review.api_version)
      .member("kind", "AdmissionReview")
      .key("response")
      .begin_object()
      .member("uid", review.uid)
      .member("allowed", allowed);
  if (!allowed) {
    json.key("status")
        .begin_object()
        .member("code", 403)
        .member("reason", "Forbidden")
        .member("message", message)
        .end_object();
  }
  if (!warnings.empty()) {
    json.key("warnings").begin_array();
    for (const std::string& warning : warnings) json.value(warning);
    json.end_array();
  }
  json.end_object().end_object();
  return body;
}

}  // namespace

WebhookService::WebhookService(ServiceConfig config) : config_(std::move(config)) {}

Result<std::unique_ptr<WebhookService>> WebhookService::create(ServiceConfig config) {
  if (config.policy_dir.empty()) return fail("the policy directory is not set");
  std::unique_ptr<WebhookService> service(new WebhookService(std::move(config)));
  // Built even when validation is off: a configured fragment that is broken is a start-up
  // error whatever the mode, and objects convert as the schema types them.
  auto schema = k8s_schema_with_files(service->config_.schema_files);
  if (!schema) return fail("Cedar schema: " + schema.error().message);
  service->schema_ = std::move(*schema);
  service->plan_ = ConversionPlan::compile(service->schema_);
  service->reload();
  return service;
}

void WebhookService::log(LogLevel level, std::string_view message) const {
  if (config_.log) config_.log(level, message);
}

bool WebhookService::ready() const {
  return store_.load() != nullptr;
}

ReloadResult WebhookService::reload() {
  std::lock_guard lock(reload_mutex_);
  snapshot_ = DirectorySnapshot::take(config_.policy_dir);
  auto loaded = PolicyStore::load(config_.policy_dir, &schema_, config_.store_limits,
                                  config_.policy_validation);
  ReloadResult result;
  if (!loaded) {
    counters_.reloads_failed.fetch_add(1, std::memory_order_relaxed);
    counters_.last_reload_ok.store(false, std::memory_order_relaxed);
    result.message =
        fmt::format("policy set in {} rejected; {}:\n{}", config_.policy_dir.string(),
                    ready() ? "the last good set stays in force" : "no policy set is in force",
                    loaded.error().message);
    log(LogLevel::kError, result.message);
    return result;
  }
  result.ok = true;
  std::vector<std::string_view> names;
  for (const PolicyFile& file : (*loaded)->files()) names.push_back(file.name);
  result.files = static_cast<size_t>(std::unique(names.begin(), names.end()) - names.begin());
  result.policies = (*loaded)->policy_count();
  const size_t errors = (*loaded)->validation_issue_count(cedar::Severity::kError);
  const size_t warnings = (*loaded)->validation_issue_count(cedar::Severity::kWarning);
  result.message = fmt::format(
      "loaded {} polic{} from {} file{} in {} (validation {}: {} error{}, "
      "{} warning{})",
      result.policies, result.policies == 1 ? "y" : "ies", result.files,
      result.files == 1 ? "" : "s", config_.policy_dir.string(),
      validation_mode_name(config_.policy_validation), errors, errors == 1 ? "" : "s", warnings,
      warnings == 1 ? "" : "s");
  for (const std::string& note : (*loaded)->notes()) log(LogLevel::kWarning, note);
  log_validation_issues(**loaded);
  store_.store(std::move(*loaded));
  counters_.reloads_ok.fetch_add(1, std::memory_order_relaxed);
  counters_.last_reload_ok.store(true, std::memory_order_relaxed);
  log(result.files == 0 ? LogLevel::kWarning : LogLevel::kInfo, result.message);
  return result;
}

void WebhookService::log_validation_issues(const PolicyStore& store) const {
  for (const ValidationIssue& issue : store.validation_issues()) {
    log(LogLevel::kWarning, "policy validation: " + issue.render());
  }
}

std::optional<ReloadResult> WebhookService::poll() {
  {
    std::lock_guard lock(reload_mutex_);
    if (snapshot_ && *snapshot_ == DirectorySnapshot::take(config_.policy_dir)) {
      return std::nullopt;
    }
  }
  return reload();
}

bool WebhookService::is_break_glass(const Identity& identity) const {
  const auto& users = config_.break_glass_users;
  if (std::find(users.begin(), users.end(), identity.username) != users.end()) return true;
  for (const std::string_view group : identity.groups) {
    const auto& groups = config_.break_glass_groups;
    if (std::find(groups.begin(), groups.end(), group) != groups.end()) return true;
  }
  return false;
}

void WebhookService::count_errors(const StoreDecision& decision, const Review& review,
                                  bool forbids_only) {
  for (const PolicyEvaluationError& error : decision.errors) {
    if (forbids_only && error.policy.policy().effect != cedar::Effect::kForbid) continue;
    counters_.evaluation_errors.fetch_add(1, std::memory_order_relaxed);
    log(LogLevel::kWarning, fmt::format("policy {} failed to evaluate for `{}`: {}",
                                        error.policy.describe(), review.summary, error.message));
  }
}

WebhookReply WebhookService::authorize(std::string_view body) {
  auto review = decode_access_review(body, config_.limits);
  if (!review) {
    counters_.authorize_error.fetch_add(1, std::memory_order_relaxed);
    log(LogLevel::kWarning, "bad SubjectAccessReview: " + review.error().message);
    return bad_request(review.error());
  }
  const bool closed = config_.authorization_fail_mode == FailMode::kClosed;
  AccessAnswer answer;
  const std::shared_ptr<const PolicyStore> store = store_.load();
  if (is_break_glass(review->identity)) {
    counters_.break_glass.fetch_add(1, std::memory_order_relaxed);
    answer = {"no-opinion",
              fmt::format("break-glass identity \"{}\": Cedar policies not applied",
                          review->identity.username),
              {}};
  } else if (store == nullptr) {
    answer = {
        closed ? "deny" : "no-opinion",
        fmt::format("no Cedar policy set is loaded (fail mode {})", closed ? "closed" : "open"),
        {}};
  } else {
    const StoreDecision decision = store->decide(*review->request, review->entities);
    count_errors(decision, *review, false);
    answer.evaluation_error = describe_errors(decision.errors);
    const auto erroring_forbids = forbid_errors(decision);
    if (!decision.forbids.empty()) {
      answer.outcome = "deny";
      answer.reason = "denied by Cedar policy " + describe_all(decision.forbids);
    } else if (!erroring_forbids.empty() && closed) {
      answer.outcome = "deny";
      answer.reason =
          "denied because a Cedar forbid policy failed to evaluate (fail mode "
          "closed): " +
          describe_errors(erroring_forbids);
    } else if (!decision.permits.empty()) {
      answer.outcome = "allow";
      answer.reason = "allowed by Cedar policy " + describe_all(decision.permits);
    } else if (config_.authorization_default == DefaultDecision::kDeny) {
      answer.outcome = "deny";
      answer.reason = "no Cedar policy permits this request (default deny)";
    } else {
      answer.outcome = "no-opinion";
      answer.reason = "no Cedar policy permits this request";
    }
  }
  if (answer.outcome == "allow") {
    counters_.authorize_allow.fetch_add(1, std::memory_order_relaxed);
  } else if (answer.outcome == "deny") {
    counters_.authorize_deny.fetch_add(1, std::memory_order_relaxed);
    log(LogLevel::kInfo,
        fmt::format("authorization denied: {}: {}", review->summary, answer.reason));
  } else {
    counters_.authorize_no_opinion.fetch_add(1, std::memory_order_relaxed);
  }
  return WebhookReply{200, encode_access(*review, answer), answer.outcome};
}

WebhookReply WebhookService::admit(std::string_view body) {
  auto review = decode_admission_review(body, *plan_, config_.limits);
  if (!review) {
    counters_.admit_error.fetch_add(1, std::memory_order_relaxed);
    log(LogLevel::kWarning, "bad AdmissionReview: " + review.error().message);
    return bad_request(review.error());
  }
  const bool closed = config_.admission_fail_mode == FailMode::kClosed;
  bool allowed = true;
  std::string message;
  std::vector<std::string> warnings;
  const std::shared_ptr<const PolicyStore> store = store_.load();
  if (is_break_glass(review->identity)) {
    counters_.break_glass.fetch_add(1, std::memory_order_relaxed);
  } else if (store == nullptr) {
    allowed = !closed;
    message =
        fmt::format("no Cedar policy set is loaded (fail mode {})", closed ? "closed" : "open");
  } else {
    const StoreDecision decision = store->decide(*review->request, review->entities);
    // Permits play no part in admission, so only the forbids' errors matter.
    count_errors(decision, *review, true);
    const auto erroring_forbids = forbid_errors(decision);
    if (!decision.forbids.empty()) {
      allowed = false;
      message = "denied by Cedar policy " + describe_all(decision.forbids);
    } else if (!erroring_forbids.empty()) {
      allowed = !closed;
      const std::string errors = describe_errors(erroring_forbids);
      if (closed) {
        message =
            "denied because a Cedar forbid policy failed to evaluate (fail mode closed): " + errors;
      } else {
        warnings.push_back("a Cedar forbid policy failed to evaluate: " + errors);
      }
    }
  }
  if (allowed) {
    counters_.admit_allow.fetch_add(1, std::memory_order_relaxed);
  } else {
    counters_.admit_deny.fetch_add(1, std::memory_order_relaxed);
    log(LogLevel::kInfo, fmt::format("admission denied: {}: {}", review->summary, message));
  }
  return WebhookReply{200, encode_admission(*review, allowed, message, warnings),
                      allowed ? "allow" : "deny"};
}

Counters WebhookService::counters() const {
  const auto get = [](const std::atomic<uint64_t>& counter) {
    return counter.load(std::memory_order_relaxed);
  };
  Counters out;
  out.authorize_allow = get(counters_.authorize_allow);
  out.authorize_deny = get(counters_.authorize_deny);
  out.authorize_no_opinion = get(counters_.authorize_no_opinion);
  out.authorize_error = get(counters_.authorize_error);
  out.admit_allow = get(counters_.admit_allow);
  out.admit_deny = get(counters_.admit_deny);
  out.admit_error = get(counters_.admit_error);
  out.evaluation_errors = get(counters_.evaluation_errors);
  out.break_glass = get(counters_.break_glass);
  out.reloads_ok = get(counters_.reloads_ok);
  out.reloads_failed = get(counters_.reloads_failed);
  out.last_reload_ok = counters_.last_reload_ok.load(std::memory_order_relaxed);
  if (const auto store = store_.load()) {
    out.policies = store->policy_count();
    out.policy_files = store->files().size();
    out.validation_errors = store->validation_issue_count(cedar::Severity::kError);
    out.validation_warnings = store->validation_issue_count(cedar::Severity::kWarning);
  }
  return out;
}

std::string WebhookService::metrics_text() const {
  const Counters c = counters();
  std::string out;
  const auto family = [&out](std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  family("eksguard_webhook_decisions_total", "counter", "Webhook answers by review and outcome.");
  for (const auto& [review, outcome, value] :
       {std::tuple{"authorization", "allow", c.authorize_allow},
        {"authorization", "deny", c.authorize_deny},
        {"authorization", "no-opinion", c.authorize_no_opinion},
        {"authorization", "error", c.authorize_error},
        {"admission", "allow", c.admit_allow},
        {"admission", "deny", c.admit_deny},
        {"admission", "error", c.admit_error}}) {
    fmt::format_to(std::back_inserter(out),
                   "eksguard_webhook_decisions_total{{review=\"{}\",outcome=\"{}\"}} {}\n", review,
                   outcome, value);
  }
  family("eksguard_policy_evaluation_errors_total", "counter",
         "Cedar policies that failed to evaluate.");
  fmt::format_to(std::back_inserter(out), "eksguard_policy_evaluation_errors_total {}\n",
                 c.evaluation_errors);
  family("eksguard_break_glass_total", "counter",
         "Requests of break-glass identities, let through without policies.");
  fmt::format_to(std::back_inserter(out), "eksguard_break_glass_total {}\n", c.break_glass);
  family("eksguard_policy_reloads_total", "counter", "Policy directory loads by result.");
  fmt::format_to(std::back_inserter(out),
                 "eksguard_policy_reloads_total{{result=\"success\"}} {}\n"
                 "eksguard_policy_reloads_total{{result=\"failure\"}} {}\n",
                 c.reloads_ok, c.reloads_failed);
  family("eksguard_policy_last_reload_success", "gauge",
         "1 when the last load of the policy directory succeeded.");
  fmt::format_to(std::back_inserter(out), "eksguard_policy_last_reload_success {}\n",
                 c.last_reload_ok ? 1 : 0);
  family("eksguard_policies", "gauge", "Cedar policies in force.");
  fmt::format_to(std::back_inserter(out), "eksguard_policies {}\n", c.policies);
  family("eksguard_policy_files", "gauge", "Policy files in force.");
  fmt::format_to(std::back_inserter(out), "eksguard_policy_files {}\n", c.policy_files);
  family("eksguard_policy_validation_issues", "gauge",
         "Schema validation errors and warnings of the policy set in force (errors only "
         "in warn mode: strict refuses them).");
  fmt::format_to(std::back_inserter(out),
                 "eksguard_policy_validation_issues{{severity=\"error\"}} {}\n"
                 "eksguard_policy_validation_issues{{severity=\"warning\"}} {}\n",
                 c.validation_errors, c.validation_warnings);
  family("eksguard_policy_validation_mode", "gauge",
         "The policy validation mode (1 for the one in use).");
  for (const ValidationMode mode :
       {ValidationMode::kStrict, ValidationMode::kWarn, ValidationMode::kOff}) {
    fmt::format_to(std::back_inserter(out), "eksguard_policy_validation_mode{{mode=\"{}\"}} {}\n",
                   validation_mode_name(mode), mode == config_.policy_validation ? 1 : 0);
  }
  return out;
}

}  // namespace eksguard::k8s_authz
