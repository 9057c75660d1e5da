// `eksguard serve`: the Kubernetes authorization and admission webhooks over HTTPS.
//
//   eksguard serve --policies DIR --tls-cert FILE --tls-key FILE [--listen ADDR:PORT]
//                  [--config FILE] [--threads N] [--max-body-bytes N]
//                  [--policy-validation strict|warn|off] [--schema FRAGMENT]...
//
// POST /v1/authorize (SubjectAccessReview v1), POST /v1/admit (AdmissionReview v1), GET
// /healthz, /readyz, /metrics. Flags override the config file (server/serve_config.h). Runs
// until SIGTERM or SIGINT, then stops gracefully and exits 0; exit 2 when it cannot start.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace eksguard::cli {

class ServeCommand {
 public:
  explicit ServeCommand(CLI::App& app);
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  CLI::App* command_;
  std::string policies_;
  std::string tls_cert_;
  std::string tls_key_;
  std::string listen_;
  std::string config_;
  std::string log_level_;
  std::string policy_validation_;
  std::vector<std::string> schema_files_;
  unsigned threads_ = 0;
  size_t max_body_bytes_ = 0;
};

}  // namespace eksguard::cli
