// Policy objects in YAML/JSON manifests → Cedar sources (see policy_manifest.h).
#include "k8s_authz/policy_manifest.h"

#include <fmt/format.h>

#include <algorithm>

#include "doc/loader.h"
#include "k8s/list.h"

namespace eksguard::k8s_authz {
namespace {

constexpr std::string_view kPolicyGroup = "cedar.k8s.aws/";

// Lines as YAML counts them: a line ends at LF, CRLF or a lone CR.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t at = 0; at < text.size(); ++at) {
    if (text[at] != '\n' && text[at] != '\r') continue;
    lines.push_back(text.substr(start, at - start));
    if (text[at] == '\r' && at + 1 < text.size() && text[at + 1] == '\n') ++at;
    start = at + 1;
  }
  lines.push_back(text.substr(start));
  return lines;
}

// The manifest lines [first, first + value_lines.size()) when they are the literal block's
// lines, each indented by whitespace only; otherwise nothing.
std::optional<std::string> copy_literal_block(const std::vector<std::string_view>& manifest,
                                              size_t first,
                                              const std::vector<std::string_view>& value_lines) {
  if (first + value_lines.size() > manifest.size()) return std::nullopt;
  std::string block;
  for (size_t i = 0; i < value_lines.size(); ++i) {
    const std::string_view raw = manifest[first + i];
    const std::string_view value = value_lines[i];
    if (!raw.ends_with(value)) return std::nullopt;
    const std::string_view indent = raw.substr(0, raw.size() - value.size());
    if (indent.find_first_not_of(" \t") != std::string_view::npos) return std::nullopt;
    block.append(raw);
    block.push_back('\n');
  }
  return block;
}

// The policy text with as many blank lines (and spaces) in front as put it where it stands in
// the manifest.
std::string lay_out(const std::vector<std::string_view>& manifest, const doc::Node& content,
                    std::string_view value) {
  const doc::Position at = content.position();
  const size_t line_index = at.line == 0 ? 0 : at.line - 1;
  const bool literal_block = line_index < manifest.size() && at.column >= 1 &&
                             at.column <= manifest[line_index].size() &&
                             manifest[line_index][at.column - 1] == '|';
  if (literal_block) {
    std::vector<std::string_view> value_lines = lines_of(value);
    if (value.ends_with('\n')) value_lines.pop_back();  // the final line break ends the last line
    if (auto block = copy_literal_block(manifest, line_index + 1, value_lines)) {
      return std::string(line_index + 1, '\n') + *block;
    }
  }
  // Quoted, folded or JSON: the text starts on the scalar's line, one column past its quote.
  return std::string(line_index, '\n') + std::string(at.column, ' ') + std::string(value);
}

std::string at(std::string_view file, doc::Position position) {
  return fmt::format("{}:{}:{}", file, position.line, position.column);
}

Result<ManifestPolicy> read_policy(const k8s::Object& object,
                                   const std::vector<std::string_view>& manifest) {
  const std::string where = at(object.file, object.root->position());
  const doc::Node* spec = object.root->get("spec");
  const doc::Node* content = spec != nullptr ? spec->get("content") : nullptr;
  const std::optional<std::string_view> text =
      content != nullptr ? content->as_string() : std::nullopt;
  if (!text) {
    const std::string place = content != nullptr ? at(object.file, content->position()) : where;
    return fail(
        fmt::format("{}: Policy \"{}\": spec.content must be a string holding a Cedar "
                    "policy set",
                    place, object.ref.name));
  }
  ManifestPolicy policy{object.ref.name, lay_out(manifest, *content, *text), std::nullopt};
  const doc::Node* validation = spec->get("validation");
  const doc::Node* enforced = validation != nullptr ? validation->get("enforced") : nullptr;
  if (enforced != nullptr && !enforced->is_null()) {
    policy.enforced = enforced->as_bool();
    if (!policy.enforced.has_value()) {
      return fail(fmt::format("{}: Policy \"{}\": spec.validation.enforced must be true or false",
                              at(object.file, enforced->position()), object.ref.name));
    }
  }
  return policy;
}

}  // namespace

bool is_policy_manifest_name(std::string_view name) {
  return name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json");
}

Result<PolicyManifest> read_policy_manifest(std::string_view text, std::string_view file) {
  const std::vector<std::string_view> manifest = lines_of(text);
  PolicyManifest result;
  std::vector<std::string> problems;
  const auto on_object = [&](const k8s::Object& object) {
    if (object.ref.kind != "Policy" || !object.ref.api_version.starts_with(kPolicyGroup)) {
      result.notes.push_back(fmt::format("{}: skipped {} \"{}\": not a cedar.k8s.aws Policy",
                                         at(file, object.root->position()), object.ref.kind,
                                         object.ref.name));
      return;
    }
    auto policy = read_policy(object, manifest);
    if (!policy) {
      problems.push_back(policy.error().message);
      return;
    }
    result.policies.push_back(std::move(*policy));
  };
  const auto on_error = [&](InputError error) {
    problems.push_back(
        fmt::format("{}:{}:{}: {}", error.file, error.line, error.column, error.message));
  };
  const std::vector<Error> errors =
      doc::load_text(text, file, doc::Limits{}, [&](doc::Document& document) {
        if (document.root() == nullptr || document.root()->is_null()) return;  // empty document
        k8s::for_each_object(*document.root(), file, on_object, on_error);
      });
  for (const Error& error : errors) {
    problems.push_back(fmt::format("{}:{}:{}: {}", file, error.line, error.column, error.message));
  }
  if (!problems.empty()) {
    std::string message;
    for (const std::string& problem : problems) message += problem + "\n";
    message.pop_back();
    return fail(std::move(message));
  }
  return result;
}

}  // namespace eksguard::k8s_authz
