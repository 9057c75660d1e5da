#include "server/metrics.h"

#include <fmt/format.h>

#include <algorithm>

namespace eksguard::server {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(ErrorKind::kCount)> kErrorNames = {
    "tls_handshake",
    "timeout",
    "malformed_request",
    "header_too_large",
    "body_too_large",
    "not_found",
    "method_not_allowed",
    "unsupported_media_type",
    "handler_failure",
    "connection_limit",
    "io"};

// A label value in the exposition format: backslash, double quote and newline are escaped.
std::string label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// A bucket bound as Prometheus clients print it ("0.00005", "1", "2.5").
std::string bound_text(double bound) {
  return fmt::format("{}", bound);
}

}  // namespace

std::string_view error_kind_name(ErrorKind kind) {
  return kErrorNames[static_cast<size_t>(kind)];
}

Metrics::Metrics(std::vector<std::string> endpoints) : endpoints_(std::move(endpoints)) {
  endpoints_.emplace_back("other");
  series_ = std::make_unique<EndpointSeries[]>(endpoints_.size());
}

Metrics::~Metrics() = default;

size_t Metrics::endpoint_index(std::string_view path) const {
  const size_t routed = endpoints_.size() - 1;
  for (size_t i = 0; i < routed; ++i) {
    if (endpoints_[i] == path) return i;
  }
  return routed;
}

size_t Metrics::outcome_index(std::string_view outcome, int status) {
  if (!outcome.empty()) {
    for (size_t i = 0; i < kDecisionOutcomes; ++i) {
      if (kOutcomes[i] == outcome) return i;
    }
  }
  if (status >= 500) return 3;  // error
  if (status >= 400) return 4;  // rejected
  return 5;                     // ok
}

size_t Metrics::status_index(int status) {
  const auto* at = std::find(kStatusCodes.begin(), kStatusCodes.end(), status);
  return static_cast<size_t>(at - kStatusCodes.begin());  // kStatusCodes.size() = other
}

void Metrics::record_request(size_t endpoint, int status, size_t outcome,
                             std::chrono::nanoseconds latency) {
  EndpointSeries& series = series_[std::min(endpoint, endpoints_.size() - 1)];
  series.requests_by_status[status_index(status)].add();
  Histogram& histogram = series.latency[std::min(outcome, kOutcomes.size() - 1)];
  const double seconds = std::chrono::duration<double>(latency).count();
  const auto* bucket = std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds);
  histogram.buckets[static_cast<size_t>(bucket - kLatencyBuckets.begin())].fetch_add(
      1, std::memory_order_relaxed);
  histogram.sum_ns.fetch_add(static_cast<uint64_t>(std::max<int64_t>(0, latency.count())),
                             std::memory_order_relaxed);
}

void Metrics::render_requests(std::string& out) const {
  header(out, "eksguard_http_requests_total", "counter",
         "HTTP requests answered, by endpoint and status code.");
  for (size_t e = 0; e < endpoints_.size(); ++e) {
    const auto& counters = series_[e].requests_by_status;
    for (size_t s = 0; s < counters.size(); ++s) {
      const uint64_t count = counters[s].get();
      if (count == 0) continue;
      const std::string code = s < kStatusCodes.size() ? std::to_string(kStatusCodes[s]) : "other";
      fmt::format_to(std::back_inserter(out),
                     "eksguard_http_requests_total{{endpoint=\"{}\",code=\"{}\"}} {}\n",
                     label_value(endpoints_[e]), code, count);
    }
  }
}

void Metrics::render_decisions(std::string& out) const {
  header(out, "eksguard_decisions_total", "counter",
         "Webhook decisions, by endpoint and decision (allow, deny, no-opinion, error).");
  for (size_t e = 0; e < endpoints_.size(); ++e) {
    for (size_t o = 0; o < kDecisionOutcomes; ++o) {
      const Histogram& histogram = series_[e].latency[o];
      uint64_t count = 0;
      for (const auto& bucket : histogram.buckets) count += bucket.load(std::memory_order_relaxed);
      if (count == 0) continue;
      fmt::format_to(std::back_inserter(out),
                     "eksguard_decisions_total{{endpoint=\"{}\",decision=\"{}\"}} {}\n",
                     label_value(endpoints_[e]), kOutcomes[o], count);
    }
  }
}

void Metrics::render_latency(std::string& out) const {
  constexpr std::string_view kName = "eksguard_request_duration_seconds";
  header(out, kName, "histogram",
         "Time from a complete request to its response, by endpoint and outcome.");
  for (size_t e = 0; e < endpoints_.size(); ++e) {
    const std::string endpoint = label_value(endpoints_[e]);
    for (size_t o = 0; o < kOutcomes.size(); ++o) {
      const Histogram& histogram = series_[e].latency[o];
      // Read each bucket once, so the cumulative counts and _count agree within one scrape.
      std::array<uint64_t, kLatencyBuckets.size() + 1> counts{};
      uint64_t total = 0;
      for (size_t b = 0; b < counts.size(); ++b) {
        counts[b] = histogram.buckets[b].load(std::memory_order_relaxed);
        total += counts[b];
      }
      if (total == 0) continue;
      const std::string labels =
          fmt::format("endpoint=\"{}\",outcome=\"{}\"", endpoint, kOutcomes[o]);
      uint64_t cumulative = 0;
      for (size_t b = 0; b < kLatencyBuckets.size(); ++b) {
        cumulative += counts[b];
        fmt::format_to(std::back_inserter(out), "{}_bucket{{{},le=\"{}\"}} {}\n", kName, labels,
                       bound_text(kLatencyBuckets[b]), cumulative);
      }
      fmt::format_to(std::back_inserter(out), "{}_bucket{{{},le=\"+Inf\"}} {}\n", kName, labels,
                     total);
      const double sum =
          static_cast<double>(histogram.sum_ns.load(std::memory_order_relaxed)) / 1e9;
      fmt::format_to(std::back_inserter(out), "{}_sum{{{}}} {}\n{}_count{{{}}} {}\n", kName, labels,
                     sum, kName, labels, total);
    }
  }
}

void Metrics::render_errors(std::string& out) const {
  header(out, "eksguard_http_errors_total", "counter",
         "Requests and connections rejected or ended by the server, by kind.");
  for (size_t k = 0; k < errors_.size(); ++k) {
    fmt::format_to(std::back_inserter(out), "eksguard_http_errors_total{{kind=\"{}\"}} {}\n",
                   kErrorNames[k], errors_[k].get());
  }
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  render_requests(out);
  render_decisions(out);
  render_latency(out);
  render_errors(out);
  header(out, "eksguard_connections_open", "gauge", "TLS connections currently open.");
  fmt::format_to(std::back_inserter(out), "eksguard_connections_open {}\n", open_connections());
  header(out, "eksguard_connections_accepted_total", "counter", "TCP connections accepted.");
  fmt::format_to(std::back_inserter(out), "eksguard_connections_accepted_total {}\n",
                 connections_accepted_.get());
  header(out, "eksguard_tls_certificate_reloads_total", "counter",
         "Times the TLS certificate and key were reloaded after a change on disk.");
  fmt::format_to(std::back_inserter(out), "eksguard_tls_certificate_reloads_total {}\n",
                 tls_reloads_.get());
  header(out, "eksguard_uptime_seconds", "gauge", "Seconds since the server started.");
  fmt::format_to(
      std::back_inserter(out), "eksguard_uptime_seconds {:.3f}\n",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  return out;
}

}  // namespace eksguard::server
