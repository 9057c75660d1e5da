#include "cli/cedar_policy_input.h"

#include <fmt/format.h>

#include <utility>

#include "cedar/est/est_reader.h"
#include "doc/loader.h"

namespace eksguard::cli {

PolicyFormat policy_format_from(std::string_view name) {
  if (name == "cedar") return PolicyFormat::kCedar;
  if (name == "json") return PolicyFormat::kJson;
  return PolicyFormat::kAuto;
}

bool is_json_policies(PolicyFormat format, std::string_view path, std::string_view text) {
  switch (format) {
    case PolicyFormat::kCedar:
      return false;
    case PolicyFormat::kJson:
      return true;
    case PolicyFormat::kAuto:
      break;
  }
  return path.ends_with(".json") || cedar::est::looks_like_json(text);
}

PolicyInput parse_policy_input(std::string_view text, std::string name, bool json,
                               const cedar::ParseOptions& options) {
  if (!json) return {cedar::parse_policies(text, std::move(name), options), {}};
  cedar::est::JsonPolicies read = cedar::est::read_policies_json(text, std::move(name), options);
  return {std::move(read.policies), std::move(read.links)};
}

std::string render_parse_errors(const std::vector<cedar::ParseError>& errors,
                                std::string_view source) {
  std::string out;
  for (const cedar::ParseError& error : errors) {
    out += error.diagnostic.render_with_snippet(source);
    if (!out.empty() && out.back() != '\n') out += '\n';
    if (!error.help.empty()) out += "  help: " + error.help + "\n";
  }
  return out;
}

Result<std::vector<cedar::TemplateLink>, std::string> load_template_links(const std::string& path) {
  if (path.empty()) return std::vector<cedar::TemplateLink>{};
  auto input = doc::read_input(path, doc::Limits{});
  if (!input) {
    return Unexpected(fmt::format("cannot read `{}`: {}\n", path, input.error().message));
  }
  const std::string name = path == "-" ? "<stdin>" : path;
  auto links = cedar::est::read_template_links_json(input->view(), name);
  if (!links) return Unexpected(render_parse_errors(links.error(), input->view()));
  return std::move(*links);
}

}  // namespace eksguard::cli
