// `eksguard cedar schema NAME`: prints a schema built into eksguard.
//
//   eksguard cedar schema k8s
//       the Cedar schema the Kubernetes webhooks validate policies against (Cedar schema
//       syntax), e.g. `eksguard cedar schema k8s > k8s.cedarschema` and then
//       `eksguard cedar validate --schema k8s.cedarschema --policies my.cedar`; exit 0, or 2 for
//       an unknown name
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace eksguard::cli {

class CedarSchemaCommand {
 public:
  // Registers `schema` under the `cedar` command.
  explicit CedarSchemaCommand(CLI::App& cedar);
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  CLI::App* command_;
  std::string name_;
};

}  // namespace eksguard::cli
