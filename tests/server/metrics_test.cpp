// Metrics: label sets, histogram buckets and the Prometheus text exposition format.
#include "server/metrics.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

namespace eksguard::server {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

TEST(Metrics, UnknownPathsShareTheOtherEndpoint) {
  Metrics metrics({"/v1/authorize", "/v1/admit"});
  EXPECT_EQ(metrics.endpoint_index("/v1/authorize"), 0u);
  EXPECT_EQ(metrics.endpoint_index("/v1/admit"), 1u);
  EXPECT_EQ(metrics.endpoint_index("/v1/admit/"), 2u);
  EXPECT_EQ(metrics.endpoint_index("/anything"), 2u);
}

TEST(Metrics, OutcomesComeFromTheHandlerOrTheStatus) {
  EXPECT_EQ(kOutcomes[Metrics::outcome_index("allow", 200)], "allow");
  EXPECT_EQ(kOutcomes[Metrics::outcome_index("no-opinion", 200)], "no-opinion");
  EXPECT_EQ(kOutcomes[Metrics::outcome_index("error", 400)], "error");
  EXPECT_EQ(kOutcomes[Metrics::outcome_index({}, 200)], "ok");
  EXPECT_EQ(kOutcomes[Metrics::outcome_index("bogus", 413)], "rejected");
  EXPECT_EQ(kOutcomes[Metrics::outcome_index({}, 503)], "error");
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  Metrics metrics({"/v1/authorize"});
  metrics.record_request(0, 200, 0, 40us);   // <= 50µs
  metrics.record_request(0, 200, 0, 300us);  // <= 500µs
  metrics.record_request(0, 200, 0, 3ms);    // <= 5ms
  metrics.record_request(0, 200, 0, 10s);    // +Inf only
  const std::string text = metrics.render();
  const auto buckets = lines_starting(
      text,
      "eksguard_request_duration_seconds_bucket{endpoint=\"/v1/authorize\",outcome=\"allow\"");
  ASSERT_EQ(buckets.size(), kLatencyBuckets.size() + 1);
  EXPECT_EQ(buckets.front(),
            "eksguard_request_duration_seconds_bucket{endpoint=\"/v1/authorize\",outcome=\"allow\","
            "le=\"5e-05\"} 1");
  EXPECT_NE(text.find("outcome=\"allow\",le=\"0.0005\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("outcome=\"allow\",le=\"0.005\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("outcome=\"allow\",le=\"2.5\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("outcome=\"allow\",le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("eksguard_request_duration_seconds_sum{endpoint=\"/v1/authorize\","
                      "outcome=\"allow\"} 10.00334\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("eksguard_request_duration_seconds_count{endpoint=\"/v1/authorize\","
                      "outcome=\"allow\"} 4\n"),
            std::string::npos);
  EXPECT_NE(
      text.find("eksguard_decisions_total{endpoint=\"/v1/authorize\",decision=\"allow\"} 4\n"),
      std::string::npos);
  // Series never observed are not rendered.
  EXPECT_EQ(text.find("outcome=\"deny\""), std::string::npos);
}

TEST(Metrics, EveryFamilyHasHelpAndTypeBeforeItsSamples) {
  Metrics metrics({"/v1/admit"});
  metrics.record_request(0, 200, 1, 1ms);
  metrics.record_request(0, 999, 5, 1ms);
  metrics.record_error(ErrorKind::kTlsHandshake);
  metrics.connection_opened();
  const std::string text = metrics.render();
  std::istringstream in(text);
  std::string family;  // the family whose TYPE line came last
  for (std::string line; std::getline(in, line);) {
    ASSERT_FALSE(line.empty());
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
      continue;
    }
    EXPECT_EQ(line.rfind(family, 0), 0u) << line << " outside its family " << family;
    const std::string value = line.substr(line.rfind(' ') + 1);
    EXPECT_NO_THROW((void)std::stod(value)) << line;
  }
  EXPECT_NE(text.find("eksguard_http_requests_total{endpoint=\"/v1/admit\",code=\"other\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("eksguard_http_errors_total{kind=\"tls_handshake\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("eksguard_http_errors_total{kind=\"io\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("eksguard_connections_open 1\n"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  Metrics metrics({"/a\"b\\c\nd"});
  metrics.record_request(0, 200, 5, 1ms);
  EXPECT_NE(metrics.render().find("endpoint=\"/a\\\"b\\\\c\\nd\""), std::string::npos);
}

TEST(Metrics, ConcurrentRecordingLosesNothing) {
  Metrics metrics({"/v1/authorize"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 10000; ++i) metrics.record_request(0, 200, 1, 100us);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_NE(metrics.render().find("decision=\"deny\"} 40000\n"), std::string::npos);
}

}  // namespace
}  // namespace eksguard::server
