#include "scan/scanner.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "checks/hardening/system_components.h"
#include "common/strings.h"
#include "identity/checks.h"
#include "identity/workload_identity.h"
#include "k8s/pod_schema.h"
#include "rbac/policy.h"
#include "scan/cluster_inputs.h"

namespace eksguard::scan {
namespace {

namespace fs = std::filesystem;

bool has_manifest_extension(const fs::path& path) {
  const std::string extension = path.extension().string();
  return iequals(extension, ".yaml") || iequals(extension, ".yml") || iequals(extension, ".json");
}

InputError input_error(std::string_view file, const Error& error) {
  return InputError{std::string(file), error.line, error.column, error.message};
}

// Findings on known EKS system components are informational: AWS runs them with the
// privileges they need ("limit, not eliminate").
void inform_system_component(std::vector<Finding>& findings, size_t first, std::string_view name) {
  for (size_t i = first; i < findings.size(); ++i) {
    if (findings[i].info().family == "config") continue;
    findings[i].severity = Severity::kInfo;
    findings[i].set_note(
        fmt::format("known EKS system component `{}`: expected for this add-on; set "
                    "systemComponents: enforce to report it at full severity",
                    name));
  }
}

void append(Scanner::FileResult& into, Scanner::FileResult&& part) {
  into.resources += part.resources;
  into.service_accounts.merge(std::move(part.service_accounts));
  std::move(part.findings.begin(), part.findings.end(), std::back_inserter(into.findings));
  std::move(part.errors.begin(), part.errors.end(), std::back_inserter(into.errors));
  rbac::merge(into.rbac, std::move(part.rbac));
  std::move(part.deferred_ignores.begin(), part.deferred_ignores.end(),
            std::back_inserter(into.deferred_ignores));
  into.identity.merge(std::move(part.identity));
}

// A pod that leaves automountServiceAccountToken unset inherits its ServiceAccount's value:
// when that ServiceAccount is in the inputs and sets false, there is nothing to report.
void drop_resolved_by_service_accounts(Scanner::FileResult& all) {
  const std::vector<std::string> quiet = all.service_accounts.quiet_accounts();
  if (quiet.empty()) return;
  std::erase_if(all.findings, [&](const Finding& finding) {
    return !finding.depends_on().empty() &&
           std::binary_search(quiet.begin(), quiet.end(), finding.depends_on());
  });
}

// Kinds the cluster-wide checks report on; their ignore annotations must outlive the document.
bool reported_cluster_wide(const k8s::ObjectRef& ref) {
  return ref.kind == "ClusterRole" || ref.kind == "Role" || ref.kind == "ClusterRoleBinding" ||
         ref.kind == "RoleBinding" || ref.kind == "ConfigMap" || ref.kind == "ServiceAccount";
}

}  // namespace

std::vector<std::string> expand_path(const std::string& path, std::vector<InputError>& errors) {
  if (path == "-") return {path};
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    errors.push_back(InputError{path, 0, 0, "no such file or directory"});
    return {};
  }
  if (!fs::is_directory(status)) return {path};
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    // Hidden folders (.git, .github) and files (.eksguard.yaml, .pre-commit-config.yaml) are
    // tooling, not manifests to deploy; name a hidden file explicitly to scan it.
    if (entry.path().filename().string().starts_with(".")) {
      if (entry.is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_regular_file() && has_manifest_extension(entry.path()))
      files.push_back(entry.path().string());
  }
  if (ec)
    errors.push_back(
        InputError{path, 0, 0, fmt::format("cannot read directory: {}", ec.message())});
  std::sort(files.begin(), files.end());
  return files;
}

void Scanner::scan_object(const k8s::Object& object, FileResult& out) const {
  ++out.resources;
  if (reported_cluster_wide(object.ref)) {
    if (auto ignore = defer_ignore_annotation(object))
      out.deferred_ignores.push_back(std::move(*ignore));
  }
  out.service_accounts.add_account(object);
  auto pod = k8s::extract_pod_template(object);
  if (!pod) {
    out.errors.push_back(input_error(object.file, pod.error()));
    return;
  }
  const size_t first = out.findings.size();
  FindingEmitter emitter(object, out.findings);
  if (pod->has_value()) {
    const k8s::PodTemplate& tpl = **pod;
    // A field of the wrong type would read as absent to the checks (and the API server would
    // reject the object): say so. The checks still run on everything else.
    for (const k8s::ShapeError& error : k8s::validate_pod_template(tpl)) {
      out.errors.push_back(InputError{
          std::string(object.file), error.node->position().line, error.node->position().column,
          fmt::format("{} {}: {}", object.ref.kind,
                      object.ref.name.empty() ? "<unnamed>" : object.ref.name, error.message)});
    }
    out.service_accounts.add_workload(object, tpl);
    pss::check_pod_security(tpl, options_.pss, emitter);
    hardening::check_pod_hardening(object, tpl, options_.hardening, emitter);
    if (!options_.enforce_system_components && hardening::is_known_system_component(object, tpl)) {
      inform_system_component(out.findings, first, object.ref.name);
    }
  }
  apply_annotations(object, pod->has_value() ? &**pod : nullptr, out.findings, first);
}

Scanner::FileResult Scanner::scan_document(const doc::Document& document,
                                           std::string_view source) const {
  FileResult out;
  out.identity = identity::IdentityCollector(options_.limits);
  collect_document(
      document, source, out.rbac, out.identity,
      [&](const k8s::Object& object) { scan_object(object, out); }, out.errors);
  return out;
}

Scanner::FileResult Scanner::scan_input(const std::string& path) const {
  FileResult out;
  const std::string name = path == "-" ? "stdin" : path;
  auto text = doc::read_input(path, options_.limits);
  if (!text) {
    out.errors.push_back(input_error(name, text.error()));
    return out;
  }
  const std::vector<Error> errors = doc::load_padded(
      *text, name, options_.limits,
      [&](doc::Document& document) { append(out, scan_document(document, text->view())); });
  for (const Error& error : errors) out.errors.push_back(input_error(name, error));
  out.findings.shrink_to_fit();  // results wait for the whole scan: keep no slack
  return out;
}

report::ScanResult Scanner::scan_paths(const std::vector<std::string>& paths) const {
  std::vector<InputError> path_errors;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::vector<std::string> expanded = expand_path(path, path_errors);
    files.insert(files.end(), expanded.begin(), expanded.end());
  }
  std::vector<FileResult> results(files.size() + 1);
  results.back().errors = std::move(path_errors);

  unsigned threads =
      options_.threads != 0 ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, files.size()));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) results[i] = scan_input(files[i]);
  };
  std::vector<std::jthread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  pool.clear();
  return finish(std::move(results));
}

report::ScanResult Scanner::scan_text(std::string_view text, std::string_view name) const {
  FileResult out;
  const std::vector<Error> errors =
      doc::load_text(text, name, options_.limits,
                     [&](doc::Document& document) { append(out, scan_document(document, text)); });
  for (const Error& error : errors) out.errors.push_back(input_error(name, error));
  std::vector<FileResult> results;
  results.push_back(std::move(out));
  return finish(std::move(results));
}

namespace {

// Inputs that come from AWS or describe cluster access (aws-auth, access entries, describe-*,
// get-role, eksctl): a cluster audit. A plain manifest scan (RBAC objects, ServiceAccounts with
// IRSA annotations) has none, and is not asked for AWS exports.
bool audits_cluster_access(const identity::IdentityInputs& identity) {
  return !identity.empty() || !identity.roles.empty() ||
         !identity.pod_identity_associations.empty();
}

void add_missing_inputs(const identity::IdentityInputs& identity,
                        std::vector<report::Note>& notes) {
  if (!audits_cluster_access(identity)) return;
  std::vector<std::string> missing;
  if (!identity.empty()) missing = identity.missing();
  for (std::string& item :
       identity::missing_workload_inputs(identity, identity::WorkloadIdentityOptions{}))
    missing.push_back(std::move(item));
  for (std::string& item : missing)
    notes.push_back(report::Note{report::NoteKind::kMissingInput, "", 0, 0, std::move(item)});
}

// The RBAC policy's warnings (duplicate objects, unsettled aggregation, …), except those a
// finding already reports at the same place (a dangling roleRef is K8S-RBAC-017).
void add_rbac_warnings(const rbac::Policy& policy, const std::vector<Finding>& findings,
                       size_t first, std::vector<report::Note>& notes) {
  for (const InputError& warning : policy.warnings()) {
    const bool reported = std::any_of(findings.begin() + static_cast<std::ptrdiff_t>(first),
                                      findings.end(), [&](const Finding& f) {
                                        return f.check == CheckId::kRbacDanglingRoleRef &&
                                               f.position.line == warning.line &&
                                               f.position.column == warning.column &&
                                               f.file() == warning.file;
                                      });
    if (!reported)
      notes.push_back(report::Note{report::NoteKind::kWarning, warning.file, warning.line,
                                   warning.column, warning.message});
  }
}

}  // namespace

// The cluster-wide phase: one RBAC policy and one identity model for all inputs.
void Scanner::check_cluster(FileResult& all, std::vector<report::Note>& notes) const {
  identity::IdentityInputs identity = std::move(all.identity).finish();
  std::move(identity.errors.begin(), identity.errors.end(), std::back_inserter(all.errors));
  identity.errors.clear();
  const bool has_rbac = !all.rbac.roles.empty() || !all.rbac.bindings.empty();
  std::move(all.rbac.errors.begin(), all.rbac.errors.end(), std::back_inserter(all.errors));
  all.rbac.errors.clear();
  if (!has_rbac && identity.empty() && !identity.has_workload_identity() &&
      all.service_accounts.empty())
    return;
  const rbac::Policy policy = rbac::Policy::compile(std::move(all.rbac));
  all.rbac = rbac::Inputs{};
  const size_t first = all.findings.size();
  rbac_checks::check_rbac(policy, all.findings, options_.rbac);
  rbac_checks::check_default_service_accounts(policy, all.service_accounts, all.findings);
  identity::IdentityCheckOptions options;
  if (has_rbac) options.bound_groups = rbac_checks::bound_groups(policy);
  options.cluster_admin_groups = rbac_checks::cluster_admin_groups(policy);
  options.cluster_creator = options_.cluster_creator;
  identity::check_identity(identity, options, all.findings);
  if (identity.has_workload_identity()) {
    identity::check_workload_identity(identity, identity::WorkloadIdentityOptions{}, all.findings);
  }
  add_missing_inputs(identity, notes);
  add_rbac_warnings(policy, all.findings, first, notes);
  apply_deferred_ignores(all.deferred_ignores, all.findings, first);
}

report::ScanResult Scanner::finish(std::vector<FileResult> results) const {
  // Move part by part, freeing each as we go: findings dominate memory on large scans.
  FileResult all;
  size_t total = 0;
  for (const FileResult& part : results) total += part.findings.size();
  all.findings.reserve(total);
  for (FileResult& part : results) {
    append(all, std::move(part));
    part = FileResult{};
  }
  drop_resolved_by_service_accounts(all);
  report::ScanResult result;
  check_cluster(all, result.notes);
  result.resources = all.resources;
  result.findings = std::move(all.findings);
  result.errors = std::move(all.errors);
  apply_exceptions(options_.exceptions, options_.today, result.findings);
  // std::sort works in place (stable_sort would allocate a copy); the key is a total order.
  std::sort(result.findings.begin(), result.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.subject != b.subject && a.file() != b.file()) return a.file() < b.file();
    if (a.position.line != b.position.line) return a.position.line < b.position.line;
    if (a.position.column != b.position.column) return a.position.column < b.position.column;
    if (a.check != b.check) return a.info().id < b.info().id;
    if (a.path != b.path) return a.path < b.path;
    return a.message < b.message;
  });
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const InputError& a, const InputError& b) {
                     if (a.file != b.file) return a.file < b.file;
                     return a.line < b.line;
                   });
  std::stable_sort(result.notes.begin(), result.notes.end(),
                   [](const report::Note& a, const report::Note& b) {
                     if (a.kind != b.kind) return a.kind < b.kind;  // missing inputs first
                     if (a.file != b.file) return a.file < b.file;
                     return a.line < b.line;
                   });
  result.pss_level = std::string(pss::to_string(options_.pss.level));
  result.pss_version = fmt::format("v1.{}", options_.pss.minor);
  return result;
}

}  // namespace eksguard::scan
