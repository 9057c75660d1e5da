#include "cli/cedar_schema_command.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/app.h"
#include "doc/loader.h"
#include "k8s_authz/crd_schema.h"
#include "k8s_authz/k8s_schema.h"

namespace eksguard::cli {

CedarSchemaCommand::CedarSchemaCommand(CLI::App& cedar) {
  command_ = cedar.add_subcommand(
      "schema",
      "Print a built-in Cedar schema (k8s: the webhooks') or a fragment for custom resources "
      "(crd FILE...)");
  command_->add_option("name", name_, "Schema name: k8s or crd")->required();
  command_->add_option("files", files_, "For crd: CustomResourceDefinition files (YAML/JSON)");
}

int CedarSchemaCommand::execute() const {
  if (name_ == "crd") return crd();
  if (name_ != "k8s") {
    std::cerr << "eksguard cedar schema: unknown schema `" << name_ << "` (known: k8s, crd)\n";
    return kExitInput;
  }
  if (!files_.empty()) {
    std::cerr << "eksguard cedar schema k8s: takes no files\n";
    return kExitInput;
  }
  std::cout << k8s_authz::k8s_schema_text();
  return kExitOk;
}

int CedarSchemaCommand::crd() const {
  if (files_.empty()) {
    std::cerr << "eksguard cedar schema crd: give one or more CRD files (- for stdin)\n";
    return kExitInput;
  }
  const k8s_authz::CrdLimits limits;
  doc::Limits read_limits;
  read_limits.max_input_bytes = limits.max_input_bytes;
  std::vector<doc::PaddedText> texts;
  std::vector<k8s_authz::CrdSource> sources;
  texts.reserve(files_.size());
  for (const std::string& file : files_) {
    auto text = doc::read_input(file, read_limits);
    if (!text) {
      std::cerr << fmt::format("{}: {}\n", file, text.error().message);
      return kExitInput;
    }
    texts.push_back(std::move(*text));
  }
  for (size_t i = 0; i < files_.size(); ++i) sources.push_back({files_[i], texts[i].view()});
  auto base = k8s_authz::k8s_schema();
  if (!base) {
    std::cerr << "built-in schema: " << base.error().message << "\n";
    return kExitInput;
  }
  auto fragment = k8s_authz::crd_schema_fragment(sources, &*base, limits);
  if (!fragment) {
    for (const cedar::Diagnostic& error : fragment.error()) std::cerr << error.render() << "\n";
    return kExitInput;
  }
  // The fragment must merge with the schema the webhook uses; anything else is a bug here.
  const cedar::SchemaFragment generated{"<crd fragment>", fragment->text,
                                        cedar::SchemaSyntax::kCedar};
  if (auto merged = k8s_authz::k8s_schema_with(std::span(&generated, 1)); !merged) {
    std::cerr << "internal error: the generated fragment does not merge with the built-in "
                 "schema:\n"
              << merged.error().message << "\n";
    return kExitInput;
  }
  std::cout << fragment->text;
  std::cerr << fmt::format("{} CRD{}: {} kind{} declared, {} built in, {} other object{} ignored\n",
                           fragment->crds, fragment->crds == 1 ? "" : "s",
                           fragment->entity_types.size(),
                           fragment->entity_types.size() == 1 ? "" : "s", fragment->built_in.size(),
                           fragment->ignored_objects, fragment->ignored_objects == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace eksguard::cli
