#include "server/tls_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>

namespace eksguard::testing {
namespace {

bool write_pem(const std::filesystem::path& path, EVP_PKEY* key, X509* cert) {
  BIO* bio = BIO_new_file(path.c_str(), "w");
  if (bio == nullptr) return false;
  const int written =
      key != nullptr ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)
                     : PEM_write_bio_X509(bio, cert);
  BIO_free(bio);
  return written == 1;
}

void set_timeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

TestCertificate write_self_signed_certificate(const std::filesystem::path& dir,
                                              const std::string& common_name,
                                              const std::string& stem) {
  static std::atomic<long> serial{1};
  TestCertificate out{dir / (stem + ".crt"), dir / (stem + ".key")};
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial.fetch_add(1));
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  X509_add_ext(cert, san, -1);
  X509_EXTENSION_free(san);
  X509_sign(cert, key, EVP_sha256());
  const bool ok = write_pem(out.key, key, nullptr) && write_pem(out.cert, nullptr, cert);
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!ok) return {};
  return out;
}

int connect_loopback(uint16_t port) {
  // OpenSSL writes with write(2): a server closing first must fail the write, not kill the test.
  static const bool sigpipe_ignored = std::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
  (void)sigpipe_ignored;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  set_timeouts(fd, TlsClient::kTimeout);
  return fd;
}

std::unique_ptr<TlsClient> TlsClient::connect(uint16_t port, std::string* error,
                                              std::chrono::milliseconds timeout) {
  std::unique_ptr<TlsClient> client(new TlsClient());
  client->fd_ = connect_loopback(port);
  if (client->fd_ < 0) {
    if (error != nullptr) *error = "connect failed";
    return nullptr;
  }
  set_timeouts(client->fd_, timeout);
  client->ssl_ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(client->ssl_ctx_, SSL_VERIFY_NONE, nullptr);
  client->ssl_ = SSL_new(client->ssl_ctx_);
  SSL_set_fd(client->ssl_, client->fd_);
  ERR_clear_error();
  if (SSL_connect(client->ssl_) != 1) {
    if (error != nullptr) {
      std::array<char, 256> text{};
      ERR_error_string_n(ERR_get_error(), text.data(), text.size());
      *error = std::string("TLS handshake failed: ") + text.data();
    }
    return nullptr;
  }
  return client;
}

TlsClient::~TlsClient() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
  if (fd_ >= 0) ::close(fd_);
}

bool TlsClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const int written = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
    if (written <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

bool TlsClient::fill() {
  std::array<char, 16384> buffer{};
  ERR_clear_error();
  const int got = SSL_read(ssl_, buffer.data(), static_cast<int>(buffer.size()));
  if (got <= 0) return false;
  pending_.append(buffer.data(), static_cast<size_t>(got));
  return true;
}

std::optional<HttpResponse> TlsClient::read_response() {
  size_t header_end = 0;
  while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  HttpResponse response;
  const std::string head = pending_.substr(0, header_end);
  size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) return std::nullopt;
  response.status = std::stoi(status_line.substr(9, 3));
  while (line_end != std::string::npos) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line =
        head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    response.headers[lower(line.substr(0, colon))] = value;
  }
  pending_.erase(0, header_end + 4);
  // 1xx answers have no body; the server always sets Content-Length otherwise.
  const std::string length_text = response.header("content-length");
  const size_t length = response.status < 200 || length_text.empty() ? 0 : std::stoul(length_text);
  while (pending_.size() < length) {
    if (!fill()) return std::nullopt;
  }
  response.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return response;
}

std::string http_request(std::string_view method, std::string_view path, std::string_view body,
                         std::string_view content_type, std::string_view extra_headers) {
  std::string request =
      std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!content_type.empty()) request += "Content-Type: " + std::string(content_type) + "\r\n";
  if (!body.empty() || method == "POST")
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += extra_headers;
  request += "\r\n";
  request += body;
  return request;
}

std::optional<HttpResponse> TlsClient::request(std::string_view method, std::string_view path,
                                               std::string_view body, std::string_view content_type,
                                               std::string_view extra_headers) {
  if (!send(http_request(method, path, body, content_type, extra_headers))) return std::nullopt;
  return read_response();
}

bool TlsClient::closed_by_peer() {
  if (!pending_.empty()) return false;
  std::array<char, 4096> buffer{};
  ERR_clear_error();
  errno = 0;
  const int got = SSL_read(ssl_, buffer.data(), static_cast<int>(buffer.size()));
  if (got > 0) return false;
  const int reason = SSL_get_error(ssl_, got);
  if (reason == SSL_ERROR_ZERO_RETURN) return true;
  // A read timeout is EAGAIN; an orderly close without close_notify or a reset is not.
  return !(errno == EAGAIN || errno == EWOULDBLOCK);
}

std::string TlsClient::peer_common_name() const {
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (cert == nullptr) return {};
  std::array<char, 256> text{};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, text.data(),
                            static_cast<int>(text.size()));
  X509_free(cert);
  return text.data();
}

}  // namespace eksguard::testing
