// `eksguard serve` end to end: the binary on loopback over real TLS, replaying the demo of the
// seed talk (KUB315, the AWS prototype's label-enforcement-policy) step by step, then SIGTERM.
// Also the start-up errors that must exit 2 with a clear message.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "doc/loader.h"
#include "server/tls_test_client.h"
#include "support/test_support.h"

namespace eksguard::testing {
namespace {

using namespace std::chrono_literals;

// `eksguard serve ARGS` as a child process with its stderr captured.
class ServeProcess {
 public:
  explicit ServeProcess(const std::vector<std::string>& args) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(pipe_fds[1], STDERR_FILENO);
      ::close(pipe_fds[0]);
      ::close(pipe_fds[1]);
      std::vector<char*> argv;
      std::string binary = EKSGUARD_BINARY;
      argv.push_back(binary.data());
      std::vector<std::string> copies = args;
      for (std::string& arg : copies) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(pipe_fds[1]);
    stderr_ = pipe_fds[0];
  }

  ~ServeProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stderr_ >= 0) ::close(stderr_);
  }

  // Reads stderr until a line contains `needle` (returns that line) or the deadline passes.
  std::string wait_for_line(const std::string& needle, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      size_t end;
      while ((end = buffer_.find('\n')) != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        log_ += line + "\n";
        if (line.find(needle) != std::string::npos) return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      pollfd readable{stderr_, POLLIN, 0};
      if (::poll(&readable, 1, static_cast<int>(left.count())) <= 0) return {};
      char chunk[4096];
      const ssize_t got = ::read(stderr_, chunk, sizeof(chunk));
      if (got <= 0) return {};
      buffer_.append(chunk, static_cast<size_t>(got));
    }
  }

  // Sends `signal` and waits for the exit status (-1 when it did not exit in time).
  int stop(int signal = SIGTERM, std::chrono::milliseconds timeout = 10s) {
    ::kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

  const std::string& log() const { return log_; }

 private:
  pid_t pid_ = -1;
  int stderr_ = -1;
  bool exited_ = false;
  std::string buffer_;
  std::string log_;
};

// The policy text of the prototype's Policy resource `name` in a demo YAML file.
std::string demo_policy(const std::filesystem::path& file, std::string_view name) {
  std::ifstream in(file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto documents = doc::load_all(text, file.string());
  if (!documents) return {};
  for (const doc::Document& document : *documents) {
    const doc::Node* metadata = document.root()->get("metadata");
    const doc::Node* spec = document.root()->get("spec");
    if (metadata != nullptr && spec != nullptr && metadata->string_at("name") == name)
      return std::string(spec->string_at("content"));
  }
  return {};
}

// "file:line:1" of the `index`-th policy (0-based) of a file whose policies start at column 1.
std::string policy_position(const std::string& text, const std::string& file, int index) {
  int line = 1;
  int seen = 0;
  for (size_t at = 0; at < text.size(); at = text.find('\n', at) + 1) {
    if (text.compare(at, 7, "permit ") == 0 || text.compare(at, 7, "forbid ") == 0) {
      if (seen++ == index) return file + ":" + std::to_string(line) + ":1";
    }
    ++line;
    if (text.find('\n', at) == std::string::npos) break;
  }
  return "?";
}

std::string config_map_review(std::string_view operation, std::string_view name,
                              std::string_view labels, std::string_view old_labels) {
  const std::string object = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" +
                             std::string(name) + R"(","namespace":"default","labels":)" +
                             std::string(labels) + R"(},"data":{"stage":"test"}})";
  const std::string old_object =
      old_labels.empty()
          ? "null"
          : R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + std::string(name) +
                R"(","namespace":"default","labels":)" + std::string(old_labels) + "}}";
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{)"
         R"("uid":"uid-)" +
         std::string(operation) +
         R"(","kind":{"group":"","version":"v1","kind":"ConfigMap"},)"
         R"("resource":{"group":"","version":"v1","resource":"configmaps"},"name":")" +
         std::string(name) + R"(","namespace":"default","operation":")" + std::string(operation) +
         R"(","userInfo":{"username":"sample-user","groups":["sample-group","requires-labels",)"
         R"("system:authenticated"]},"object":)" +
         object + R"(,"oldObject":)" + old_object + R"(,"dryRun":false}})";
}

std::string access_review(std::string_view verb, std::string_view selector) {
  std::string attributes = R"("namespace":"default","verb":")" + std::string(verb) +
                           R"(","version":"v1","resource":"configmaps")";
  if (!selector.empty()) attributes += R"(,"labelSelector":)" + std::string(selector);
  return R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{)"
         R"("user":"sample-user","groups":["sample-group","requires-labels",)"
         R"("system:authenticated"],"resourceAttributes":{)" +
         attributes + "}}}";
}

TEST(ServeCommand, ReplaysTheSeedDemoOverTls) {
  std::filesystem::path demo;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/demo/admission-policy.yaml", demo);
  const std::string policy = demo_policy(demo, "label-enforcement-policy");
  ASSERT_FALSE(policy.empty());
  TempDir dir("eksguard-serve-demo");
  std::filesystem::create_directory(dir.path() / "policies");
  const std::string file = "label-enforcement-policy.cedar";
  std::ofstream(dir.path() / "policies" / file) << policy;
  const TestCertificate cert = write_self_signed_certificate(dir.path());

  ServeProcess serve({"serve", "--policies", (dir.path() / "policies").string(), "--tls-cert",
                      cert.cert.string(), "--tls-key", cert.key.string(), "--listen", "127.0.0.1:0",
                      "--threads", "2"});
  const std::string listening = serve.wait_for_line("event=listening");
  // The port the server chose: the digits after "address=127.0.0.1:".
  constexpr std::string_view kAddress = "address=127.0.0.1:";
  const size_t at = listening.find(kAddress);
  ASSERT_NE(at, std::string::npos) << serve.log();
  const int port = std::atoi(listening.c_str() + at + kAddress.size());
  ASSERT_GT(port, 0) << serve.log();
  std::string error;
  auto client = TlsClient::connect(static_cast<uint16_t>(port), &error);
  ASSERT_NE(client, nullptr) << error;
  ASSERT_EQ(client->request("GET", "/readyz", {}, {})->status, 200) << serve.log();

  // "kubectl get cm" as sample-user: forbidden, naming the policy (line 21, column 1).
  auto list = client->request("POST", "/v1/authorize", access_review("list", {}));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_NE(list->body.find(R"("allowed":false,"denied":true)"), std::string::npos) << list->body;
  EXPECT_NE(list->body.find("\\\"policy1\\\""), std::string::npos) << list->body;
  EXPECT_NE(list->body.find(policy_position(policy, file, 1)), std::string::npos) << list->body;

  // Labelling someone else's ConfigMap: an admission denial (not the owner, before or after).
  auto relabel = client->request(
      "POST", "/v1/admit",
      config_map_review("UPDATE", "other-config", R"({"owner":"some-user","stage":"test"})",
                        R"({"owner":"some-user"})"));
  ASSERT_TRUE(relabel);
  EXPECT_NE(relabel->body.find(R"("uid":"uid-UPDATE")"), std::string::npos) << relabel->body;
  EXPECT_NE(relabel->body.find(R"("allowed":false)"), std::string::npos) << relabel->body;
  EXPECT_NE(relabel->body.find(policy_position(policy, file, 3)), std::string::npos)
      << relabel->body;

  // Creating a ConfigMap without an owner label: denied by the admission policy.
  auto unlabelled =
      client->request("POST", "/v1/admit", config_map_review("CREATE", "mine", "{}", {}));
  ASSERT_TRUE(unlabelled);
  EXPECT_NE(unlabelled->body.find(R"("allowed":false)"), std::string::npos) << unlabelled->body;
  EXPECT_NE(unlabelled->body.find(policy_position(policy, file, 2)), std::string::npos)
      << unlabelled->body;

  // sample-config with owner=sample-user: authorized and admitted.
  auto create = client->request("POST", "/v1/authorize", access_review("create", {}));
  ASSERT_TRUE(create);
  EXPECT_NE(create->body.find(R"("allowed":true)"), std::string::npos) << create->body;
  auto owned = client->request(
      "POST", "/v1/admit",
      config_map_review("CREATE", "sample-config", R"({"owner":"sample-user"})", {}));
  ASSERT_TRUE(owned);
  EXPECT_NE(owned->body.find(R"("allowed":true)"), std::string::npos) << owned->body;

  // "kubectl get cm -l owner=sample-user": allowed.
  auto selected = client->request(
      "POST", "/v1/authorize",
      access_review(
          "list",
          R"({"requirements":[{"key":"owner","operator":"In","values":["sample-user"]}]})"));
  ASSERT_TRUE(selected);
  EXPECT_NE(selected->body.find(R"("allowed":true)"), std::string::npos) << selected->body;

  // Bad input is a 4xx and the connection goes on serving.
  auto garbage = client->request("POST", "/v1/authorize", "{not json");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  auto wrong_kind = client->request(
      "POST", "/v1/admit", R"({"apiVersion":"admission.k8s.io/v1","kind":"Pod","request":{}})");
  ASSERT_TRUE(wrong_kind);
  EXPECT_EQ(wrong_kind->status, 400);
  auto metrics = client->request("GET", "/metrics", {}, {});
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find(
                "eksguard_decisions_total{endpoint=\"/v1/authorize\",decision=\"deny\"} 1\n"),
            std::string::npos)
      << metrics->body;

  client.reset();
  EXPECT_EQ(serve.stop(SIGTERM), 0);
  EXPECT_FALSE(serve.wait_for_line("event=stopped", 2s).empty()) << serve.log();
}

TEST(ServeCommand, StartupErrorsExit2WithAClearMessage) {
  TempDir dir("eksguard-serve-errors");
  const TestCertificate cert = write_self_signed_certificate(dir.path());
  const std::string tls = " --tls-cert " + cert.cert.string() + " --tls-key " + cert.key.string();

  auto missing = run_eksguard("serve" + tls, true);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("--policies DIR is required"), std::string::npos) << missing.out;

  auto no_key = run_eksguard(
      "serve --policies " + dir.path().string() + " --tls-cert " + cert.cert.string(), true);
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.out.find("--tls-key FILE is required"), std::string::npos) << no_key.out;

  auto bad_listen =
      run_eksguard("serve --policies " + dir.path().string() + tls + " --listen nowhere", true);
  EXPECT_EQ(bad_listen.exit_code, 2);
  EXPECT_NE(bad_listen.out.find("must be ADDR:PORT"), std::string::npos) << bad_listen.out;

  auto bad_level =
      run_eksguard("serve --policies " + dir.path().string() + tls + " --log-level chatty", true);
  EXPECT_EQ(bad_level.exit_code, 2);
  EXPECT_NE(bad_level.out.find("--log-level must be info, warn or error"), std::string::npos);

  auto bad_cert = run_eksguard("serve --policies " + dir.path().string() + " --tls-cert " +
                                   (dir.path() / "nope.crt").string() + " --tls-key " +
                                   cert.key.string() + " --listen 127.0.0.1:0",
                               true);
  EXPECT_EQ(bad_cert.exit_code, 2);
  EXPECT_NE(bad_cert.out.find("nope.crt: cannot load the TLS certificate chain"), std::string::npos)
      << bad_cert.out;

  auto bad_mode = run_eksguard(
      "serve --policies " + dir.path().string() + tls + " --policy-validation lenient", true);
  EXPECT_EQ(bad_mode.exit_code, 2);
  EXPECT_NE(bad_mode.out.find("--policy-validation must be strict, warn or off"), std::string::npos)
      << bad_mode.out;

  // A schema fragment that does not merge with the built-in schema stops the start, naming
  // its file and line, whatever the validation mode; from the flag or the configuration file.
  const std::filesystem::path fragment = dir.path() / "crds.cedarschema";
  std::ofstream(fragment) << "// duplicate\nnamespace core::v1 { entity Pod; }\n";
  auto bad_fragment = run_eksguard("serve --policies " + dir.path().string() + tls +
                                       " --policy-validation off --schema " + fragment.string(),
                                   true);
  EXPECT_EQ(bad_fragment.exit_code, 2);
  EXPECT_NE(bad_fragment.out.find(fragment.string() + ":2:29: error: entity type `Pod` in "
                                                      "namespace `core::v1` is declared more "
                                                      "than once [schema.duplicate-declaration]"),
            std::string::npos)
      << bad_fragment.out;

  const std::filesystem::path config = dir.path() / "serve.yaml";
  std::ofstream(config) << "schemaFiles: [" << fragment.string() << "]\n";
  auto config_fragment = run_eksguard(
      "serve --policies " + dir.path().string() + tls + " --config " + config.string(), true);
  EXPECT_EQ(config_fragment.exit_code, 2);
  EXPECT_NE(config_fragment.out.find(fragment.string() + ":2:"), std::string::npos)
      << config_fragment.out;

  std::ofstream(config, std::ios::trunc) << "threads: 2\ntimeouts: {idle: forever}\n";
  auto bad_config = run_eksguard(
      "serve --policies " + dir.path().string() + tls + " --config " + config.string(), true);
  EXPECT_EQ(bad_config.exit_code, 2);
  EXPECT_NE(bad_config.out.find("serve.yaml:2:18: timeouts.idle must be a duration"),
            std::string::npos)
      << bad_config.out;
}

}  // namespace
}  // namespace eksguard::testing
