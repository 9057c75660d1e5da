// `eksguard cedar schema NAME`: prints a schema built into eksguard, or one made from input.
//
//   eksguard cedar schema k8s
//       the Cedar schema the Kubernetes webhooks validate policies against (Cedar schema
//       syntax), e.g. `eksguard cedar schema k8s > k8s.cedarschema` and then
//       `eksguard cedar validate --schema k8s.cedarschema --policies my.cedar`
//   eksguard cedar schema crd FILE...
//       a Cedar schema fragment declaring the kinds of the CustomResourceDefinitions in the
//       files (YAML or JSON, several documents, Lists; k8s_authz/crd_schema.h), for
//       `eksguard serve --schema` and `eksguard cedar validate --schema k8s --schema`. The
//       fragment is checked to merge with the built-in schema before it is printed.
// Exit 0; 2 for an unknown name, an unreadable file or a malformed CRD (each error with
// file:line:column and a crd.* code on stderr).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace eksguard::cli {

class CedarSchemaCommand {
 public:
  // Registers `schema` under the `cedar` command.
  explicit CedarSchemaCommand(CLI::App& cedar);
  bool selected() const { return command_->parsed(); }
  int execute() const;

 private:
  int crd() const;

  CLI::App* command_;
  std::string name_;
  std::vector<std::string> files_;
};

}  // namespace eksguard::cli
