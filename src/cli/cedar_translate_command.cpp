#include "cli/cedar_translate_command.h"

#include <fmt/format.h>

#include <iostream>
#include <utility>

#include "cedar/est/est_writer.h"
#include "cli/app.h"
#include "cli/cedar_policy_input.h"
#include "doc/loader.h"
#include "report/json_writer.h"

namespace eksguard::cli {

CedarTranslateCommand::CedarTranslateCommand(CLI::App& cedar) {
  command_ = cedar.add_subcommand(
      "translate", "Translate policies (Cedar text or JSON) into the JSON policy format");
  command_->add_option("--policies,-p", policies_,
                       "Policy files, Cedar or JSON policy format (- for stdin; default -)");
  command_->add_option("--to", to_, "Output format: json (the JSON policy format, EST)")
      ->required()
      ->check(CLI::IsMember({"json"}));
  command_
      ->add_option("--policy-format", policy_format_,
                   "Input format: cedar or json (default: json for a .json file or text starting "
                   "with `{`)")
      ->check(CLI::IsMember({"cedar", "json"}));
  command_->add_option("--template-links", template_links_,
                       "JSON array of template links to add to the output");
  command_->add_flag("--compact", compact_, "One line per policy set (JSON lines)");
}

int CedarTranslateCommand::execute() const {
  const std::vector<std::string> inputs =
      policies_.empty() ? std::vector<std::string>{"-"} : policies_;
  std::ios::sync_with_stdio(false);
  for (const std::string& path : inputs) {
    const int status = translate_to_json(path);
    if (status != kExitOk) return status;
  }
  return kExitOk;
}

int CedarTranslateCommand::translate_to_json(const std::string& path) const {
  const auto input_error = [](const std::string& message) {
    std::cerr << "eksguard cedar translate: " << message << "\n";
    return kExitInput;
  };
  auto text = doc::read_input(path, doc::Limits{});
  if (!text) return input_error(fmt::format("cannot read `{}`: {}", path, text.error().message));
  const std::string name = path == "-" ? "<stdin>" : path;
  cedar::ParseOptions options;
  options.keep_as_written = true;  // sets, records and extension calls as written
  PolicyInput input = parse_policy_input(
      text->view(), name, is_json_policies(policy_format_from(policy_format_), path, text->view()),
      options);
  if (!input.parsed.ok()) {
    std::cerr << render_parse_errors(input.parsed.errors, text->view());
    return kExitInput;
  }
  if (!template_links_.empty()) {
    auto links = load_template_links(template_links_);
    if (!links) {
      std::cerr << links.error();
      return kExitInput;
    }
    input.links.insert(input.links.end(), links->begin(), links->end());
  }
  std::string out;
  report::JsonWriter json(out, {.indent = compact_ ? 0 : 2});
  const Status written = cedar::est::write_policy_set(json, input.parsed.policies, input.links);
  if (!written) return input_error(fmt::format("{}: {}", name, written.error().message));
  json.end_line();
  json.flush();
  std::cout << out;
  return kExitOk;
}

}  // namespace eksguard::cli
