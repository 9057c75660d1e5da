// A small HTTPS server for webhooks: TLS 1.2+ (OpenSSL), HTTP/1.1 with keep-alive (Boost.Beast
// over Boost.Asio; neither appears in this header), a fixed routing table of synchronous
// handlers, and the operational endpoints every deployment needs:
//
//   GET /healthz   200 while the process serves
//   GET /readyz    200 when the readiness hook says so and no shutdown is under way, else 503
//   GET /metrics   Prometheus text (server/metrics.h) plus whatever the metrics hook appends
//
// Defences: a limit on header and body size (431/413), Content-Type checks (415), deadlines for
// the TLS handshake, the request header, the body and the response write, an idle deadline
// between keep-alive requests, and a cap on open connections. Every error is a 4xx with a JSON
// body or a closed connection; one client's failure never affects another.
//
// Threads: `threads` workers, each running its own event loop; the listener hands accepted
// connections to the loops in turn, and a connection stays on its loop, so handlers run on the
// worker threads concurrently (they must be thread-safe) and no connection state is shared.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/metrics.h"

namespace eksguard::server {

// A handler's answer. `outcome` (allow, deny, no-opinion, error, or empty) labels the metrics.
struct Reply {
  int status = 200;
  std::string body;
  std::string_view content_type = "application/json";
  std::string_view outcome;
};

using Handler = std::function<Reply(std::string_view body)>;

struct Route {
  std::string method;  // "GET", "POST", ...
  std::string path;    // exact path; the query string is ignored
  Handler handler;
  bool json_body = false;  // the request must be Content-Type: application/json (else 415)
};

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 address
  uint16_t port = 10288;           // 0: an ephemeral port (see HttpServer::port())
  std::string tls_cert_file;       // PEM certificate chain
  std::string tls_key_file;        // PEM private key
  unsigned threads = 0;            // 0: one per core
  size_t max_body_bytes = size_t{1} << 20;
  size_t max_header_bytes = size_t{16} << 10;
  size_t max_connections = 4096;
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds header_timeout{10'000};  // from the first byte of a request
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  // Keep-alive wait for the next request: longer than Go clients' 90 s idle timeout (the API
  // server's webhook client), so that they close first and never send on a closing connection.
  std::chrono::milliseconds idle_timeout{120'000};
  std::chrono::milliseconds shutdown_timeout{15'000};  // in-flight work after stop()
  // How often the certificate and key files are checked for changes (cert-manager rotates
  // them in place); 0 disables reloading.
  std::chrono::milliseconds tls_reload_interval{30'000};
  bool handle_signals = false;  // stop gracefully on SIGTERM and SIGINT (the CLI sets this)
};

enum class LogLevel : uint8_t { kInfo, kWarn, kError };

struct ServerHooks {
  std::function<bool()> ready;           // /readyz; absent = ready
  std::function<std::string()> metrics;  // appended to /metrics
  // One logfmt line per event (start, stop, signal, certificate reload, failures; never one per
  // request); absent = every line to stderr.
  std::function<void(LogLevel, std::string_view)> log;
};

// Builds a ServerOptions field from text such as "127.0.0.1:10288" or "[::1]:8443".
Status parse_listen_address(std::string_view text, ServerOptions& options);

class HttpServer {
 public:
  // Loads the TLS material, binds and listens; nothing runs until start() or run().
  static Result<std::unique_ptr<HttpServer>> create(ServerOptions options,
                                                    std::vector<Route> routes,
                                                    ServerHooks hooks = {});
  ~HttpServer();  // stops and joins the workers if they still run
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;  // the bound port (useful with port 0)

  // Starts the worker threads and returns.
  void start();
  // Graceful stop: no new connections, readiness turns false, idle keep-alive connections
  // close, requests in flight get their response (with Connection: close), then the workers
  // end; whatever is left after shutdown_timeout is cut off. Safe from any thread, including a
  // handler or a signal-handling thread; returns without waiting.
  void stop();
  // Blocks until the workers have ended.
  void wait();
  // start() + wait(); returns 0 after a clean stop.
  int run();

  const Metrics& metrics() const;

  struct Impl;  // defined in http_server.cpp, with the Boost types

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eksguard::server
