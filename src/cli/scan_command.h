// `eksguard scan`: check Kubernetes manifests against the Pod Security Standards and EKS hardening.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace eksguard::cli {

class ScanCommand {
 public:
  explicit ScanCommand(CLI::App& app);
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  CLI::App* command_;
  std::vector<std::string> paths_;
  std::string format_ = "text";
  std::string fail_on_;
  std::string pss_level_;
  std::string pss_version_;
  std::string config_path_;
  std::string output_path_;
  std::vector<std::string> allowed_registries_;
  bool enforce_system_components_ = false;
  bool show_suppressed_ = false;
  std::string min_severity_ = "low";
  bool no_color_ = false;
  unsigned threads_ = 0;
  std::string cluster_creator_;
};

}  // namespace eksguard::cli
