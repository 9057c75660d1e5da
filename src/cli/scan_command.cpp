#include "cli/scan_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/app.h"
#include "identity/arn.h"
#include "k8s/image_ref.h"
#include "scan/config.h"
#include "scan/scanner.h"

namespace eksguard::cli {
namespace {

int usage_error(const std::string& message) {
  std::cerr << "eksguard scan: " << message << "\n";
  return kExitInput;
}

bool color_wanted(bool no_color, bool to_terminal) {
  if (no_color || !to_terminal) return false;
  const char* env = std::getenv("NO_COLOR");
  return env == nullptr || *env == '\0';
}

}  // namespace

ScanCommand::ScanCommand(CLI::App& app) {
  command_ =
      app.add_subcommand("scan", "Scan Kubernetes manifests (files, directories, - for stdin)");
  command_->add_option("paths", paths_, "Files, directories or - (stdin)")->required();
  command_->add_option("--format,-f", format_, "text|json|sarif|junit")->capture_default_str();
  command_->add_option("--fail-on", fail_on_,
                       "Exit 1 on findings at or above: critical|high|medium|low|info|none "
                       "(default high)");
  command_->add_option("--pss-level", pss_level_,
                       "Pod Security Standards level: baseline|restricted (default "
                       "restricted)");
  command_->add_option("--pss-version", pss_version_,
                       "Pod Security Standards version: v1.N|latest (default latest)");
  command_->add_option("--config,-c", config_path_,
                       "Config file (default: .eksguard.yaml when present)");
  command_->add_option("--allowed-registry", allowed_registries_,
                       "Registry prefix images may come from (repeatable); enables EKS-POD-012");
  command_->add_flag("--enforce-system-components", enforce_system_components_,
                     "Report known EKS system components at full severity");
  command_->add_flag("--show-suppressed", show_suppressed_,
                     "List suppressed findings in text output");
  command_
      ->add_option("--min-severity", min_severity_,
                   "Lowest severity listed in text output (info findings are still counted)")
      ->capture_default_str();
  command_->add_option("--output,-o", output_path_, "Write the report to a file instead of stdout");
  command_->add_flag("--no-color", no_color_, "Never colour text output");
  command_->add_option("--threads", threads_, "Worker threads (default: one per core)");
  command_->add_option("--cluster-creator", cluster_creator_,
                       "ARN of the IAM principal that created the cluster (EKS-AUTH-003 then "
                       "checks its access entry)");
}

int ScanCommand::execute() const {
  const auto format = report::parse_format(format_);
  if (!format)
    return usage_error(fmt::format("unknown format `{}` (text, json, sarif, junit)", format_));
  const auto min_severity = parse_severity(min_severity_);
  if (!min_severity) {
    return usage_error(fmt::format("--min-severity must be a severity, not `{}`", min_severity_));
  }

  scan::Config config;
  std::string config_path = config_path_;
  if (config_path.empty() && std::filesystem::exists(scan::kDefaultConfigFile)) {
    config_path = std::string(scan::kDefaultConfigFile);
  }
  if (!config_path.empty()) {
    auto loaded = scan::load_config(config_path);
    if (!loaded) return usage_error(loaded.error().message);
    config = std::move(*loaded);
  }

  scan::ScanOptions options;
  options.pss.level = config.pss_level.value_or(pss::Level::kRestricted);
  options.pss.minor = config.pss_version.value_or(pss::kLatestMinor);
  if (!pss_level_.empty()) {
    const auto level = pss::parse_level(pss_level_);
    if (!level)
      return usage_error(
          fmt::format("--pss-level must be baseline or restricted, not `{}`", pss_level_));
    options.pss.level = *level;
  }
  if (!pss_version_.empty()) {
    const auto version = pss::parse_version(pss_version_);
    if (!version) {
      return usage_error(
          fmt::format("--pss-version must be v1.N or latest, not `{}` (versions after "
                      "v1.{} are evaluated as v1.{})",
                      pss_version_, pss::kLatestMinor, pss::kLatestMinor));
    }
    options.pss.minor = *version;
  }
  scan::FailOn fail_on = config.fail_on.value_or(scan::FailOn{});
  if (!fail_on_.empty()) {
    const auto parsed = scan::parse_fail_on(fail_on_);
    if (!parsed)
      return usage_error(
          fmt::format("--fail-on must be critical, high, medium, low, info or none, "
                      "not `{}`",
                      fail_on_));
    fail_on = *parsed;
  }
  for (const std::string& pattern : allowed_registries_) {
    if (std::string why = k8s::registry_pattern_error(pattern); !why.empty()) {
      return usage_error(fmt::format("--allowed-registry `{}`: {}", pattern, why));
    }
  }
  options.hardening.allowed_registries = config.allowed_registries;
  options.hardening.allowed_registries.insert(options.hardening.allowed_registries.end(),
                                              allowed_registries_.begin(),
                                              allowed_registries_.end());
  options.enforce_system_components =
      enforce_system_components_ || config.enforce_system_components.value_or(false);
  options.rbac.roles_per_subject =
      config.rbac_roles_per_subject.value_or(options.rbac.roles_per_subject);
  options.rbac.subjects_per_namespace =
      config.rbac_subjects_per_namespace.value_or(options.rbac.subjects_per_namespace);
  options.exceptions = std::move(config.exceptions);
  options.threads = threads_;
  if (!cluster_creator_.empty() && !identity::parse_arn(cluster_creator_))
    return usage_error(
        fmt::format("--cluster-creator must be an IAM ARN, not `{}`", cluster_creator_));
  options.cluster_creator = cluster_creator_;

  const scan::Scanner scanner(std::move(options));
  const report::ScanResult result = scanner.scan_paths(paths_);

  std::ofstream file;
  if (!output_path_.empty()) {
    file.open(output_path_, std::ios::binary);
    if (!file) return usage_error(fmt::format("cannot write {}", output_path_));
  }
  std::ostream& out = output_path_.empty() ? std::cout : file;
  report::ReportOptions report_options;
  report_options.color =
      color_wanted(no_color_, output_path_.empty() && isatty(STDOUT_FILENO) != 0);
  report_options.show_suppressed = show_suppressed_;
  report_options.min_severity = *min_severity;
  report_options.fail_on =
      fail_on.enabled ? std::optional<Severity>(fail_on.severity) : std::nullopt;
  report::write_report(out, *format, result, report_options);
  out.flush();

  if (!result.errors.empty()) return kExitInput;
  for (const Finding& finding : result.findings) {
    if (!finding.suppressed && fail_on.fails(finding.severity)) return kExitFindings;
  }
  return kExitOk;
}

}  // namespace eksguard::cli
