// The webhook's policies: every `*.cedar` file of one directory, and every Policy object of the
// AWS prototype (cedar.k8s.aws Policy, see policy_manifest.h) in its `*.yaml`, `*.yml` and
// `*.json` files (a ConfigMap mounted there works: its `..data` symlink swap is seen as a
// change), parsed, validated against the Kubernetes schema as the ValidationMode says (a
// Policy's spec.validation.enforced overrides it for that Policy: true is strict, false warn),
// and compiled into one immutable PolicyStore that many threads read.
//
// A store is all or nothing: when one file does not parse (or, in strict mode, does not
// validate), load() fails with every diagnostic (file:line:column and a caret snippet) and the
// caller keeps its previous store, so a broken edit never replaces a working policy set. In
// warn mode validation errors do not refuse the set: they and the warnings are kept with the
// store as ValidationIssues for the caller to log and count.
//
// Each file keeps its own PolicySet, so a decision names the policy by its id (`@id("…")` or
// `policyN`, numbered per file in text order), its file, line and column. Cedar's semantics
// over the union of the files are kept: any satisfied forbid denies, else any satisfied permit
// allows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/authorizer.h"
#include "cedar/policy_set.h"
#include "cedar/schema/schema.h"
#include "common/result.h"

namespace eksguard::k8s_authz {

struct StoreLimits {
  size_t max_files = 1000;
  size_t max_file_bytes = size_t{4} << 20;
};

// strict: a validation error refuses the set; warn: the set loads and its validation errors
// and warnings are reported (validation_issues()); off: no validation.
enum class ValidationMode : uint8_t { kStrict, kWarn, kOff };

std::string_view validation_mode_name(ValidationMode mode);
std::optional<ValidationMode> parse_validation_mode(std::string_view text);

// One validation error or warning of a loaded set.
struct ValidationIssue {
  cedar::Severity severity = cedar::Severity::kError;
  std::string code;  // validation.*
  std::string policy_id;
  std::string file;
  uint32_t line = 0, column = 0;
  std::string message;
  // One line: `warning validation.unsafe-... policy "p1" at owner.cedar:3:7: message`.
  std::string render() const;
};

struct PolicyFile {
  std::string name;         // the file name inside the directory
  std::string object_name;  // the Policy object's name, for policies from a manifest
  cedar::PolicySet policies;
};

// One policy of the store, as a decision reports it.
struct PolicyRef {
  const PolicyFile* file = nullptr;
  uint32_t index = 0;  // into file->policies.policies()

  const cedar::Policy& policy() const { return file->policies.policies()[index]; }
  // `"policy1" (owner.cedar:12:1)`, or with an @id: `"no-exec" (owner.cedar:3:1)`; from a
  // manifest: `"policy1" of Policy "owners" (demo.yaml:21:5)`.
  std::string describe() const;
};

struct PolicyEvaluationError {
  PolicyRef policy;
  std::string message;
};

// The combined answer of every file for one request.
struct StoreDecision {
  std::vector<PolicyRef> forbids;  // satisfied forbid policies
  std::vector<PolicyRef> permits;  // satisfied permit policies (filled when no forbid matched)
  std::vector<PolicyEvaluationError> errors;
};

class PolicyStore {
 public:
  // Reads, parses and (with a schema, unless `mode` is off) validates every `*.cedar` file and
  // every Policy object of the `*.yaml`, `*.yml` and `*.json` files of `directory` (regular
  // files, symlinks followed, names starting with `.` skipped), in name order.
  static Result<std::shared_ptr<const PolicyStore>> load(
      const std::filesystem::path& directory, const cedar::Schema* schema,
      const StoreLimits& limits = {}, ValidationMode mode = ValidationMode::kStrict);
  // The same from in-memory files (name, text); for tests and tools.
  static Result<std::shared_ptr<const PolicyStore>> from_texts(
      std::span<const std::pair<std::string, std::string>> files, const cedar::Schema* schema,
      ValidationMode mode = ValidationMode::kStrict);

  std::span<const PolicyFile> files() const { return files_; }
  size_t policy_count() const;
  // Validation errors (warn mode) and warnings (strict and warn) of the set, file by file.
  std::span<const ValidationIssue> validation_issues() const { return issues_; }
  size_t validation_issue_count(cedar::Severity severity) const;
  // What the load skipped, one line each (objects in manifests that are not Policies); for the
  // log.
  std::span<const std::string> notes() const { return notes_; }

  StoreDecision decide(const cedar::Request& request, const cedar::Entities& entities) const;

 private:
  PolicyStore(std::vector<PolicyFile> files, std::vector<ValidationIssue> issues,
              std::vector<std::string> notes)
      : files_(std::move(files)), issues_(std::move(issues)), notes_(std::move(notes)) {}
  // The store, or every problem when there is one.
  static Result<std::shared_ptr<const PolicyStore>> assemble(
      std::vector<PolicyFile> files, std::vector<ValidationIssue> issues,
      std::vector<std::string> notes, const std::vector<std::string>& problems);

  std::vector<PolicyFile> files_;
  std::vector<ValidationIssue> issues_;
  std::vector<std::string> notes_;
};

// A snapshot of a directory's entries (names, symlink targets, inode, size and modification
// time of what they point to, hidden entries included); two snapshots differ when anything a
// load would read may have changed. Polling this is cheap enough to do every few seconds.
class DirectorySnapshot {
 public:
  static DirectorySnapshot take(const std::filesystem::path& directory);
  friend bool operator==(const DirectorySnapshot&, const DirectorySnapshot&) = default;

 private:
  struct Entry {
    std::string name;
    std::string link_target;
    uint64_t device = 0, inode = 0, size = 0;
    int64_t mtime_ns = 0;
    bool exists = false;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  bool readable_ = false;
  std::vector<Entry> entries_;
};

}  // namespace eksguard::k8s_authz
