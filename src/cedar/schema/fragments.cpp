// Parsing and merging schema fragments (fragments.h).
#include "cedar/schema/fragments.h"

#include <algorithm>
#include <map>
#include <memory>

#include "cedar/schema/raw_schema.h"

namespace eksguard::cedar {
namespace schema_internal {
namespace {

void set_source(Span& span, uint32_t source) {
  span.source = source;
}

void set_source(RawType& type, uint32_t source) {
  set_source(type.span, source);
  if (type.element) {
    // Elements may be shared between declarations of one fragment; relabel a copy.
    auto element = std::make_shared<RawType>(*type.element);
    set_source(*element, source);
    type.element = std::move(element);
  }
  for (RawAttribute& attribute : type.attributes) {
    set_source(attribute.span, source);
    set_source(attribute.type, source);
  }
}

void set_source(std::vector<RawName>& names, uint32_t source) {
  for (RawName& name : names) set_source(name.span, source);
}

void set_source(RawNamespace& ns, uint32_t source) {
  set_source(ns.span, source);
  for (RawEntityType& e : ns.entity_types) {
    set_source(e.span, source);
    set_source(e.member_of, source);
    if (e.shape) set_source(*e.shape, source);
    if (e.tags) set_source(*e.tags, source);
  }
  for (RawAction& a : ns.actions) {
    set_source(a.span, source);
    for (RawActionRef& ref : a.member_of) set_source(ref.span, source);
    set_source(a.principal_types, source);
    set_source(a.resource_types, source);
    if (a.context) set_source(*a.context, source);
    if (a.attributes) set_source(*a.attributes, source);
  }
  for (RawCommonType& c : ns.common_types) {
    set_source(c.span, source);
    set_source(c.type, source);
  }
}

template <typename T>
void append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

void merge_into(RawNamespace& into, RawNamespace& from) {
  append(into.entity_types, from.entity_types);
  append(into.actions, from.actions);
  append(into.common_types, from.common_types);
  // Annotations of the first fragment win on a repeated key.
  for (Annotation& annotation : from.annotations) {
    if (find_annotation(into.annotations, annotation.key) == nullptr) {
      into.annotations.push_back(std::move(annotation));
    }
  }
  std::sort(into.annotations.begin(), into.annotations.end(),
            [](const Annotation& a, const Annotation& b) { return a.key < b.key; });
}

}  // namespace

RawSchema merge_raw_schemas(std::vector<RawSchema> fragments) {
  RawSchema merged;
  std::map<std::string, size_t> first_declared;  // namespace → index in merged
  for (uint32_t source = 0; source < fragments.size(); ++source) {
    RawSchema& fragment = fragments[source];
    merged.warn_on_shadowing = merged.warn_on_shadowing || fragment.warn_on_shadowing;
    append(merged.warnings, fragment.warnings);
    std::map<std::string, size_t> here;
    for (RawNamespace& ns : fragment.namespaces) {
      set_source(ns, source);
      const auto earlier = first_declared.find(ns.name);
      if (earlier != first_declared.end() && !here.contains(ns.name)) {
        merge_into(merged.namespaces[earlier->second], ns);
        here.emplace(ns.name, earlier->second);
        continue;
      }
      here.emplace(ns.name, merged.namespaces.size());
      first_declared.emplace(ns.name, merged.namespaces.size());
      merged.namespaces.push_back(std::move(ns));
    }
  }
  return merged;
}

}  // namespace schema_internal

SchemaSyntax detect_schema_syntax(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{' ? SchemaSyntax::kJson
                                                               : SchemaSyntax::kCedar;
}

Result<Schema, Diagnostics> parse_schema_fragments(std::span<const SchemaFragment> fragments,
                                                   const SchemaLimits& limits) {
  using namespace schema_internal;
  std::vector<RawSchema> raws;
  std::vector<std::string> files;
  Diagnostics errors;
  for (const SchemaFragment& fragment : fragments) {
    auto raw = fragment.syntax == SchemaSyntax::kJson
                   ? parse_json_schema_raw(fragment.text, fragment.file, limits)
                   : parse_cedar_schema_raw(fragment.text, fragment.file, limits);
    if (!raw) {
      errors.insert(errors.end(), raw.error().begin(), raw.error().end());
      continue;
    }
    raws.push_back(std::move(*raw));
    files.push_back(fragment.file);
  }
  if (!errors.empty()) return Unexpected<Diagnostics>(std::move(errors));
  return build_schema(merge_raw_schemas(std::move(raws)), files, limits);
}

}  // namespace eksguard::cedar
