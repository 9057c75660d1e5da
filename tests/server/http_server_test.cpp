// The HTTPS server end to end over real TLS on loopback: routing, keep-alive, limits, bad
// input (malformed HTTP, TLS garbage, slow clients), metrics, readiness, certificate reload
// and graceful shutdown. Each server listens on 127.0.0.1 on an ephemeral port.
#include "server/http_server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include "server/tls_test_client.h"
#include "support/test_support.h"

namespace eksguard::server {
namespace {

using eksguard::testing::connect_loopback;
using eksguard::testing::http_request;
using eksguard::testing::HttpResponse;
using eksguard::testing::TempDir;
using eksguard::testing::TestCertificate;
using eksguard::testing::TlsClient;
using namespace std::chrono_literals;

// Handlers of the test routes: the decision is whatever the body asks for.
Reply decide(std::string_view body) {
  if (body == "throw") throw std::runtime_error("handler exploded");
  const std::string_view outcome = body.find("deny") != std::string_view::npos ? "deny" : "allow";
  return Reply{200,
               "{\"decision\":\"" + std::string(outcome) +
                   "\",\"bytes\":" + std::to_string(body.size()) + "}",
               "application/json", outcome};
}

std::vector<Route> test_routes() {
  return {{"POST", "/v1/authorize", decide, true}, {"POST", "/v1/admit", decide, true}};
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = eksguard::testing::write_self_signed_certificate(dir_.path());
    ASSERT_FALSE(cert_.cert.empty());
  }

  ServerOptions options() const {
    ServerOptions options;
    options.port = 0;
    options.tls_cert_file = cert_.cert;
    options.tls_key_file = cert_.key;
    options.threads = 2;
    options.max_body_bytes = 4096;
    options.tls_reload_interval = 0ms;
    return options;
  }

  ServerHooks quiet_hooks(std::function<bool()> ready = {}) {
    ServerHooks hooks;
    hooks.ready = std::move(ready);
    hooks.log = [this](LogLevel, std::string_view line) {
      std::lock_guard lock(log_mutex_);
      logs_.emplace_back(line);
    };
    return hooks;
  }

  std::unique_ptr<HttpServer> start(const ServerOptions& options,
                                    std::vector<Route> routes = test_routes(),
                                    ServerHooks hooks = {}) {
    if (!hooks.log) hooks.log = quiet_hooks().log;
    auto server = HttpServer::create(options, std::move(routes), std::move(hooks));
    EXPECT_TRUE(server) << (server ? "" : server.error().message);
    if (!server) return nullptr;
    (*server)->start();
    return std::move(*server);
  }

  std::unique_ptr<TlsClient> connect(const HttpServer& server) {
    std::string error;
    auto client = TlsClient::connect(server.port(), &error);
    EXPECT_NE(client, nullptr) << error;
    return client;
  }

  std::string metrics_text(const HttpServer& server) {
    auto client = connect(server);
    auto response = client->request("GET", "/metrics", {}, {});
    return response ? response->body : std::string();
  }

  std::vector<std::string> logs() {
    std::lock_guard lock(log_mutex_);
    return logs_;
  }

  TempDir dir_{"eksguard-server-test"};
  TestCertificate cert_;
  std::mutex log_mutex_;
  std::vector<std::string> logs_;
};

TEST_F(HttpServerTest, RoutesRequestsToTheirHandlers) {
  auto server = start(options());
  ASSERT_NE(server, nullptr);
  ASSERT_NE(server->port(), 0);
  auto client = connect(*server);
  ASSERT_NE(client, nullptr);

  auto allow = client->request("POST", "/v1/authorize", R"({"spec":{}})");
  ASSERT_TRUE(allow);
  EXPECT_EQ(allow->status, 200);
  EXPECT_EQ(allow->header("content-type"), "application/json");
  EXPECT_EQ(allow->body, R"({"decision":"allow","bytes":11})");

  auto deny = client->request("POST", "/v1/admit?timeout=10s", "please deny");
  ASSERT_TRUE(deny);
  EXPECT_EQ(deny->body, R"({"decision":"deny","bytes":11})");

  auto health = client->request("GET", "/healthz", {}, {});
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
}

TEST_F(HttpServerTest, UnknownPathsAndMethodsGetJsonErrors) {
  auto server = start(options());
  auto client = connect(*server);

  auto missing = client->request("GET", "/v2/nothing", {}, {});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->header("content-type"), "application/json");
  EXPECT_NE(missing->body.find(R"("code":404)"), std::string::npos) << missing->body;
  EXPECT_NE(missing->body.find("no endpoint at /v2/nothing"), std::string::npos);

  auto wrong_method = client->request("GET", "/v1/authorize", {}, {});
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->header("allow"), "POST");
  EXPECT_NE(wrong_method->body.find("GET is not allowed on /v1/authorize"), std::string::npos);

  auto not_json = client->request("POST", "/v1/authorize", "a=b", "text/plain");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 415);
  EXPECT_NE(not_json->body.find("application/json"), std::string::npos);

  // Parameters after the media type are allowed; the connection survived every error above.
  auto with_charset =
      client->request("POST", "/v1/authorize", "{}", "Application/JSON; charset=utf-8");
  ASSERT_TRUE(with_charset);
  EXPECT_EQ(with_charset->status, 200);
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  auto server = start(options());
  auto client = connect(*server);
  for (int i = 0; i < 20; ++i) {
    auto response = client->request("POST", "/v1/authorize", "{}");
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_NE(response->header("connection"), "close");
  }
  // Two pipelined requests in one write get two answers in order.
  ASSERT_TRUE(client->send(http_request("POST", "/v1/authorize", "{}") +
                           http_request("POST", "/v1/admit", "\"deny\"")));
  auto first = client->read_response();
  auto second = client->read_response();
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->body.find("allow"), std::string::npos);
  EXPECT_NE(second->body.find("deny"), std::string::npos);
  EXPECT_EQ(server->metrics().open_connections(), 1);
  EXPECT_NE(metrics_text(*server).find("eksguard_connections_accepted_total 2\n"),
            std::string::npos);
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  auto server = start(options());
  auto client = connect(*server);
  auto response =
      client->request("POST", "/v1/authorize", "{}", "application/json", "Connection: close\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_TRUE(client->closed_by_peer());
}

TEST_F(HttpServerTest, OversizedBodiesGet413AndTheConnectionCloses) {
  auto server = start(options());
  {
    auto client = connect(*server);
    auto response = client->request("POST", "/v1/authorize", std::string(5000, 'x'));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
    EXPECT_NE(response->body.find("exceeds the limit of 4096 bytes"), std::string::npos);
    EXPECT_TRUE(client->closed_by_peer());
  }
  {
    // A Content-Length over the limit is refused before any body byte is sent.
    auto client = connect(*server);
    ASSERT_TRUE(
        client->send("POST /v1/admit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: 1000000000\r\n\r\n"));
    auto response = client->read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
  }
  {
    // Chunked bodies are counted as they arrive.
    auto client = connect(*server);
    const std::string chunk(3000, 'y');
    ASSERT_TRUE(
        client->send("POST /v1/admit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\nbb8\r\n" +
                     chunk + "\r\nbb8\r\n" + chunk + "\r\n0\r\n\r\n"));
    auto response = client->read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
  }
  // A body exactly at the limit is fine.
  auto client = connect(*server);
  auto response = client->request("POST", "/v1/authorize", std::string(4096, 'z'));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_NE(metrics_text(*server).find("eksguard_http_errors_total{kind=\"body_too_large\"} 3"),
            std::string::npos);
}

TEST_F(HttpServerTest, OversizedHeadersGet431) {
  ServerOptions opts = options();
  opts.max_header_bytes = 1024;
  auto server = start(opts);
  auto client = connect(*server);
  auto response =
      client->request("GET", "/healthz", {}, {}, "X-Padding: " + std::string(2000, 'p') + "\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_TRUE(client->closed_by_peer());
}

TEST_F(HttpServerTest, MalformedHttpGets400AndOtherClientsAreServed) {
  auto server = start(options());
  auto bystander = connect(*server);
  for (const char* bad : {"BLAH\r\n\r\n", "GET /healthz HTTP/9.9\r\n\r\n",
                          "POST /v1/admit HTTP/1.1\r\nContent-Length: -3\r\n\r\n",
                          "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"}) {
    auto client = connect(*server);
    ASSERT_TRUE(client->send(bad));
    auto response = client->read_response();
    ASSERT_TRUE(response) << bad;
    EXPECT_EQ(response->status, 400) << bad;
    EXPECT_NE(response->body.find("malformed HTTP request"), std::string::npos) << response->body;
    EXPECT_TRUE(client->closed_by_peer()) << bad;
  }
  auto response = bystander->request("POST", "/v1/authorize", "{}");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(HttpServerTest, TlsGarbageClosesThatConnectionOnly) {
  auto server = start(options());
  auto bystander = connect(*server);
  for (const std::string& garbage :
       {std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), std::string(300, '\x16'),
        std::string("\x16\x03\x01\x00\x05hello", 10)}) {
    const int fd = connect_loopback(server->port());
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, garbage.data(), garbage.size()), static_cast<ssize_t>(garbage.size()));
    // Whatever alert the server sends, the connection ends.
    std::array<char, 512> buffer{};
    ssize_t got = 0;
    while ((got = ::read(fd, buffer.data(), buffer.size())) > 0) {
    }
    EXPECT_TRUE(got == 0 || errno == ECONNRESET) << "errno " << errno;
    ::close(fd);
  }
  auto response = bystander->request("POST", "/v1/authorize", "{}");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  auto newcomer = connect(*server);
  ASSERT_NE(newcomer, nullptr);
  EXPECT_EQ(newcomer->request("GET", "/healthz", {}, {})->status, 200);
  EXPECT_NE(metrics_text(*server).find("eksguard_http_errors_total{kind=\"tls_handshake\"} 3"),
            std::string::npos);
}

TEST_F(HttpServerTest, SlowClientsAreTimedOut) {
  ServerOptions opts = options();
  opts.handshake_timeout = 200ms;
  opts.header_timeout = 200ms;
  opts.body_timeout = 200ms;
  opts.idle_timeout = 300ms;
  auto server = start(opts);

  // No TLS handshake at all.
  const int silent = connect_loopback(server->port());
  // A header that never ends (slowloris).
  auto slow_header = connect(*server);
  ASSERT_TRUE(slow_header->send("POST /v1/authorize HTTP/1.1\r\nHost: x\r\n"));
  // A body that never arrives.
  auto slow_body = connect(*server);
  ASSERT_TRUE(
      slow_body->send("POST /v1/authorize HTTP/1.1\r\nContent-Type: application/json\r\n"
                      "Content-Length: 100\r\n\r\n{"));
  // An idle keep-alive connection.
  auto idle = connect(*server);
  ASSERT_EQ(idle->request("GET", "/healthz", {}, {})->status, 200);

  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(slow_header->closed_by_peer());
  EXPECT_TRUE(slow_body->closed_by_peer());
  EXPECT_TRUE(idle->closed_by_peer());
  std::array<char, 64> buffer{};
  EXPECT_LE(::read(silent, buffer.data(), buffer.size()), 0);
  ::close(silent);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);

  // Meanwhile and afterwards, a prompt client is served.
  auto prompt = connect(*server);
  EXPECT_EQ(prompt->request("POST", "/v1/authorize", "{}")->status, 200);
  const std::string text = metrics_text(*server);
  // The two stalled requests and the silent handshake; the idle close is not an error.
  EXPECT_NE(text.find("eksguard_http_errors_total{kind=\"timeout\"} 3\n"), std::string::npos)
      << text;
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimResponse) {
  auto server = start(options());
  auto client = connect(*server);
  ASSERT_TRUE(
      client->send("POST /v1/authorize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client->read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client->send("{}"));
  auto response = client->read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(HttpServerTest, AThrowingHandlerGets500AndTheServerGoesOn) {
  auto server = start(options());
  auto client = connect(*server);
  auto failed = client->request("POST", "/v1/admit", "throw");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(failed->body.find("exploded"), std::string::npos) << "internal detail leaked";
  EXPECT_EQ(client->request("POST", "/v1/admit", "{}")->status, 200);
  bool logged = false;
  for (const std::string& line : logs())
    logged |= line.find("event=handler_failed") != std::string::npos &&
              line.find("error=\"handler exploded\"") != std::string::npos;
  EXPECT_TRUE(logged);
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreClosed) {
  ServerOptions opts = options();
  opts.max_connections = 2;
  auto server = start(opts);
  auto first = connect(*server);
  auto second = connect(*server);
  ASSERT_EQ(first->request("GET", "/healthz", {}, {})->status, 200);
  ASSERT_EQ(second->request("GET", "/healthz", {}, {})->status, 200);
  std::string error;
  EXPECT_EQ(TlsClient::connect(server->port(), &error), nullptr);
  first.reset();
  // The slot frees when the server notices the close.
  std::unique_ptr<TlsClient> third;
  for (int attempt = 0; attempt < 50 && third == nullptr; ++attempt) {
    third = TlsClient::connect(server->port(), &error);
    if (third == nullptr) std::this_thread::sleep_for(10ms);
  }
  ASSERT_NE(third, nullptr);
  EXPECT_EQ(third->request("GET", "/healthz", {}, {})->status, 200);
}

TEST_F(HttpServerTest, MetricsCountRequestsDecisionsAndLatency) {
  auto server = start(options());
  auto client = connect(*server);
  for (int i = 0; i < 3; ++i) client->request("POST", "/v1/authorize", "{}");
  client->request("POST", "/v1/authorize", "deny");
  client->request("GET", "/nowhere", {}, {});
  auto response = client->request("GET", "/metrics", {}, {});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->header("content-type"), "text/plain; version=0.0.4");
  const std::string& text = response->body;
  for (const char* expected : {
           "# TYPE eksguard_http_requests_total counter\n",
           "eksguard_http_requests_total{endpoint=\"/v1/authorize\",code=\"200\"} 4\n",
           "eksguard_http_requests_total{endpoint=\"other\",code=\"404\"} 1\n",
           "eksguard_decisions_total{endpoint=\"/v1/authorize\",decision=\"allow\"} 3\n",
           "eksguard_decisions_total{endpoint=\"/v1/authorize\",decision=\"deny\"} 1\n",
           "# TYPE eksguard_request_duration_seconds histogram\n",
           "eksguard_request_duration_seconds_bucket{endpoint=\"/v1/authorize\",outcome=\"allow\","
           "le=\"+Inf\"} 3\n",
           "eksguard_request_duration_seconds_count{endpoint=\"/v1/authorize\",outcome=\"allow\"} "
           "3\n",
           "eksguard_request_duration_seconds_count{endpoint=\"other\",outcome=\"rejected\"} 1\n",
           "eksguard_http_errors_total{kind=\"not_found\"} 1\n",
           "eksguard_connections_open 1\n",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
}

TEST_F(HttpServerTest, ReadinessFollowsTheHookAndTheMetricsHookAppends) {
  std::atomic<bool> ready{false};
  ServerHooks hooks = quiet_hooks([&ready] { return ready.load(); });
  hooks.metrics = [] {
    return std::string("# TYPE eksguard_policies gauge\neksguard_policies 7\n");
  };
  auto server = start(options(), test_routes(), std::move(hooks));
  auto client = connect(*server);
  auto not_ready = client->request("GET", "/readyz", {}, {});
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->status, 503);
  ready = true;
  EXPECT_EQ(client->request("GET", "/readyz", {}, {})->status, 200);
  EXPECT_NE(client->request("GET", "/metrics", {}, {})->body.find("eksguard_policies 7\n"),
            std::string::npos);
}

TEST_F(HttpServerTest, GracefulStopFinishesInFlightRequestsAndClosesIdleOnes) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::vector<Route> routes = test_routes();
  routes.push_back({"POST", "/slow",
                    [&entered, released](std::string_view) {
                      entered.set_value();
                      released.wait();
                      return Reply{200, "{}", "application/json", "allow"};
                    },
                    false});
  auto server = start(options(), std::move(routes));
  auto idle = connect(*server);
  ASSERT_EQ(idle->request("GET", "/healthz", {}, {})->status, 200);
  auto busy = connect(*server);
  ASSERT_TRUE(busy->send(http_request("POST", "/slow", "{}")));
  entered.get_future().wait();

  server->stop();
  EXPECT_TRUE(idle->closed_by_peer());  // idle keep-alive connections close at once
  release.set_value();
  auto response = busy->read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("connection"), "close");
  server->wait();
  EXPECT_LT(connect_loopback(server->port()), 0) << "still accepting after stop";
  bool stopped = false;
  for (const std::string& line : logs()) stopped |= line.find("event=stopped") != std::string::npos;
  EXPECT_TRUE(stopped);
}

TEST_F(HttpServerTest, ReloadsARotatedCertificate) {
  ServerOptions opts = options();
  opts.tls_reload_interval = 20ms;
  auto server = start(opts);
  EXPECT_EQ(connect(*server)->peer_common_name(), "localhost");
  // Rotate the files in place, as cert-manager does with a mounted secret.
  TempDir staging("eksguard-server-rotation");
  const TestCertificate rotated =
      eksguard::testing::write_self_signed_certificate(staging.path(), "rotated.example");
  std::filesystem::copy_file(rotated.key, cert_.key,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(rotated.cert, cert_.cert,
                             std::filesystem::copy_options::overwrite_existing);
  std::string name;
  for (int attempt = 0; attempt < 100 && name != "rotated.example"; ++attempt) {
    std::this_thread::sleep_for(20ms);
    name = connect(*server)->peer_common_name();
  }
  EXPECT_EQ(name, "rotated.example");
}

TEST_F(HttpServerTest, ABrokenRotationKeepsThePreviousCertificate) {
  ServerOptions opts = options();
  opts.tls_reload_interval = 20ms;
  auto server = start(opts);
  {
    std::ofstream broken(cert_.cert, std::ios::trunc);
    broken << "-----BEGIN CERTIFICATE-----\nnot base64\n";
  }
  bool logged = false;
  for (int attempt = 0; attempt < 100 && !logged; ++attempt) {
    std::this_thread::sleep_for(20ms);
    for (const std::string& line : logs())
      logged |= line.find("event=tls_reload_failed") != std::string::npos;
  }
  EXPECT_TRUE(logged);
  EXPECT_EQ(connect(*server)->peer_common_name(), "localhost");
}

TEST_F(HttpServerTest, CreateReportsUnusableTlsFilesAndAddresses) {
  ServerOptions opts = options();
  opts.tls_cert_file = (dir_.path() / "missing.crt").string();
  auto missing = HttpServer::create(opts, test_routes());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("missing.crt: cannot load the TLS certificate chain"),
            std::string::npos)
      << missing.error().message;

  const TestCertificate other =
      eksguard::testing::write_self_signed_certificate(dir_.path(), "other", "other");
  opts = options();
  opts.tls_key_file = other.key;
  auto mismatch = HttpServer::create(opts, test_routes());
  ASSERT_FALSE(mismatch);
  EXPECT_NE(mismatch.error().message.find("does not match the certificate"), std::string::npos)
      << mismatch.error().message;

  auto first = start(options());
  opts = options();
  opts.port = first->port();
  auto taken = HttpServer::create(opts, test_routes());
  ASSERT_FALSE(taken);
  EXPECT_NE(taken.error().message.find("cannot listen on 127.0.0.1:"), std::string::npos);
}

TEST(ListenAddress, ParsesHostAndPort) {
  ServerOptions options;
  ASSERT_TRUE(parse_listen_address("127.0.0.1:10288", options));
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(options.port, 10288);
  ASSERT_TRUE(parse_listen_address("[::1]:8443", options));
  EXPECT_EQ(options.host, "::1");
  EXPECT_EQ(options.port, 8443);
  ASSERT_TRUE(parse_listen_address(":9000", options));
  EXPECT_EQ(options.host, "0.0.0.0");
  for (const char* bad : {"localhost", "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:http",
                          "example.com:443", "1.2.3:80"}) {
    auto status = parse_listen_address(bad, options);
    EXPECT_FALSE(status) << bad;
  }
  EXPECT_NE(
      parse_listen_address("example.com:443", options).error().message.find("is not an IP address"),
      std::string::npos);
}

}  // namespace
}  // namespace eksguard::server
