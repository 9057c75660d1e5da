// Sample scan results for the report tests, and helpers to render and parse them back.
#pragma once

#include <simdjson.h>

#include <sstream>
#include <string>
#include <string_view>

#include "findings/finding.h"
#include "report/report.h"

namespace eksguard::report::testing {

inline const k8s::ObjectRef kWeb{"apps/v1", "Deployment", "default", "web"};
inline const k8s::ObjectRef kNightly{"batch/v1", "CronJob", "batch", "nightly"};
inline const k8s::ObjectRef kAwsNode{"apps/v1", "DaemonSet", "kube-system", "aws-node"};
inline const k8s::ObjectRef kClusterRole{"rbac.authorization.k8s.io/v1", "ClusterRole", "",
                                         "viewer"};

inline Finding make_finding(CheckId check, std::string file, uint32_t line, uint32_t column,
                            const k8s::ObjectRef& resource, std::string path, std::string message) {
  Finding finding(check, std::make_shared<const Subject>(Subject{resource, std::move(file)}));
  finding.message = std::move(message);
  finding.position = {line, column};
  finding.path = std::move(path);
  return finding;
}

inline constexpr std::string_view kJobsFile = "k8s/jobs/batch job.yaml";
inline constexpr std::string_view kSuppressionReason =
    "annotation eksguard.io/ignore.EKS-POD-011: tag pinned by Flux image automation";
inline constexpr std::string_view kNote = "system component: severity lowered from high to low";

// Two files, every severity but high (one high finding is lowered by policy), one suppressed
// finding, one finding without a position, and two input errors.
inline ScanResult sample_result() {
  ScanResult result;
  result.resources = 7;
  result.pss_level = "restricted";
  result.pss_version = "v1.37";
  const std::string containers = "spec.template.spec.containers[0]";
  result.findings.push_back(
      make_finding(CheckId::kPssPrivileged, "k8s/web.yaml", 12, 7, kWeb,
                   containers + ".securityContext.privileged",
                   "container \"app\" must not set securityContext.privileged=true"));
  result.findings.push_back(
      make_finding(CheckId::kPssRunAsNonRoot, "k8s/web.yaml", 14, 9, kWeb,
                   containers + ".securityContext.runAsNonRoot",
                   "container \"app\" must set securityContext.runAsNonRoot=true"));
  Finding latest =
      make_finding(CheckId::kEksImageLatestTag, "k8s/web.yaml", 20, 16, kWeb, containers + ".image",
                   "image \"nginx:latest\" uses the latest tag");
  latest.suppressed = true;
  latest.set_suppression(std::string(kSuppressionReason));
  result.findings.push_back(std::move(latest));
  result.findings.push_back(make_finding(CheckId::kEksDefaultServiceAccount, std::string(kJobsFile),
                                         3, 1, kNightly, "spec.jobTemplate.spec.template.spec",
                                         "pod uses the default service account"));
  Finding host =
      make_finding(CheckId::kPssHostNamespaces, std::string(kJobsFile), 8, 5, kAwsNode,
                   "spec.template.spec.hostNetwork", "pod must not set hostNetwork=true");
  host.severity = Severity::kLow;
  host.set_note(std::string(kNote));
  result.findings.push_back(std::move(host));
  result.findings.push_back(make_finding(CheckId::kCfgExceptionUnused, ".eksguard.yaml", 0, 0,
                                         kClusterRole, "",
                                         "exception \"legacy\" matches no finding"));
  result.errors.push_back({"broken.yaml", 3, 1, "did not find expected key"});
  result.errors.push_back({"-", 0, 0, "standard input is empty"});
  return result;
}

// The sample result plus one missing input and one warning about the inputs.
inline ScanResult sample_with_notes() {
  ScanResult result = sample_result();
  result.notes.push_back(
      {NoteKind::kMissingInput, "", 0, 0, "kubectl -n kube-system get configmap aws-auth -o yaml"});
  result.notes.push_back({NoteKind::kWarning, "rbac/roles.yaml", 12, 1,
                          "ClusterRole \"viewer\" appears twice; the later one is used"});
  return result;
}

inline std::string render(Format format, const ScanResult& result, ReportOptions options = {}) {
  std::ostringstream out;
  write_report(out, format, result, options);
  return out.str();
}

// Parses JSON text with simdjson (which also rejects ill-formed UTF-8). The parser must outlive
// the element.
inline simdjson::dom::element parse_json(simdjson::dom::parser& parser, const std::string& text) {
  return parser.parse(simdjson::padded_string(text));
}

}  // namespace eksguard::report::testing
