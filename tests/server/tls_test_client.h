// Test support for the HTTPS server: a self-signed certificate made with the OpenSSL API, and a
// small blocking TLS client (raw OpenSSL over a loopback socket, independent of the Boost.Beast
// code under test) that can send well-formed requests or arbitrary bytes. Every read has a
// timeout, so a misbehaving server fails a test instead of hanging it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct ssl_st;      // OpenSSL's SSL
struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace eksguard::testing {

struct TestCertificate {
  std::filesystem::path cert;
  std::filesystem::path key;
};

// Writes an EC P-256 key and a self-signed certificate for `common_name` (with
// subjectAltName IP:127.0.0.1 and DNS:localhost) as `<stem>.crt` and `<stem>.key` into `dir`.
TestCertificate write_self_signed_certificate(const std::filesystem::path& dir,
                                              const std::string& common_name = "localhost",
                                              const std::string& stem = "server");

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A plain TCP connection to 127.0.0.1:port, or -1.
int connect_loopback(uint16_t port);

class TlsClient {
 public:
  // Connects and completes the TLS handshake; nullptr on failure (reason in *error).
  static std::unique_ptr<TlsClient> connect(uint16_t port, std::string* error = nullptr,
                                            std::chrono::milliseconds timeout = kTimeout);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  bool send(std::string_view bytes);
  // The next response, or nullopt when the connection closed or the read timed out.
  std::optional<HttpResponse> read_response();
  // Sends one HTTP/1.1 request (Content-Length set when there is a body) and reads the answer.
  std::optional<HttpResponse> request(std::string_view method, std::string_view path,
                                      std::string_view body = {},
                                      std::string_view content_type = "application/json",
                                      std::string_view extra_headers = {});
  // True when the server closes the connection (orderly or not) within the read timeout
  // without sending anything more.
  bool closed_by_peer();
  // The common name of the server's certificate.
  std::string peer_common_name() const;

  static constexpr std::chrono::milliseconds kTimeout{3000};

 private:
  TlsClient() = default;
  // Reads more bytes into pending_; false on close, error or timeout.
  bool fill();

  int fd_ = -1;
  ssl_ctx_st* ssl_ctx_ = nullptr;
  ssl_st* ssl_ = nullptr;
  std::string pending_;
};

// Builds one request as bytes.
std::string http_request(std::string_view method, std::string_view path, std::string_view body,
                         std::string_view content_type = "application/json",
                         std::string_view extra_headers = {});

}  // namespace eksguard::testing
