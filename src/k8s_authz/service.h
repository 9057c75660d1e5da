// The Kubernetes authorization and admission webhooks on Cedar, without the transport: the HTTPS
// server hands each POST body to authorize() (/v1/authorize) or admit() (/v1/admit) and writes
// back the reply. Free of Boost and of networking.
//
// Decisions
//   authorization  a satisfied forbid → denied; else a satisfied permit → allowed; else the
//                  configured default: no-opinion (the next authorizer, normally RBAC, decides)
//                  or deny.
//   admission      allowed unless a forbid is satisfied (permits play no part).
//   A deny names every deciding policy: id (`@id("…")` or `policyN`), file, line and column,
//   in SubjectAccessReview status.reason / AdmissionReview response.status.message.
//   Evaluation errors are counted and logged; a forbid that errors decides by the fail mode:
//   closed → the request is denied naming that policy, open → Cedar's answer stands (the forbid
//   is skipped). An authorization fail never allows: "open" means no opinion at most.
//   Before any policy set has loaded, every answer follows the fail mode the same way.
// Break-glass
//   Users and groups configured at start-up (default group system:masters, plus the server's
//   own identity) are never denied: authorization answers no-opinion, admission allows.
// Policies
//   A directory of `*.cedar` files, validated against the service's schema: the built-in
//   Kubernetes schema plus the configured fragments (k8s_schema.h), as the ValidationMode says.
//   reload() replaces the policy set atomically only when the whole directory parses (and, in
//   strict mode, validates); otherwise the last good set stays, the failure is logged and
//   counted. In warn mode validation errors do not refuse the set: each error and warning is
//   logged on one line and counted (eksguard_policy_validation_issues). poll() reloads when the
//   directory changed (ConfigMap symlink swaps included); the server calls it every few seconds.
// Bad input
//   A body that is not a well-formed review gets HTTP 400 (413 when too large) with a
//   Kubernetes Status object naming the problem; the outcome is "error".
//
// Thread-safe: any number of threads may call authorize()/admit() while one calls poll() or
// reload(); the policy set is an immutable std::shared_ptr swapped atomically.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/schema/schema.h"
#include "common/result.h"
#include "k8s_authz/policy_store.h"
#include "k8s_authz/review.h"

namespace eksguard::k8s_authz {

enum class DefaultDecision : uint8_t { kNoOpinion, kDeny };
enum class FailMode : uint8_t { kOpen, kClosed };
enum class LogLevel : uint8_t { kInfo, kWarning, kError };

using LogFunction = std::function<void(LogLevel, std::string_view)>;

struct ServiceConfig {
  std::filesystem::path policy_dir;
  // Against the built-in Kubernetes schema plus `schema_files`. Warn by default: the AWS
  // prototype's own demo policies do not all pass strict validation.
  ValidationMode policy_validation = ValidationMode::kWarn;
  std::vector<std::filesystem::path> schema_files;  // Cedar schema fragments (text or JSON)
  DefaultDecision authorization_default = DefaultDecision::kNoOpinion;
  FailMode authorization_fail_mode = FailMode::kClosed;
  FailMode admission_fail_mode = FailMode::kClosed;
  std::vector<std::string> break_glass_users;  // add the server's own identity here
  std::vector<std::string> break_glass_groups = {"system:masters"};
  DecodeLimits limits;
  StoreLimits store_limits;
  LogFunction log;  // may be empty
};

struct WebhookReply {
  int http_status = 200;
  std::string body;
  std::string_view outcome;  // "allow", "deny", "no-opinion" or "error", for metrics
};

struct ReloadResult {
  bool ok = false;
  std::string message;  // what was loaded, or every diagnostic of the rejected set
  size_t files = 0;
  size_t policies = 0;
};

struct Counters {
  uint64_t authorize_allow = 0, authorize_deny = 0, authorize_no_opinion = 0, authorize_error = 0;
  uint64_t admit_allow = 0, admit_deny = 0, admit_error = 0;
  uint64_t evaluation_errors = 0;  // policies that failed to evaluate
  uint64_t break_glass = 0;        // requests let through as break-glass identities
  uint64_t reloads_ok = 0, reloads_failed = 0;
  uint64_t policies = 0, policy_files = 0;                  // in the set in force
  uint64_t validation_errors = 0, validation_warnings = 0;  // of the set in force
  bool last_reload_ok = false;
};

class WebhookService {
 public:
  // Fails only on a configuration that cannot work; a policy directory that does not load yet
  // leaves the service not ready (see ready()).
  static Result<std::unique_ptr<WebhookService>> create(ServiceConfig config);

  WebhookReply authorize(std::string_view body);
  WebhookReply admit(std::string_view body);

  // Whether a policy set is in force.
  bool ready() const;
  ReloadResult reload();
  // Reloads when the directory changed since the last look; nullopt when it did not.
  std::optional<ReloadResult> poll();

  Counters counters() const;
  // The counters in the Prometheus text format (for /metrics).
  std::string metrics_text() const;
  std::shared_ptr<const PolicyStore> policies() const { return store_.load(); }
  const ServiceConfig& config() const { return config_; }
  const ConversionPlan& conversion_plan() const { return *plan_; }
  // The built-in schema plus the fragments: what policies are validated against and admission
  // objects converted by.
  const cedar::Schema& schema() const { return schema_; }

 private:
  explicit WebhookService(ServiceConfig config);
  void log(LogLevel level, std::string_view message) const;
  bool is_break_glass(const Identity& identity) const;
  void count_errors(const StoreDecision& decision, const Review& review, bool forbids_only);
  void log_validation_issues(const PolicyStore& store) const;

  ServiceConfig config_;
  cedar::Schema schema_;                        // built-in + fragments
  std::shared_ptr<const ConversionPlan> plan_;  // compiled from schema_; immutable
  std::atomic<std::shared_ptr<const PolicyStore>> store_;
  std::mutex reload_mutex_;
  std::optional<DirectorySnapshot> snapshot_;  // guarded by reload_mutex_

  struct AtomicCounters {
    std::atomic<uint64_t> authorize_allow{0}, authorize_deny{0}, authorize_no_opinion{0},
        authorize_error{0}, admit_allow{0}, admit_deny{0}, admit_error{0}, evaluation_errors{0},
        break_glass{0}, reloads_ok{0}, reloads_failed{0};
    std::atomic<bool> last_reload_ok{false};
  };
  AtomicCounters counters_;
};

}  // namespace eksguard::k8s_authz
