// Server metrics: lock-free counters and fixed-bucket latency histograms, rendered in the
// Prometheus text exposition format (version 0.0.4) with HELP and TYPE lines.
//
// Label values come from closed sets fixed at construction (the routed endpoints, the decision
// outcomes, the HTTP status codes the server sends), so recording a request is a handful of
// relaxed atomic increments into preallocated arrays and a scrape cannot grow memory however
// many distinct paths clients invent: unknown paths count as endpoint "other".
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace eksguard::server {

// Failures that end or reject a request or a connection before a handler answers it.
enum class ErrorKind : uint8_t {
  kTlsHandshake,      // not TLS, unsupported version, handshake timeout
  kTimeout,           // header, body or write deadline passed
  kMalformedRequest,  // the HTTP parser rejected the request (400)
  kHeaderTooLarge,    // 431
  kBodyTooLarge,      // 413
  kNotFound,          // 404
  kMethodNotAllowed,  // 405
  kUnsupportedMedia,  // 415
  kHandlerFailure,    // a handler threw (500)
  kConnectionLimit,   // accepted and closed at once: too many open connections
  kIo,                // the peer reset the connection, a write failed
  kCount
};

std::string_view error_kind_name(ErrorKind kind);

// Request outcomes. Handlers report allow/deny/no-opinion/error; requests a handler did not
// decide are "ok" (2xx/3xx), "rejected" (4xx) or "error" (5xx).
inline constexpr std::array<std::string_view, 6> kOutcomes = {"allow", "deny",     "no-opinion",
                                                              "error", "rejected", "ok"};
// Outcomes that are decisions of a webhook handler (counted in eksguard_decisions_total).
inline constexpr size_t kDecisionOutcomes = 4;

// Upper bounds of the latency buckets in seconds (+Inf is implicit): fine below 1 ms, where the
// webhook targets are, coarse up to the API server's webhook timeouts.
inline constexpr std::array<double, 16> kLatencyBuckets = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005,
    0.01,    0.025,  0.05,    0.1,    0.25,    0.5,   1.0,    2.5};

class Metrics {
 public:
  // `endpoints`: the routed paths; one more endpoint, "other", collects the rest.
  explicit Metrics(std::vector<std::string> endpoints);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Index of `path` among the endpoints, or of "other".
  size_t endpoint_index(std::string_view path) const;
  // Index of `outcome` in kOutcomes, or of the outcome the status implies when `outcome` is
  // empty or unknown.
  static size_t outcome_index(std::string_view outcome, int status);

  void record_request(size_t endpoint, int status, size_t outcome,
                      std::chrono::nanoseconds latency);
  void record_error(ErrorKind kind) { errors_[static_cast<size_t>(kind)].add(); }
  void connection_opened() {
    connections_accepted_.add();
    connections_open_.fetch_add(1, std::memory_order_relaxed);
  }
  void connection_closed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }
  int64_t open_connections() const { return connections_open_.load(std::memory_order_relaxed); }
  void tls_reloaded() { tls_reloads_.add(); }

  // The exposition text, e.g. for GET /metrics. Series never observed are left out, except
  // the unlabelled gauges and counters, which are always present.
  std::string render() const;

  // Status codes with their own series; any other code counts as "other".
  static constexpr std::array<int, 14> kStatusCodes = {200, 204, 400, 403, 404, 405, 408,
                                                       411, 413, 415, 431, 500, 501, 503};

 private:
  // A counter on its own cache line: the worker threads increment them concurrently.
  struct alignas(64) Counter {
    std::atomic<uint64_t> value{0};
    void add(uint64_t n = 1) { value.fetch_add(n, std::memory_order_relaxed); }
    uint64_t get() const { return value.load(std::memory_order_relaxed); }
  };
  struct Histogram {
    std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<uint64_t> sum_ns{0};
  };
  struct EndpointSeries {
    std::array<Counter, kStatusCodes.size() + 1> requests_by_status;  // last: other
    std::array<Histogram, kOutcomes.size()> latency;
  };

  static size_t status_index(int status);
  void render_requests(std::string& out) const;
  void render_decisions(std::string& out) const;
  void render_latency(std::string& out) const;
  void render_errors(std::string& out) const;

  std::vector<std::string> endpoints_;  // routed paths, then "other"
  std::unique_ptr<EndpointSeries[]> series_;
  std::array<Counter, static_cast<size_t>(ErrorKind::kCount)> errors_;
  Counter connections_accepted_;
  Counter tls_reloads_;
  std::atomic<int64_t> connections_open_{0};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace eksguard::server
