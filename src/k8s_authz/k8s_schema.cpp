// The embedded Kubernetes Cedar schema (see k8s_schema.h). The text comes from
// k8s.cedarschema through cmake/Embed.cmake.
#include "k8s_authz/k8s_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>

#include "cedar/schema/cedar_schema_parser.h"
#include "common/file.h"

namespace eksguard::embedded {
extern const char k8s_cedarschema[];
extern const size_t k8s_cedarschema_size;
}  // namespace eksguard::embedded

namespace eksguard::k8s_authz {
namespace {

constexpr std::string_view kAdmissionActionType = "k8s::admission::Action";
constexpr std::array<std::string_view, 4> kCustomResourceOperations = {"all", "create", "update",
                                                                       "delete"};

std::string render(const cedar::Diagnostics& errors, std::string_view fallback) {
  if (errors.empty()) return std::string(fallback);
  std::string out;
  for (const cedar::Diagnostic& error : errors) {
    if (!out.empty()) out += '\n';
    out += error.render();
  }
  return out;
}

}  // namespace

// Adds the entity types annotated @admission to the admission actions' resource types.
Result<cedar::Schema> extend_admission_actions(const cedar::Schema& merged) {
  std::vector<std::string> kinds;
  for (const cedar::EntityTypeDef& type : merged.entity_types()) {
    if (cedar::find_annotation(type.annotations, "admission") != nullptr) {
      kinds.push_back(type.name);
    }
  }
  if (kinds.empty()) return merged;
  cedar::SchemaParts parts;
  parts.namespaces.assign(merged.namespaces().begin(), merged.namespaces().end());
  parts.entity_types.assign(merged.entity_types().begin(), merged.entity_types().end());
  parts.common_types.assign(merged.common_types().begin(), merged.common_types().end());
  parts.warnings.assign(merged.warnings().begin(), merged.warnings().end());
  for (cedar::ActionDef action : merged.actions()) {
    const bool extend =
        action.uid.type == kAdmissionActionType &&
        std::find(kCustomResourceOperations.begin(), kCustomResourceOperations.end(),
                  action.uid.id) != kCustomResourceOperations.end();
    if (extend) {
      auto& types = action.resource_types;
      types.insert(types.end(), kinds.begin(), kinds.end());
      std::sort(types.begin(), types.end());
      types.erase(std::unique(types.begin(), types.end()), types.end());
    }
    parts.actions.push_back(std::move(action));
  }
  auto schema = cedar::Schema::assemble(std::move(parts));
  if (!schema) return fail(render(schema.error(), "the merged schema is invalid"));
  return std::move(*schema);
}

std::string_view k8s_schema_text() {
  return {embedded::k8s_cedarschema, embedded::k8s_cedarschema_size};
}

Result<cedar::Schema> k8s_schema() {
  auto schema = cedar::parse_cedar_schema(k8s_schema_text(), "k8s.cedarschema");
  if (!schema) return fail(render(schema.error(), "invalid schema"));
  return std::move(*schema);
}

Result<cedar::Schema> k8s_schema_with(std::span<const cedar::SchemaFragment> fragments) {
  if (fragments.empty()) return k8s_schema();
  std::vector<cedar::SchemaFragment> all;
  all.push_back({"k8s.cedarschema", k8s_schema_text(), cedar::SchemaSyntax::kCedar});
  all.insert(all.end(), fragments.begin(), fragments.end());
  auto merged = cedar::parse_schema_fragments(all);
  if (!merged) return fail(render(merged.error(), "invalid schema"));
  return extend_admission_actions(*merged);
}

Result<cedar::Schema> k8s_schema_with_files(const std::vector<std::filesystem::path>& files,
                                            size_t max_file_bytes) {
  std::vector<std::string> texts;
  texts.reserve(files.size());
  for (const std::filesystem::path& file : files) {
    auto text = read_file_bounded(file, max_file_bytes);
    if (!text) return fail(text.error().message);
    texts.push_back(std::move(*text));
  }
  std::vector<cedar::SchemaFragment> fragments;
  for (size_t i = 0; i < files.size(); ++i) {
    fragments.push_back({files[i].string(), texts[i], cedar::detect_schema_syntax(texts[i])});
  }
  return k8s_schema_with(fragments);
}

}  // namespace eksguard::k8s_authz
