// Policies as the `eksguard cedar` commands take them: Cedar text or the JSON policy format
// (--policy-format cedar|json; by default a `.json` file, or text starting with `{`, is JSON),
// plus template links from a JSON file (--template-links).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/parser.h"
#include "cedar/policy_set.h"
#include "common/result.h"

namespace eksguard::cli {

enum class PolicyFormat : uint8_t { kAuto, kCedar, kJson };

// "cedar" or "json" (what --policy-format accepts); kAuto for "".
PolicyFormat policy_format_from(std::string_view name);

// Whether `text`, read from `path`, is to be read as JSON.
bool is_json_policies(PolicyFormat format, std::string_view path, std::string_view text);

// Parsed policies (and the template links a JSON policy set carries), not yet compiled.
struct PolicyInput {
  cedar::ParsedPolicies parsed;
  std::vector<cedar::TemplateLink> links;
};

PolicyInput parse_policy_input(std::string_view text, std::string name, bool json,
                               const cedar::ParseOptions& options = {});

// Every parse error with its source line and caret (and Cedar's help, when there is some).
std::string render_parse_errors(const std::vector<cedar::ParseError>& errors,
                                std::string_view source);

// The links of a --template-links file: a JSON array of {"templateId", "newId", "values"};
// none for an empty path (the option not given).
// The error is rendered for the user.
Result<std::vector<cedar::TemplateLink>, std::string> load_template_links(const std::string& path);

}  // namespace eksguard::cli
