#include "cli/cedar_translate_command.h"

#include <fmt/format.h>

#include <iostream>
#include <span>
#include <utility>
#include <vector>

#include "cedar/est/est_writer.h"
#include "cedar/format/formatter.h"
#include "cli/app.h"
#include "cli/cedar_policy_input.h"
#include "doc/loader.h"
#include "report/json_writer.h"

namespace eksguard::cli {
namespace {

// Cedar text of the policies. A policy whose id came from the JSON (a policy set key) gets it as
// an `@id` annotation unless it has one or it is the `policyN` its position gives, so that
// answers name the same policies after the translation.
std::string to_cedar_text(std::span<const cedar::Policy> policies) {
  std::vector<cedar::Policy> named(policies.begin(), policies.end());
  std::vector<std::vector<cedar::PolicyAnnotation>> annotations(named.size());
  for (size_t i = 0; i < named.size(); ++i) {
    cedar::Policy& policy = named[i];
    const bool positional = policy.id == fmt::format("policy{}", i);  // the id text gives anyway
    if (!policy.explicit_id || positional || policy.annotation("id")) continue;
    annotations[i].push_back({.key = "id", .value = policy.id, .span = {}, .has_value = true});
    annotations[i].insert(annotations[i].end(), policy.annotations.begin(),
                          policy.annotations.end());
    policy.annotations = annotations[i];
  }
  return cedar::print_policies(named);
}

}  // namespace

CedarTranslateCommand::CedarTranslateCommand(CLI::App& cedar) {
  command_ = cedar.add_subcommand(
      "translate", "Translate policies between Cedar text and the JSON policy format");
  command_->add_option("--policies,-p", policies_,
                       "Policy files, Cedar or JSON policy format (- for stdin; default -)");
  command_
      ->add_option("--to", to_,
                   "Output format: json (the JSON policy format, EST) or cedar (formatted text; "
                   "JSON policy ids become @id annotations)")
      ->required()
      ->check(CLI::IsMember({"json", "cedar"}));
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
  if (to_ == "cedar" && !template_links_.empty()) {
    std::cerr
        << "eksguard cedar translate: template links have no Cedar text form; use --to json\n";
    return kExitInput;
  }
  for (const std::string& path : inputs) {
    const int status = translate(path);
    if (status != kExitOk) return status;
  }
  return kExitOk;
}

int CedarTranslateCommand::translate(const std::string& path) const {
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
  if (to_ == "cedar") {
    std::cout << to_cedar_text(input.parsed.policies);
    if (!input.links.empty()) {
      std::cerr << fmt::format(
          "eksguard cedar translate: {}: {} template link(s) have no Cedar text form and are not "
          "written; keep them in a links file for --template-links\n",
          name, input.links.size());
    }
    return kExitOk;
  }
  auto links = load_template_links(template_links_);
  if (!links) {
    std::cerr << links.error();
    return kExitInput;
  }
  input.links.insert(input.links.end(), links->begin(), links->end());
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
