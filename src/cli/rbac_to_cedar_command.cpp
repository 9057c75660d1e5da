#include "cli/rbac_to_cedar_command.h"

#include <fmt/format.h>

#include <iostream>

#include "cedar/est/est_writer.h"
#include "cedar/parser.h"
#include "cli/app.h"
#include "k8s_authz/rbac_to_cedar.h"
#include "rbac/model.h"
#include "rbac/policy.h"
#include "report/json_writer.h"

namespace eksguard::cli {
namespace {

int input_error(const std::string& message) {
  std::cerr << "eksguard rbac to-cedar: " << message << "\n";
  return kExitInput;
}

void print_input_errors(const rbac::Inputs& inputs) {
  for (const InputError& error : inputs.errors)
    std::cerr << fmt::format("{}:{}:{}: error: {}\n", error.file, error.line, error.column,
                             error.message);
}

}  // namespace

RbacToCedarCommand::RbacToCedarCommand(CLI::App& rbac) {
  command_ = rbac.add_subcommand(
      "to-cedar", "Roles and bindings as Cedar policies for the authorization webhook");
  command_->add_option("paths", paths_, "PATH... (files, directories, - for stdin)")->required();
  command_->add_option("--format,-o", format_, "cedar|json")->capture_default_str();
}

int RbacToCedarCommand::execute() const {
  if (format_ != "cedar" && format_ != "json")
    return input_error(fmt::format("unknown format `{}` (cedar, json)", format_));
  rbac::Inputs inputs = rbac::load_inputs(paths_);
  print_input_errors(inputs);
  const bool had_errors = !inputs.errors.empty();
  if (inputs.roles.empty() && inputs.bindings.empty())
    return input_error(fmt::format(
        "no RBAC objects (Roles, ClusterRoles, RoleBindings, ClusterRoleBindings) in the inputs "
        "({} Kubernetes objects read from {} files)",
        inputs.objects, inputs.files.size()));
  const rbac::Policy policy = rbac::Policy::compile(std::move(inputs));
  auto conversion = k8s_authz::rbac_to_cedar(policy);
  if (!conversion) return input_error(conversion.error().message);
  for (const k8s_authz::ConversionNote& note : conversion->notes)
    std::cerr << fmt::format("{}:{}:{}: warning: {} [{}]\n", note.file, note.line, note.column,
                             note.message, note.code);
  if (format_ == "cedar") {
    std::cout << conversion->cedar;
  } else {
    const cedar::ParsedPolicies parsed = cedar::parse_policies(conversion->cedar, "rbac-to-cedar");
    if (!parsed.ok()) return input_error("internal error: the converted policies do not parse");
    std::string out;
    report::JsonWriter json(out, {.indent = 2});
    const Status written = cedar::est::write_policy_set(json, parsed.policies);
    if (!written) return input_error(written.error().message);
    json.end_line();
    json.flush();
    std::cout << out;
  }
  return had_errors ? kExitInput : kExitOk;
}

}  // namespace eksguard::cli
