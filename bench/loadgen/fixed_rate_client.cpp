// An open-loop HTTPS load generator for latency at a fixed request rate (the part of wrk2 that
// Debian's wrk lacks). Requests are scheduled at fixed times: request i of the whole run is due
// at start + i/rate and goes out on keep-alive TLS connection i mod C. Latency is measured from
// the time a request was DUE, not from when it was sent, so a stalled server or a busy
// connection shows up in the percentiles instead of silently lowering the rate ("coordinated
// omission"). Client-side scheduling delays count against the server too, so the figures are
// an upper bound.
//
//   eksguard_loadgen --port 10288 --path /v1/authorize --body sar.json --rate 5000
//                    --seconds 10 [--warmup 2] [--connections 16] [--host 127.0.0.1]
//
// Prints one JSON object: target and achieved rate, counts, latency percentiles in µs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 10288;
  std::string path = "/v1/authorize";
  std::string body;
  double rate = 1000;
  double seconds = 10;
  double warmup = 2;
  int connections = 16;
};

struct ConnectionResult {
  std::vector<int64_t> latencies_ns;  // after the warm-up
  uint64_t sent = 0;
  uint64_t ok = 0;
  uint64_t non_200 = 0;
  uint64_t failures = 0;  // connection or TLS errors
};

class Connection {
 public:
  Connection(const Options& options, SSL_CTX* context) : options_(options), context_(context) {}
  ~Connection() { close(); }

  // Sends the request and reads the response; returns the status, or 0 on failure.
  int exchange(const std::string& request) {
    if (ssl_ == nullptr && !open()) return 0;
    if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) <= 0) return fail();
    size_t header_end;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return fail();
    }
    const int status = std::atoi(pending_.c_str() + 9);
    size_t length = 0;
    const std::string head = pending_.substr(0, header_end);
    for (const char* name : {"Content-Length: ", "content-length: "}) {
      const size_t at = head.find(name);
      if (at != std::string::npos) length = std::strtoul(head.c_str() + at + 16, nullptr, 10);
    }
    while (pending_.size() < header_end + 4 + length) {
      if (!fill()) return fail();
    }
    pending_.erase(0, header_end + 4 + length);
    if (head.find("Connection: close") != std::string::npos) close();
    return status;
  }

 private:
  bool open() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(options_.port));
    inet_pton(AF_INET, options_.host.c_str(), &address.sin_addr);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      close();
      return false;
    }
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ssl_ = SSL_new(context_);
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) {
      close();
      return false;
    }
    return true;
  }

  bool fill() {
    char buffer[16384];
    const int got = SSL_read(ssl_, buffer, sizeof(buffer));
    if (got <= 0) return false;
    pending_.append(buffer, static_cast<size_t>(got));
    return true;
  }

  int fail() {
    close();
    return 0;
  }

  void close() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    ssl_ = nullptr;
    fd_ = -1;
    pending_.clear();
  }

  const Options& options_;
  SSL_CTX* context_;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string pending_;
};

void run_connection(const Options& options, SSL_CTX* context, int index, Clock::time_point start,
                    ConnectionResult& result) {
  const std::string request = "POST " + options.path + " HTTP/1.1\r\nHost: " + options.host +
                              "\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(options.body.size()) + "\r\n\r\n" + options.body;
  Connection connection(options, context);
  const auto total = static_cast<uint64_t>(options.rate * (options.warmup + options.seconds));
  const auto measured_from = start + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(options.warmup));
  for (uint64_t i = static_cast<uint64_t>(index); i < total;
       i += static_cast<uint64_t>(options.connections)) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(static_cast<double>(i) / options.rate));
    std::this_thread::sleep_until(due);
    const int status = connection.exchange(request);
    const auto latency = Clock::now() - due;
    ++result.sent;
    if (status == 0) {
      ++result.failures;
      continue;
    }
    status == 200 ? ++result.ok : ++result.non_200;
    if (due >= measured_from) {
      result.latencies_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count());
    }
  }
}

bool parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--host") options.host = value;
    else if (flag == "--port") options.port = std::stoi(value);
    else if (flag == "--path") options.path = value;
    else if (flag == "--rate") options.rate = std::stod(value);
    else if (flag == "--seconds") options.seconds = std::stod(value);
    else if (flag == "--warmup") options.warmup = std::stod(value);
    else if (flag == "--connections") options.connections = std::stoi(value);
    else if (flag == "--body") {
      std::ifstream in(value, std::ios::binary);
      if (!in) {
        std::cerr << "cannot read " << value << "\n";
        return false;
      }
      std::ostringstream text;
      text << in.rdbuf();
      options.body = text.str();
    } else {
      std::cerr << "unknown flag " << flag << "\n";
      return false;
    }
  }
  return options.rate > 0 && options.seconds > 0 && options.connections > 0;
}

double percentile_us(const std::vector<int64_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto at = static_cast<size_t>(fraction * static_cast<double>(sorted.size() - 1) + 0.5);
  return static_cast<double>(sorted[std::min(at, sorted.size() - 1)]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    std::cerr << "usage: eksguard_loadgen --port P --path /v1/authorize --body FILE --rate R "
                 "--seconds S [--warmup W] [--connections C] [--host 127.0.0.1]\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);  // wake up on time, not up to 50 µs late
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);

  std::vector<ConnectionResult> results(static_cast<size_t>(options.connections));
  std::vector<std::thread> threads;
  const auto start = Clock::now() + std::chrono::milliseconds(200);  // time to connect
  for (int i = 0; i < options.connections; ++i) {
    threads.emplace_back(run_connection, std::cref(options), context, i, start,
                         std::ref(results[static_cast<size_t>(i)]));
  }
  for (auto& thread : threads) thread.join();
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count() - options.warmup;

  ConnectionResult total;
  for (const ConnectionResult& result : results) {
    total.sent += result.sent;
    total.ok += result.ok;
    total.non_200 += result.non_200;
    total.failures += result.failures;
    total.latencies_ns.insert(total.latencies_ns.end(), result.latencies_ns.begin(),
                              result.latencies_ns.end());
  }
  std::sort(total.latencies_ns.begin(), total.latencies_ns.end());
  const std::vector<int64_t>& sorted = total.latencies_ns;
  std::printf(
      "{\"target_rate\": %.0f, \"achieved_rate\": %.0f, \"measured\": %zu, \"sent\": %llu, "
      "\"ok\": %llu, \"non_200\": %llu, \"failures\": %llu, \"p50_us\": %.1f, \"p90_us\": %.1f, "
      "\"p99_us\": %.1f, \"p999_us\": %.1f, \"max_us\": %.1f}\n",
      options.rate, static_cast<double>(sorted.size()) / elapsed, sorted.size(),
      static_cast<unsigned long long>(total.sent), static_cast<unsigned long long>(total.ok),
      static_cast<unsigned long long>(total.non_200),
      static_cast<unsigned long long>(total.failures), percentile_us(sorted, 0.50),
      percentile_us(sorted, 0.90), percentile_us(sorted, 0.99), percentile_us(sorted, 0.999),
      sorted.empty() ? 0.0 : static_cast<double>(sorted.back()) / 1000.0);
  SSL_CTX_free(context);
  return total.failures == 0 && total.non_200 == 0 ? 0 : 1;
}
