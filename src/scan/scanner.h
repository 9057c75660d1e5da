// The scan pipeline: read inputs → documents → Kubernetes objects → pod templates → checks →
// suppression → one sorted result. Files are independent, so they are scanned on a small pool
// of threads and merged in input order. Each file also leaves compact records of its RBAC
// objects and cluster-access inputs (aws-auth, access entries, describe-cluster); after the
// merge a cluster-wide phase compiles the RBAC policy once and runs the K8S-RBAC (with the
// ServiceAccounts and default-account workloads for 019), EKS-CM/EKS-AE, EKS-AUTH and
// EKS-IRSA/EKS-PI checks over the whole input; what those checks could not see (missing
// inputs, RBAC warnings) becomes the report's notes.
#pragma once

#include <string>
#include <vector>

#include "checks/hardening/pod_hardening.h"
#include "checks/pss/pod_security.h"
#include "checks/rbac/rbac_checks.h"
#include "checks/rbac/service_accounts.h"
#include "doc/loader.h"
#include "identity/inputs.h"
#include "rbac/model.h"
#include "report/report.h"
#include "scan/exceptions.h"

namespace eksguard::scan {

struct ScanOptions {
  pss::Policy pss;
  hardening::Options hardening;
  rbac_checks::Options rbac;               // K8S-RBAC-020 thresholds
  bool enforce_system_components = false;  // full severity for known EKS system components
  std::vector<Exception> exceptions;
  Date today = today_utc();
  // The IAM principal that created the cluster (EKS-AUTH-003); "" when unknown.
  std::string cluster_creator;
  doc::Limits limits;
  unsigned threads = 0;  // 0: one per core
};

class Scanner {
 public:
  explicit Scanner(ScanOptions options) : options_(std::move(options)) {}

  // Scans files, directories (recursively, *.yaml/*.yml/*.json) and "-" (standard input).
  report::ScanResult scan_paths(const std::vector<std::string>& paths) const;
  // Scans in-memory text as if it were the file `name`.
  report::ScanResult scan_text(std::string_view text, std::string_view name) const;

  // Per-input work, exposed for tests and benchmarks.
  struct FileResult {
    std::vector<Finding> findings;
    std::vector<InputError> errors;
    size_t resources = 0;
    // ServiceAccounts and the workloads running as `default` (EKS-POD-001's dependency on
    // the ServiceAccount, K8S-RBAC-019).
    rbac_checks::ServiceAccountInputs service_accounts;
    // For the cluster-wide phase: RBAC objects, cluster-access inputs (aws-auth, access entries,
    // describe-cluster) and the ignore annotations of the objects that phase reports on.
    rbac::Inputs rbac;
    identity::IdentityCollector identity{doc::Limits{}};
    std::vector<DeferredIgnore> deferred_ignores;
  };
  // `source` is the text of the document's file (positions inside aws-auth's block scalars).
  FileResult scan_document(const doc::Document& document, std::string_view source = {}) const;

 private:
  void scan_object(const k8s::Object& object, FileResult& out) const;
  FileResult scan_input(const std::string& path) const;
  report::ScanResult finish(std::vector<FileResult> results) const;
  void check_cluster(FileResult& all, std::vector<report::Note>& notes) const;

  ScanOptions options_;
};

// The files a path expands to, in a stable order; errors for paths that cannot be read.
std::vector<std::string> expand_path(const std::string& path, std::vector<InputError>& errors);

}  // namespace eksguard::scan
