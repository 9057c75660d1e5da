// The HTTPS server behind http_server.h: Boost.Asio event loops, Boost.Beast HTTP/1.1 parsing
// and serialisation, OpenSSL through asio::ssl.
//
// Per connection (a Session, owned by the handlers pending on it, living on one worker):
//   handshake → [wait for the first byte: idle deadline] → header (header deadline) →
//   [100 Continue] → body (body deadline) → handler → response (write deadline) → repeat,
// or a TLS close after an error, a Connection: close, or when the server stops.
#include "server/http_server.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <exception>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "common/strings.h"
#include "report/json_writer.h"

namespace eksguard::server {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

// A logfmt value: bare when it is a plain word, else quoted with \ and " escaped.
std::string logfmt_value(std::string_view text) {
  const bool plain = !text.empty() && text.find_first_of(" =\"\\\t\r\n") == std::string_view::npos;
  if (plain) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out + "\"";
}

// The body of every error the server answers itself: a Kubernetes metav1.Status, which the
// API server and kubectl know how to show.
std::string status_body(int code, std::string_view reason, std::string_view message) {
  std::string body;
  report::JsonWriter json(body);
  json.begin_object()
      .member("kind", "Status")
      .member("apiVersion", "v1")
      .member("status", "Failure")
      .member("message", message)
      .member("reason", reason)
      .member("code", code)
      .end_object();
  return body;
}

// The media type of a Content-Type value, without parameters ("application/json; charset=…").
bool is_json_media_type(std::string_view content_type) {
  const size_t semicolon = content_type.find(';');
  return iequals(trim(content_type.substr(0, semicolon)), "application/json");
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

// Modification time and size of a file, to notice a rotated certificate.
struct FileStamp {
  int64_t mtime_ns = -1;
  int64_t size = -1;
  bool operator==(const FileStamp&) const = default;
};

FileStamp stamp_of(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};
  return {static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
          static_cast<int64_t>(info.st_size)};
}

// The last OpenSSL error as text, or `fallback`.
std::string openssl_error(const error_code& ec) {
  std::string text = ec.message();
  return text.empty() ? "unknown TLS error" : text;
}

// Chooses http/1.1 when the client offers it through ALPN; anything else (h2 only) gets no
// ALPN answer, and such a client falls back or fails on its side.
int select_alpn(SSL* /*ssl*/, const unsigned char** out, unsigned char* out_length,
                const unsigned char* in, unsigned int in_length, void* /*arg*/) {
  static constexpr unsigned char kHttp11[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};
  for (unsigned int i = 0; i < in_length;) {
    const unsigned int length = in[i];
    if (i + 1 + length > in_length) break;
    if (length == sizeof(kHttp11) && std::memcmp(in + i + 1, kHttp11, length) == 0) {
      *out = in + i + 1;
      *out_length = static_cast<unsigned char>(length);
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + length;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

// A TLS 1.2+ server context with the certificate chain and key from PEM files.
Result<std::shared_ptr<ssl::context>> load_tls(const std::string& cert_file,
                                               const std::string& key_file) {
  auto tls = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = tls->native_handle();
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use | ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  // TLS 1.2: forward-secret AEAD suites only (TLS 1.3 suites are OpenSSL's defaults).
  SSL_CTX_set_cipher_list(native,
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);
  // An encrypted key must fail to load, not prompt on the terminal.
  tls->set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); });
  error_code ec;
  tls->use_certificate_chain_file(cert_file, ec);
  if (ec)
    return fail(
        fmt::format("{}: cannot load the TLS certificate chain: {}", cert_file, openssl_error(ec)));
  tls->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec && ec.category() == net::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH)
    return fail(fmt::format("{}: the private key does not match the certificate in {}", key_file,
                            cert_file));
  if (ec)
    return fail(
        fmt::format("{}: cannot load the TLS private key: {}", key_file, openssl_error(ec)));
  if (SSL_CTX_check_private_key(native) != 1)
    return fail(fmt::format("{}: the private key does not match the certificate in {}", key_file,
                            cert_file));
  return tls;
}

class Session;

// One event loop with its thread and the sessions on it (touched only by that thread).
struct Worker {
  std::unordered_set<Session*> sessions;  // declared first: outlives the handlers in `context`
  net::io_context context{1};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;
  std::thread thread;
};

}  // namespace

struct HttpServer::Impl {
  ServerOptions options;
  std::vector<Route> routes;
  ServerHooks hooks;
  std::unique_ptr<Metrics> metrics;
  uint16_t port = 0;

  std::mutex tls_mutex;
  std::shared_ptr<ssl::context> tls;  // the current context; sessions keep theirs alive
  FileStamp cert_stamp, key_stamp;    // of the files loaded, or of the last failed attempt

  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> stopped_logged{false};
  std::atomic<Clock::rep> stop_requested{0};  // steady-clock ticks of the first stop()
  std::atomic<size_t> open_connections{0};
  std::mutex done_mutex;
  std::condition_variable done;
  size_t running_workers = 0;

  // Declared after everything a session touches, so pending sessions destroyed with the event
  // loops still find it.
  std::vector<std::unique_ptr<Worker>> workers;
  // On workers[0]; declared after `workers` so they are destroyed before its event loop.
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;
  std::optional<net::signal_set> signals;
  std::optional<net::steady_timer> reload_timer;
  size_t next_worker = 0;

  void log(LogLevel level, std::string_view event, std::string_view fields = {}) const;
  std::shared_ptr<ssl::context> current_tls() {
    std::lock_guard lock(tls_mutex);
    return tls;
  }
  const Route* find_route(std::string_view method, std::string_view path, bool& path_known) const;
  std::string allowed_methods(std::string_view path) const;
  void add_builtin_routes();
  Status listen();
  void accept_next();
  void on_accept(const error_code& ec, tcp::socket socket, size_t worker);
  void schedule_tls_check();
  void check_tls_files();
  void wait_for_signals();
  void request_stop();
  void shut_down_sessions(Worker& worker);
  void run_worker(Worker& worker);
};

namespace {

enum class State : uint8_t { kHandshake, kIdle, kReading, kHandling, kWriting, kClosing };

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer::Impl& server, Worker& worker, tcp::socket socket,
          std::shared_ptr<ssl::context> tls)
      : server_(server), worker_(worker), tls_(std::move(tls)), stream_(std::move(socket), *tls_) {}

  ~Session() {
    worker_.sessions.erase(this);
    server_.metrics->connection_closed();
    server_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  }

  // On the worker's thread.
  void start() {
    worker_.sessions.insert(this);
    if (server_.stopping.load()) closing_ = true;
    if (closing_) return abort();
    state_ = State::kHandshake;
    beast::get_lowest_layer(stream_).expires_after(server_.options.handshake_timeout);
    stream_.async_handshake(
        ssl::stream_base::server,
        [self = shared_from_this()](const error_code& ec) { self->on_handshake(ec); });
  }

  // The server is stopping: close now when no request is under way, else after its response.
  void begin_shutdown() {
    closing_ = true;
    if (state_ == State::kHandshake || (state_ == State::kIdle && buffer_.size() == 0)) abort();
  }

 private:
  const ServerOptions& options() const { return server_.options; }
  Metrics& metrics() { return *server_.metrics; }

  void abort() {
    state_ = State::kClosing;
    beast::get_lowest_layer(stream_).close();
  }

  void on_handshake(const error_code& ec) {
    if (ec) {
      metrics().record_error(ec == beast::error::timeout ? ErrorKind::kTimeout
                                                         : ErrorKind::kTlsHandshake);
      return abort();
    }
    wait_for_request();
  }

  // Keep-alive: wait up to the idle deadline for the first byte of the next request, so that
  // the (shorter) header deadline starts only when the client begins to send.
  void wait_for_request() {
    if (closing_) return close_tls();
    state_ = State::kIdle;
    endpoint_ = metrics().endpoint_index({});
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options().max_header_bytes));
    parser_->body_limit(static_cast<std::uint64_t>(options().max_body_bytes));
    if (buffer_.size() > 0) return read_header();  // pipelined: the next request is here
    beast::get_lowest_layer(stream_).expires_after(options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = shared_from_this()](const error_code& ec, std::size_t bytes) {
                              self->buffer_.commit(bytes);
                              if (ec) return self->on_read_error(ec, false);
                              self->read_header();
                            });
  }

  void read_header() {
    state_ = State::kReading;
    beast::get_lowest_layer(stream_).expires_after(options().header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](const error_code& ec, std::size_t) {
                              if (ec) return self->on_read_error(ec, true);
                              self->on_header();
                            });
  }

  void on_header() {
    const auto& request = parser_->get();
    endpoint_ = metrics().endpoint_index(path_of(request.target()));
    if (parser_->is_done()) return handle_request();
    if (iequals(request[http::field::expect], "100-continue")) {
      // curl and some clients wait for this before sending a body.
      continue_.emplace(http::status::continue_, request.version());
      beast::get_lowest_layer(stream_).expires_after(options().write_timeout);
      http::async_write(stream_, *continue_,
                        [self = shared_from_this()](const error_code& ec, std::size_t) {
                          if (ec) return self->on_write_error(ec);
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    beast::get_lowest_layer(stream_).expires_after(options().body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const error_code& ec, std::size_t) {
                       if (ec) return self->on_read_error(ec, true);
                       self->handle_request();
                     });
  }

  // A read failed; `started` when bytes of a request had arrived.
  void on_read_error(const error_code& ec, bool started) {
    if (ec == http::error::body_limit) {
      metrics().record_error(ErrorKind::kBodyTooLarge);
      return send_error(
          413, "RequestEntityTooLarge",
          fmt::format("the request body exceeds the limit of {} bytes", options().max_body_bytes));
    }
    if (ec == http::error::header_limit) {
      metrics().record_error(ErrorKind::kHeaderTooLarge);
      return send_error(431, "RequestHeaderFieldsTooLarge",
                        fmt::format("the request header exceeds the limit of {} bytes",
                                    options().max_header_bytes));
    }
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      metrics().record_error(ErrorKind::kMalformedRequest);
      return send_error(400, "BadRequest", fmt::format("malformed HTTP request: {}", ec.message()));
    }
    if (ec == beast::error::timeout) {
      // An idle keep-alive connection timing out is normal; a stalled request is not.
      if (started) metrics().record_error(ErrorKind::kTimeout);
    } else if (started ||
               (ec != http::error::end_of_stream && ec != net::error::eof &&
                ec != ssl::error::stream_truncated && ec != net::error::operation_aborted)) {
      metrics().record_error(ErrorKind::kIo);
    }
    abort();
  }

  void on_write_error(const error_code& ec) {
    metrics().record_error(ec == beast::error::timeout ? ErrorKind::kTimeout : ErrorKind::kIo);
    abort();
  }

  void handle_request() {
    state_ = State::kHandling;
    request_done_ = Clock::now();
    const auto& request = parser_->get();
    const std::string_view path = path_of(request.target());
    bool path_known = false;
    response_.clear();
    const Route* route = server_.find_route(request.method_string(), path, path_known);
    if (route == nullptr && path_known) {
      metrics().record_error(ErrorKind::kMethodNotAllowed);
      response_.set(http::field::allow, server_.allowed_methods(path));
      return send_status(405, "MethodNotAllowed",
                         fmt::format("{} is not allowed on {}", request.method_string(), path));
    }
    if (route == nullptr) {
      metrics().record_error(ErrorKind::kNotFound);
      return send_status(404, "NotFound", fmt::format("no endpoint at {}", path));
    }
    if (route->json_body && !is_json_media_type(request[http::field::content_type])) {
      metrics().record_error(ErrorKind::kUnsupportedMedia);
      return send_status(415, "UnsupportedMediaType",
                         fmt::format("{} takes Content-Type: application/json, not \"{}\"", path,
                                     request[http::field::content_type]));
    }
    send(call(*route, request.body()));
  }

  Reply call(const Route& route, std::string_view body) {
    try {
      return route.handler(body);
    } catch (const std::exception& error) {
      metrics().record_error(ErrorKind::kHandlerFailure);
      server_.log(
          LogLevel::kError, "handler_failed",
          fmt::format("path={} error={}", logfmt_value(route.path), logfmt_value(error.what())));
    } catch (...) {
      metrics().record_error(ErrorKind::kHandlerFailure);
      server_.log(LogLevel::kError, "handler_failed",
                  fmt::format("path={}", logfmt_value(route.path)));
    }
    return Reply{500, status_body(500, "InternalError", "the request could not be handled"),
                 "application/json", "error"};
  }

  // An error answered before the request was complete: the connection closes afterwards,
  // since the rest of the request cannot be skipped reliably.
  void send_error(int status, std::string_view reason, std::string_view message) {
    close_after_write_ = true;
    request_done_ = Clock::now();
    if (parser_->is_header_done())
      endpoint_ = metrics().endpoint_index(path_of(parser_->get().target()));
    response_.clear();
    send_status(status, reason, message);
  }

  void send_status(int status, std::string_view reason, std::string_view message) {
    send(Reply{status, status_body(status, reason, message), "application/json", {}});
  }

  void send(Reply reply) {
    state_ = State::kWriting;
    outcome_ = Metrics::outcome_index(reply.outcome, reply.status);
    status_ = reply.status;
    const bool keep_alive = !closing_ && !server_.stopping.load() && !close_after_write_ &&
                            parser_->is_done() && parser_->get().keep_alive();
    close_after_write_ = !keep_alive;
    response_.version(parser_->get().version() == 10 ? 10 : 11);
    response_.result(static_cast<unsigned>(reply.status));
    response_.set(http::field::content_type, reply.content_type);
    response_.body() = std::move(reply.body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(options().write_timeout);
    http::async_write(
        stream_, response_,
        [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(const error_code& ec) {
    metrics().record_request(endpoint_, status_, outcome_, Clock::now() - request_done_);
    if (ec) return on_write_error(ec);
    response_.body().clear();
    if (close_after_write_) return close_tls();
    wait_for_request();
  }

  // Sends close_notify and waits briefly for the client's, then closes the socket.
  void close_tls() {
    state_ = State::kClosing;
    beast::get_lowest_layer(stream_).expires_after(
        std::min<std::chrono::milliseconds>(options().write_timeout, kCloseTimeout));
    stream_.async_shutdown([self = shared_from_this()](const error_code&) { self->abort(); });
  }

  static constexpr std::size_t kFirstRead = 16 * 1024;
  static constexpr std::chrono::milliseconds kCloseTimeout{1000};

  HttpServer::Impl& server_;
  Worker& worker_;
  std::shared_ptr<ssl::context> tls_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> response_;
  Clock::time_point request_done_;
  State state_ = State::kHandshake;
  bool closing_ = false;            // the server is stopping
  bool close_after_write_ = false;  // this connection ends after the response
  int status_ = 0;
  size_t endpoint_ = 0;
  size_t outcome_ = 0;
};

}  // namespace

void HttpServer::Impl::log(LogLevel level, std::string_view event, std::string_view fields) const {
  constexpr std::array<std::string_view, 3> kLevelNames = {"info", "warn", "error"};
  const std::time_t now = std::time(nullptr);
  std::string line = fmt::format("ts={:%Y-%m-%dT%H:%M:%SZ} level={} component=server event={}",
                                 fmt::gmtime(now), kLevelNames[static_cast<size_t>(level)], event);
  if (!fields.empty()) {
    line += ' ';
    line += fields;
  }
  if (hooks.log) {
    hooks.log(level, line);
  } else {
    line += '\n';
    std::cerr << line << std::flush;
  }
}

const Route* HttpServer::Impl::find_route(std::string_view method, std::string_view path,
                                          bool& path_known) const {
  for (const Route& route : routes) {
    if (route.path != path) continue;
    path_known = true;
    if (route.method == method) return &route;
  }
  return nullptr;
}

std::string HttpServer::Impl::allowed_methods(std::string_view path) const {
  std::string methods;
  for (const Route& route : routes) {
    if (route.path != path) continue;
    if (!methods.empty()) methods += ", ";
    methods += route.method;
  }
  return methods;
}

void HttpServer::Impl::add_builtin_routes() {
  routes.push_back({"GET", "/healthz", [](std::string_view) {
                      return Reply{200, "ok\n", "text/plain", {}};
                    }});
  routes.push_back({"GET", "/readyz", [this](std::string_view) {
                      const bool ready = !stopping.load() && (!hooks.ready || hooks.ready());
                      return ready ? Reply{200, "ok\n", "text/plain", {}}
                                   : Reply{503, "not ready\n", "text/plain", {}};
                    }});
  routes.push_back({"GET", "/metrics", [this](std::string_view) {
                      std::string text = metrics->render();
                      if (hooks.metrics) text += hooks.metrics();
                      return Reply{200, std::move(text), "text/plain; version=0.0.4", {}};
                    }});
}

Status HttpServer::Impl::listen() {
  error_code ec;
  const net::ip::address address = net::ip::make_address(options.host, ec);
  if (ec) return fail(fmt::format("invalid listen address \"{}\": {}", options.host, ec.message()));
  const tcp::endpoint endpoint(address, options.port);
  const std::string where = fmt::format("{}:{}", options.host, options.port);
  acceptor.emplace(workers.front()->context);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail(fmt::format("cannot listen on {}: {}", where, ec.message()));
  port = acceptor->local_endpoint(ec).port();
  return Ok{};
}

void HttpServer::Impl::accept_next() {
  const size_t worker = next_worker;
  next_worker = (next_worker + 1) % workers.size();
  acceptor->async_accept(workers[worker]->context,
                         [this, worker](const error_code& ec, tcp::socket socket) {
                           on_accept(ec, std::move(socket), worker);
                         });
}

void HttpServer::Impl::on_accept(const error_code& ec, tcp::socket socket, size_t worker) {
  if (stopping.load() || !acceptor->is_open()) return;
  if (ec) {
    // Out of descriptors and the like: count, note, and try again shortly (not in a tight loop).
    metrics->record_error(ErrorKind::kIo);
    log(LogLevel::kWarn, "accept_failed", fmt::format("error={}", logfmt_value(ec.message())));
    if (!accept_retry) accept_retry.emplace(workers.front()->context);
    accept_retry->expires_after(std::chrono::milliseconds(50));
    accept_retry->async_wait([this](const error_code& cancelled) {
      if (!cancelled && !stopping.load()) accept_next();
    });
    return;
  }
  error_code ignored;
  if (open_connections.load(std::memory_order_relaxed) >= options.max_connections) {
    metrics->record_error(ErrorKind::kConnectionLimit);
    socket.close(ignored);
    return accept_next();
  }
  socket.set_option(tcp::no_delay(true), ignored);  // small responses must not wait for ACKs
  open_connections.fetch_add(1, std::memory_order_relaxed);
  metrics->connection_opened();
  auto session =
      std::make_shared<Session>(*this, *workers[worker], std::move(socket), current_tls());
  // The handler holds the only reference, so the session ends on its own worker's thread.
  net::post(workers[worker]->context, [session = std::move(session)] { session->start(); });
  accept_next();
}

void HttpServer::Impl::schedule_tls_check() {
  if (options.tls_reload_interval.count() <= 0) return;
  if (!reload_timer) reload_timer.emplace(workers.front()->context);
  reload_timer->expires_after(options.tls_reload_interval);
  reload_timer->async_wait([this](const error_code& ec) {
    if (ec || stopping.load()) return;
    check_tls_files();
    schedule_tls_check();
  });
}

void HttpServer::Impl::check_tls_files() {
  const FileStamp cert = stamp_of(options.tls_cert_file);
  const FileStamp key = stamp_of(options.tls_key_file);
  if (cert == cert_stamp && key == key_stamp) return;
  // Remember the attempt either way: a broken rotation is reported once, not every interval.
  cert_stamp = cert;
  key_stamp = key;
  auto loaded = load_tls(options.tls_cert_file, options.tls_key_file);
  if (!loaded) {
    log(LogLevel::kError, "tls_reload_failed",
        fmt::format("error={} action=keeping_previous_certificate",
                    logfmt_value(loaded.error().message)));
    return;
  }
  {
    std::lock_guard lock(tls_mutex);
    tls = std::move(*loaded);
  }
  metrics->tls_reloaded();
  log(LogLevel::kInfo, "tls_reloaded", fmt::format("cert={}", logfmt_value(options.tls_cert_file)));
}

void HttpServer::Impl::wait_for_signals() {
  signals.emplace(workers.front()->context, SIGTERM, SIGINT);
  signals->async_wait([this](const error_code& ec, int signal) {
    if (ec) return;
    log(LogLevel::kInfo, "signal",
        fmt::format("signal={}", signal == SIGTERM ? "SIGTERM" : "SIGINT"));
    request_stop();
  });
}

void HttpServer::Impl::request_stop() {
  if (stopping.exchange(true)) return;
  stop_requested.store(Clock::now().time_since_epoch().count());
  log(LogLevel::kInfo, "stopping", fmt::format("open_connections={}", open_connections.load()));
  net::post(workers.front()->context, [this] {
    error_code ignored;
    if (acceptor) acceptor->close(ignored);
    if (accept_retry) accept_retry->cancel();
    if (reload_timer) reload_timer->cancel();
    // A second SIGTERM or SIGINT now has its default effect: it ends a slow shutdown at once.
    if (signals) signals->clear(ignored);
    if (signals) signals->cancel(ignored);
  });
  for (auto& worker : workers) {
    net::post(worker->context, [this, w = worker.get()] { shut_down_sessions(*w); });
  }
}

void HttpServer::Impl::shut_down_sessions(Worker& worker) {
  // begin_shutdown may destroy nothing synchronously (closing only cancels operations), but
  // copy the set anyway so erasure during iteration cannot happen.
  const std::vector<Session*> sessions(worker.sessions.begin(), worker.sessions.end());
  for (Session* session : sessions) session->begin_shutdown();
  worker.guard.reset();
}

void HttpServer::Impl::run_worker(Worker& worker) {
  for (;;) {
    try {
      worker.context.run();
      break;
    } catch (const std::exception& error) {
      // A handler threw past its session: log it and keep serving the other connections.
      log(LogLevel::kError, "worker_exception",
          fmt::format("error={}", logfmt_value(error.what())));
    }
  }
  std::lock_guard lock(done_mutex);
  --running_workers;
  done.notify_all();
}

Status parse_listen_address(std::string_view text, ServerOptions& options) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return fail(fmt::format("listen address \"{}\" must be ADDR:PORT", text));
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty())
    return fail(fmt::format("listen address \"{}\": the port must be a number 0-65535", text));
  error_code address_error;
  net::ip::make_address(std::string(host), address_error);
  if (address_error)
    return fail(fmt::format("listen address \"{}\": \"{}\" is not an IP address", text, host));
  options.host = std::string(host);
  options.port = static_cast<uint16_t>(port);
  return Ok{};
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_->started.load()) {
    stop();
    wait();
  }
}

Result<std::unique_ptr<HttpServer>> HttpServer::create(ServerOptions options,
                                                       std::vector<Route> routes,
                                                       ServerHooks hooks) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->routes = std::move(routes);
  impl->hooks = std::move(hooks);
  impl->add_builtin_routes();
  std::vector<std::string> endpoints;
  for (const Route& route : impl->routes) {
    if (std::find(endpoints.begin(), endpoints.end(), route.path) == endpoints.end())
      endpoints.push_back(route.path);
  }
  impl->metrics = std::make_unique<Metrics>(std::move(endpoints));

  auto tls = load_tls(impl->options.tls_cert_file, impl->options.tls_key_file);
  if (!tls) return Unexpected(tls.error());
  impl->tls = std::move(*tls);
  impl->cert_stamp = stamp_of(impl->options.tls_cert_file);
  impl->key_stamp = stamp_of(impl->options.tls_key_file);

  unsigned threads = impl->options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  impl->options.threads = threads;
  for (unsigned i = 0; i < threads; ++i) impl->workers.push_back(std::make_unique<Worker>());
  if (Status listening = impl->listen(); !listening) return Unexpected(listening.error());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const {
  return impl_->port;
}

const Metrics& HttpServer::metrics() const {
  return *impl_->metrics;
}

void HttpServer::start() {
  Impl& impl = *impl_;
  if (impl.started.exchange(true)) return;
  for (auto& worker : impl.workers) worker->guard.emplace(worker->context.get_executor());
  net::post(impl.workers.front()->context, [&impl] {
    if (impl.stopping.load()) return;
    impl.accept_next();
    impl.schedule_tls_check();
    if (impl.options.handle_signals) impl.wait_for_signals();
  });
  impl.running_workers = impl.workers.size();
  for (auto& worker : impl.workers) {
    worker->thread = std::thread([&impl, w = worker.get()] { impl.run_worker(*w); });
  }
  impl.log(LogLevel::kInfo, "listening",
           fmt::format("address={}:{} threads={} max_body_bytes={} max_connections={}",
                       impl.options.host, impl.port, impl.options.threads,
                       impl.options.max_body_bytes, impl.options.max_connections));
}

void HttpServer::stop() {
  impl_->request_stop();
}

void HttpServer::wait() {
  Impl& impl = *impl_;
  if (!impl.started.load()) return;
  {
    std::unique_lock lock(impl.done_mutex);
    // Until every worker is out of work, or the shutdown deadline has passed.
    while (impl.running_workers > 0) {
      const Clock::time_point deadline =
          Clock::time_point(Clock::duration(impl.stop_requested.load())) +
          impl.options.shutdown_timeout;
      if (impl.stopping.load() && Clock::now() > deadline) {
        impl.log(LogLevel::kWarn, "shutdown_timeout",
                 fmt::format("open_connections={}", impl.open_connections.load()));
        for (auto& worker : impl.workers) worker->context.stop();
        break;
      }
      impl.done.wait_for(lock, std::chrono::milliseconds(20));
    }
  }
  for (auto& worker : impl.workers) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  if (!impl.stopped_logged.exchange(true)) impl.log(LogLevel::kInfo, "stopped", {});
}

int HttpServer::run() {
  start();
  wait();
  return 0;
}

}  // namespace eksguard::server
