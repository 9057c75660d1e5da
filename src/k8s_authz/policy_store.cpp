// Loading, validating and evaluating the webhook's policy directory (see policy_store.h).
#include "k8s_authz/policy_store.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cedar/validator/validator.h"
#include "k8s_authz/policy_manifest.h"

namespace eksguard::k8s_authz {
namespace {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path, size_t max_bytes) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  if (error) return fail(fmt::format("{}: cannot read: {}", path.string(), error.message()));
  if (size > max_bytes) {
    return fail(fmt::format("{}: {} bytes is larger than the limit of {} bytes", path.string(),
                            size, max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot open", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What a load collects: the compiled files, what refuses the set, and what only gets logged.
struct LoadOutcome {
  std::vector<PolicyFile> files;
  std::vector<std::string> problems;
  std::vector<std::string> notes;
};

// Parses and validates one policy source; every problem rendered with its snippet. Validation
// errors of a Policy object with spec.validation.enforced: false become notes.
void compile_source(std::string name, std::string object_name, std::string_view text,
                    std::optional<bool> enforced, const cedar::Schema* schema,
                    LoadOutcome& outcome) {
  auto parsed = cedar::PolicySet::parse(text, name);
  if (!parsed) {
    std::string message;
    for (const cedar::ParseError& error : parsed.error()) {
      message += error.diagnostic.render_with_snippet(text);
    }
    outcome.problems.push_back(std::move(message));
    return;
  }
  if (schema != nullptr) {
    const cedar::ValidationResult result = cedar::validate(*parsed, *schema, {.warnings = false});
    if (!result.ok()) {
      std::string rendered = cedar::render_all(result.diagnostics(), parsed->source());
      if (enforced.value_or(true)) {
        outcome.problems.push_back(std::move(rendered));
        return;
      }
      outcome.notes.push_back(fmt::format(
          "Policy \"{}\" in {} loaded with validation errors (spec.validation.enforced: "
          "false):\n{}",
          object_name, name, rendered));
    }
  }
  outcome.files.push_back(PolicyFile{std::move(name), std::move(object_name), std::move(*parsed)});
}

// A `.cedar` file is one policy set; a manifest holds any number of Policy objects.
void compile_file(const std::string& name, std::string_view text, const cedar::Schema* schema,
                  LoadOutcome& outcome) {
  if (!is_policy_manifest_name(name)) {
    compile_source(name, {}, text, std::nullopt, schema, outcome);
    return;
  }
  auto manifest = read_policy_manifest(text, name);
  if (!manifest) {
    outcome.problems.push_back(manifest.error().message);
    return;
  }
  for (std::string& note : manifest->notes) outcome.notes.push_back(std::move(note));
  for (ManifestPolicy& policy : manifest->policies) {
    compile_source(name, std::move(policy.object_name), policy.source, policy.enforced, schema,
                   outcome);
  }
}

}  // namespace

std::string PolicyRef::describe() const {
  const cedar::Policy& p = policy();
  if (!file->object_name.empty()) {
    return fmt::format("\"{}\" of Policy \"{}\" ({}:{}:{})", cedar::PolicySet::display_id(p),
                       file->object_name, file->name, p.line, p.column);
  }
  return fmt::format("\"{}\" ({}:{}:{})", cedar::PolicySet::display_id(p), file->name, p.line,
                     p.column);
}

size_t PolicyStore::policy_count() const {
  size_t count = 0;
  for (const PolicyFile& file : files_) count += file.policies.policies().size();
  return count;
}

Result<std::shared_ptr<const PolicyStore>> PolicyStore::load(const fs::path& directory,
                                                             const cedar::Schema* schema,
                                                             const StoreLimits& limits) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    return fail(fmt::format("{}: not a readable directory", directory.string()));
  }
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with('.') || !(name.ends_with(".cedar") || is_policy_manifest_name(name))) {
      continue;
    }
    std::error_code status_error;
    if (!fs::is_regular_file(it->path(), status_error)) continue;  // follows symlinks
    paths.push_back(it->path());
  }
  if (error) return fail(fmt::format("{}: cannot list: {}", directory.string(), error.message()));
  if (paths.size() > limits.max_files) {
    return fail(fmt::format("{}: {} policy files is more than the limit of {}", directory.string(),
                            paths.size(), limits.max_files));
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, std::string>> texts;
  std::vector<std::string> problems;
  for (const fs::path& path : paths) {
    auto text = read_file(path, limits.max_file_bytes);
    if (!text) {
      problems.push_back(text.error().message);
      continue;
    }
    texts.emplace_back(path.filename().string(), std::move(*text));
  }
  if (!problems.empty()) return assemble({}, std::move(problems), {});
  return from_texts(texts, schema);
}

Result<std::shared_ptr<const PolicyStore>> PolicyStore::from_texts(
    std::span<const std::pair<std::string, std::string>> texts, const cedar::Schema* schema) {
  LoadOutcome outcome;
  for (const auto& [name, text] : texts) compile_file(name, text, schema, outcome);
  return assemble(std::move(outcome.files), std::move(outcome.problems), std::move(outcome.notes));
}

Result<std::shared_ptr<const PolicyStore>> PolicyStore::assemble(std::vector<PolicyFile> files,
                                                                 std::vector<std::string> problems,
                                                                 std::vector<std::string> notes) {
  if (!problems.empty()) {
    std::string message;
    for (const std::string& problem : problems) {
      message += problem;
      if (!message.ends_with('\n')) message += '\n';
    }
    return fail(std::move(message));
  }
  return std::shared_ptr<const PolicyStore>(new PolicyStore(std::move(files), std::move(notes)));
}

StoreDecision PolicyStore::decide(const cedar::Request& request,
                                  const cedar::Entities& entities) const {
  StoreDecision decision;
  for (const PolicyFile& file : files_) {
    const cedar::Response response = cedar::is_authorized(file.policies, request, entities);
    const bool denied_by_forbid =
        response.decision == cedar::Decision::kDeny && !response.reasons.empty();
    for (const uint32_t index : response.reasons) {
      (denied_by_forbid ? decision.forbids : decision.permits).push_back(PolicyRef{&file, index});
    }
    for (const cedar::PolicyError& error : response.errors) {
      decision.errors.push_back(
          PolicyEvaluationError{PolicyRef{&file, error.policy}, error.error.message});
    }
  }
  if (!decision.forbids.empty()) decision.permits.clear();
  return decision;
}

DirectorySnapshot DirectorySnapshot::take(const fs::path& directory) {
  DirectorySnapshot snapshot;
  std::error_code error;
  std::vector<std::string> names;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    names.push_back(it->path().filename().string());
  }
  if (error) return snapshot;
  snapshot.readable_ = true;
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    Entry entry;
    entry.name = name;
    const fs::path path = directory / name;
    std::error_code link_error;
    if (fs::is_symlink(path, link_error)) {
      entry.link_target = fs::read_symlink(path, link_error).string();
    }
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
      entry.exists = true;
      entry.device = static_cast<uint64_t>(info.st_dev);
      entry.inode = static_cast<uint64_t>(info.st_ino);
      entry.size = static_cast<uint64_t>(info.st_size);
      entry.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 +
                       static_cast<int64_t>(info.st_mtim.tv_nsec);
    }
    snapshot.entries_.push_back(std::move(entry));
  }
  return snapshot;
}

}  // namespace eksguard::k8s_authz
