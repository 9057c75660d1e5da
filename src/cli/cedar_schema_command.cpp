#include "cli/cedar_schema_command.h"

#include <iostream>

#include "cli/app.h"
#include "k8s_authz/k8s_schema.h"

namespace eksguard::cli {

CedarSchemaCommand::CedarSchemaCommand(CLI::App& cedar) {
  command_ = cedar.add_subcommand("schema", "Print a built-in Cedar schema (k8s: the webhooks')");
  command_->add_option("name", name_, "Schema name: k8s")->required();
}

int CedarSchemaCommand::execute() const {
  if (name_ != "k8s") {
    std::cerr << "eksguard cedar schema: unknown schema `" << name_ << "` (known: k8s)\n";
    return kExitInput;
  }
  std::cout << k8s_authz::k8s_schema_text();
  return kExitOk;
}

}  // namespace eksguard::cli
