// CustomResourceDefinitions → a Cedar schema fragment (see crd_schema.h).
#include "k8s_authz/crd_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "common/utf8.h"
#include "doc/loader.h"
#include "k8s_authz/review.h"

namespace eksguard::k8s_authz {
namespace {

using doc::MapEntry;
using doc::Node;

constexpr std::string_view kCrdApiVersion = "apiextensions.k8s.io/v1";

// A Cedar string literal in plain ASCII: quotes and backslashes escaped, control characters and
// every non-ASCII character as \u{…} (so no bidirectional control can disguise the output).
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    const Utf8Char c = decode_utf8(text.data() + i, text.size() - i);
    i += c.length;
    const char32_t cp = c.code_point;
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp >= 0x7f) {
      out += fmt::format("\\u{{{:x}}}", static_cast<uint32_t>(cp));
    } else {
      out += static_cast<char>(cp);
    }
  }
  return out + "\"";
}

std::string tabs(uint32_t n) {
  return std::string(n, '\t');
}

// One kind of the fragment.
struct Kind {
  std::string name;  // the last component of the entity type
  std::string body;  // the record's attribute lines
  std::string origin;
  std::vector<std::string> left_out;
};

class Translator {
 public:
  Translator(const cedar::Schema* base, const CrdLimits& limits) : base_(base), limits_(limits) {}

  void read(const CrdSource& source) {
    file_ = source.file;
    if (source.text.size() > limits_.max_input_bytes) {
      error("crd.limit.size",
            fmt::format("the file is larger than {} bytes", limits_.max_input_bytes), {});
      return;
    }
    doc::Limits doc_limits;
    doc_limits.max_input_bytes = limits_.max_input_bytes;
    doc_limits.max_document_bytes = limits_.max_input_bytes;
    const std::vector<Error> errors =
        doc::load_text(source.text, source.file, doc_limits, [this](doc::Document& document) {
          if (document.root() != nullptr && !document.root()->is_null()) top(*document.root());
        });
    for (const Error& e : errors) {
      errors_.push_back(cedar::make_diagnostic("crd.parse", e.message, file_, e.line, e.column));
    }
  }

  Result<CrdSchemaFragment, cedar::Diagnostics> finish() {
    if (!errors_.empty()) return Unexpected<cedar::Diagnostics>(std::move(errors_));
    if (out_.crds == 0) {
      return Unexpected<cedar::Diagnostics>(cedar::Diagnostics{cedar::make_diagnostic(
          "crd.none", "no apiextensions.k8s.io/v1 CustomResourceDefinition in the input", file_, 0,
          0)});
    }
    out_.text = render();
    std::sort(out_.entity_types.begin(), out_.entity_types.end());
    std::sort(out_.built_in.begin(), out_.built_in.end());
    return std::move(out_);
  }

 private:
  void error(std::string code, std::string message, doc::Position at) {
    errors_.push_back(
        cedar::make_diagnostic(std::move(code), std::move(message), file_, at.line, at.column));
  }

  // A document: a CRD, a list of objects, or something else (ignored).
  void top(const Node& node) {
    if (!node.is_mapping()) {
      error("crd.not-an-object",
            fmt::format("expected a Kubernetes object (a mapping), found {}",
                        doc::describe(node.kind())),
            node.position());
      return;
    }
    const std::string_view kind = node.string_at("kind");
    const Node* items = node.get("items");
    if (kind.ends_with("List") && items != nullptr) {
      if (!items->is_sequence()) {
        error("crd.invalid-field", fmt::format("items of a {} must be a list", kind),
              items->position());
        return;
      }
      for (const Node* item : items->items()) {
        // Lists do not nest in Kubernetes; an item that is a list is just another object.
        if (item->is_mapping() && item->string_at("kind") == "CustomResourceDefinition") {
          crd(*item);
        } else if (!item->is_mapping()) {
          error("crd.not-an-object", "a list item must be a Kubernetes object (a mapping)",
                item->position());
        } else {
          ++out_.ignored_objects;
        }
      }
      return;
    }
    if (kind == "CustomResourceDefinition") {
      crd(node);
    } else {
      ++out_.ignored_objects;
    }
  }

  const Node* field(const Node& parent, std::string_view key, std::string_view path,
                    doc::NodeKind expected) {
    const Node* value = parent.get(key);
    if (value == nullptr) {
      error("crd.missing-field", fmt::format("{} is required", path), parent.position());
      return nullptr;
    }
    if (value->kind() != expected || (value->is_string() && value->text().empty())) {
      error("crd.invalid-field",
            fmt::format(
                "{} must be {}, found {}", path,
                expected == doc::NodeKind::kString ? "a non-empty string" : doc::describe(expected),
                value->is_string() ? "an empty string" : doc::describe(value->kind())),
            value->position());
      return nullptr;
    }
    return value;
  }

  void crd(const Node& node) {
    if (++out_.crds > limits_.max_crds) {
      if (out_.crds == limits_.max_crds + 1) {
        error("crd.limit.count", fmt::format("more than {} CRDs", limits_.max_crds),
              node.position());
      }
      return;
    }
    const Node* api_version = node.get("apiVersion");
    if (api_version == nullptr || api_version->text() != kCrdApiVersion) {
      error("crd.unsupported-api-version",
            fmt::format("expected apiVersion {}, found `{}`", kCrdApiVersion,
                        api_version == nullptr ? "" : api_version->text()),
            api_version == nullptr ? node.position() : api_version->position());
      return;
    }
    const Node* spec = field(node, "spec", "spec", doc::NodeKind::kMapping);
    if (spec == nullptr) return;
    const Node* group = field(*spec, "group", "spec.group", doc::NodeKind::kString);
    const Node* names = field(*spec, "names", "spec.names", doc::NodeKind::kMapping);
    const Node* kind = names == nullptr
                           ? nullptr
                           : field(*names, "kind", "spec.names.kind", doc::NodeKind::kString);
    const Node* versions = field(*spec, "versions", "spec.versions", doc::NodeKind::kSequence);
    if (group == nullptr || kind == nullptr || versions == nullptr) return;
    if (versions->size() == 0) {
      error("crd.invalid-field", "spec.versions must list at least one version",
            versions->position());
      return;
    }
    for (const Node* version : versions->items()) {
      if (!version->is_mapping()) {
        error("crd.invalid-field", "each entry of spec.versions must be a mapping",
              version->position());
        continue;
      }
      add_version(*version, group->text(), kind->text());
    }
  }

  void add_version(const Node& version, std::string_view group, std::string_view kind) {
    const Node* name = field(version, "name", "spec.versions[].name", doc::NodeKind::kString);
    if (name == nullptr) return;
    const Node* served = version.get("served");
    if (served != nullptr && !served->as_bool()) {
      error("crd.invalid-field", "spec.versions[].served must be true or false",
            served->position());
      return;
    }
    if (served != nullptr && served->is_false()) return;  // not served: no object has it
    const Node* schema = version.get("schema");
    const Node* open_api = schema == nullptr ? nullptr : schema->get("openAPIV3Schema");
    if (open_api == nullptr || !open_api->is_mapping()) {
      error("crd.missing-field",
            fmt::format("version {}: schema.openAPIV3Schema (a mapping) is required", name->text()),
            (open_api != nullptr ? open_api
             : schema != nullptr ? schema
                                 : &version)
                ->position());
      return;
    }
    const std::string type = cedar_entity_type_for_kind(group, name->text(), kind);
    const size_t split = type.rfind("::");
    const std::string ns = type.substr(0, split);
    Kind out;
    out.name = type.substr(split + 2);
    out.origin = fmt::format("{}:{}", file_, version.position().line);
    if (base_ != nullptr && base_->find_entity_type(type) != nullptr) {
      out_.built_in.push_back(type);
      return;
    }
    auto [it, inserted] = declared_.emplace(type, out.origin);
    if (!inserted) {
      error("crd.duplicate-kind",
            fmt::format("{} ({}/{} {}) is already declared by the CRD at {}", type, group,
                        name->text(), kind, it->second),
            name->position());
      return;
    }
    const size_t errors_before = errors_.size();
    out.body = root_attributes(*open_api, out);
    if (errors_.size() != errors_before) return;
    out_.entity_types.push_back(type);
    namespaces_[ns].push_back(std::move(out));
  }

  // The top level: the built-in kinds' standard attributes, then the schema's own properties.
  std::string root_attributes(const Node& schema, Kind& kind) {
    std::vector<std::string> lines = {
        "\"apiVersion\"?: __cedar::String",
        "\"kind\"?: __cedar::String",
        "\"metadata\"?: meta::v1::ObjectMeta",
        fmt::format("\"oldObject\"?: {}", kind.name),
    };
    if (const Node* properties = checked_properties(schema, "")) {
      const std::set<std::string_view> required = required_of(schema, "");
      for (const MapEntry& entry : properties->entries()) {
        if (entry.key == "apiVersion" || entry.key == "kind" || entry.key == "metadata") continue;
        if (entry.key == "oldObject") {
          kind.left_out.push_back("oldObject (the webhook's own attribute: the old object)");
          continue;
        }
        if (auto line = attribute(entry, required, "", 1, kind)) lines.push_back(*line);
      }
    }
    std::string body;
    for (const std::string& line : lines) {
      body += body.empty() ? "\n" : ",\n";
      body += tabs(2) + line;
    }
    return body;
  }

  const Node* checked_properties(const Node& schema, std::string_view path) {
    const Node* properties = schema.get("properties");
    if (properties == nullptr) return nullptr;
    if (!properties->is_mapping()) {
      error("crd.invalid-schema",
            fmt::format("{}properties must be a mapping",
                        path.empty() ? "" : fmt::format("{}: ", path)),
            properties->position());
      return nullptr;
    }
    return properties;
  }

  std::set<std::string_view> required_of(const Node& schema, std::string_view path) {
    std::set<std::string_view> out;
    const Node* required = schema.get("required");
    if (required == nullptr) return out;
    if (!required->is_sequence()) {
      error("crd.invalid-schema",
            fmt::format("{}required must be a list of property names",
                        path.empty() ? "" : fmt::format("{}: ", path)),
            required->position());
      return out;
    }
    for (const Node* name : required->items()) {
      if (!name->is_string()) {
        error("crd.invalid-schema", "each entry of required must be a property name",
              name->position());
        continue;
      }
      out.insert(name->text());
    }
    return out;
  }

  // `"name"?: Type`, or nullopt when the property is left out.
  std::optional<std::string> attribute(const MapEntry& entry,
                                       const std::set<std::string_view>& required,
                                       std::string_view parent, uint32_t depth, Kind& kind) {
    const std::string path =
        parent.empty() ? std::string(entry.key) : fmt::format("{}.{}", parent, entry.key);
    if (++attributes_ > limits_.max_attributes) {
      if (attributes_ == limits_.max_attributes + 1) {
        error("crd.limit.attributes",
              fmt::format("the CRDs have more than {} properties", limits_.max_attributes),
              entry.value->position());
      }
      return std::nullopt;
    }
    std::optional<std::string> type = type_of(*entry.value, path, depth, kind);
    if (!type) return std::nullopt;
    const bool nullable = entry.value->is_mapping() && entry.value->get("nullable") != nullptr &&
                          entry.value->get("nullable")->is_true();
    const bool is_required = required.contains(entry.key) && !nullable;
    return fmt::format("{}{}: {}", quote(entry.key), is_required ? "" : "?", *type);
  }

  void leave_out(Kind& kind, const std::string& path, std::string_view why) {
    kind.left_out.push_back(fmt::format("{} ({})", path, why));
  }

  static bool flag(const Node& schema, std::string_view key) {
    const Node* value = schema.get(key);
    return value != nullptr && value->is_true();
  }

  // The Cedar type of a property's schema; nullopt when left out (noted) or malformed (error).
  std::optional<std::string> type_of(const Node& schema, const std::string& path, uint32_t depth,
                                     Kind& kind) {
    if (!schema.is_mapping()) {
      error("crd.invalid-schema",
            fmt::format("{}: a schema must be a mapping, found {}", path,
                        doc::describe(schema.kind())),
            schema.position());
      return std::nullopt;
    }
    if (flag(schema, "x-kubernetes-int-or-string")) return "__cedar::String";
    const Node* type_node = schema.get("type");
    std::string_view type;
    if (type_node != nullptr) {
      if (!type_node->is_string()) {
        error("crd.invalid-schema", fmt::format("{}: type must be a string", path),
              type_node->position());
        return std::nullopt;
      }
      type = type_node->text();
    } else if (schema.get("properties") != nullptr ||
               schema.get("additionalProperties") != nullptr) {
      type = "object";
    }
    if (type == "string") return "__cedar::String";
    if (type == "integer") return "__cedar::Long";
    if (type == "boolean") return "__cedar::Bool";
    if (type == "number") return "__cedar::decimal";
    if (type == "object" || type == "array") {
      if (depth >= limits_.max_schema_depth) {
        leave_out(kind, path,
                  fmt::format("nested deeper than {} levels", limits_.max_schema_depth));
        return std::nullopt;
      }
      return type == "object" ? object_type(schema, path, depth, kind)
                              : array_type(schema, path, depth, kind);
    }
    if (type.empty()) {
      leave_out(kind, path,
                flag(schema, "x-kubernetes-preserve-unknown-fields")
                    ? "x-kubernetes-preserve-unknown-fields: any value"
                    : "no type");
      return std::nullopt;
    }
    error("crd.invalid-schema",
          fmt::format("{}: unknown type `{}` (expected object, array, string, integer, number or "
                      "boolean)",
                      path, type),
          type_node->position());
    return std::nullopt;
  }

  std::optional<std::string> object_type(const Node& schema, const std::string& path,
                                         uint32_t depth, Kind& kind) {
    if (const Node* properties = checked_properties(schema, path)) {
      const std::set<std::string_view> required = required_of(schema, path);
      std::string out = "{";
      bool first = true;
      for (const MapEntry& entry : properties->entries()) {
        auto line = attribute(entry, required, path, depth + 1, kind);
        if (!line) continue;
        out += first ? "\n" : ",\n";
        out += tabs(depth + 2) + *line;
        first = false;
      }
      return first ? std::string("{}") : out + "\n" + tabs(depth + 1) + "}";
    }
    if (schema.get("properties") != nullptr) return std::nullopt;  // malformed: reported
    const Node* additional = schema.get("additionalProperties");
    if (additional == nullptr || additional->is_bool()) {
      leave_out(kind, path,
                flag(schema, "x-kubernetes-preserve-unknown-fields")
                    ? "x-kubernetes-preserve-unknown-fields: a free-form object"
                    : "a free-form object");
      return std::nullopt;
    }
    if (!additional->is_mapping()) {
      error("crd.invalid-schema",
            fmt::format("{}: additionalProperties must be a schema or a boolean", path),
            additional->position());
      return std::nullopt;
    }
    return map_type(*additional, path, kind);
  }

  // Kubernetes maps as the webhook's objects have them: sets of key/value records.
  std::optional<std::string> map_type(const Node& values, const std::string& path, Kind& kind) {
    if (flag(values, "x-kubernetes-int-or-string") || values.string_at("type") == "string") {
      return "Set<meta::v1::KeyValue>";
    }
    const Node* items = values.get("items");
    if (values.string_at("type") == "array" && items != nullptr && items->is_mapping() &&
        items->string_at("type") == "string") {
      return "Set<meta::v1::KeyValueStringSlice>";
    }
    const std::string_view type = values.string_at("type");
    leave_out(kind, path,
              fmt::format("a map of {}", type.empty() ? std::string_view("untyped values") : type));
    return std::nullopt;
  }

  std::optional<std::string> array_type(const Node& schema, const std::string& path, uint32_t depth,
                                        Kind& kind) {
    const Node* items = schema.get("items");
    if (items == nullptr) {
      leave_out(kind, path, "an array without an items schema");
      return std::nullopt;
    }
    const std::string item_path = path + "[]";
    auto element = type_of(*items, item_path, depth + 1, kind);
    if (!element) return std::nullopt;
    return fmt::format("Set<{}>", *element);
  }

  std::string render() const {
    std::string out = fmt::format(
        "// Cedar schema fragment for {} CustomResourceDefinition{} (eksguard cedar schema crd).\n"
        "// Use it with `eksguard serve --schema FILE` or `eksguard cedar validate --schema`\n"
        "// (after the built-in schema, `eksguard cedar schema k8s`). `@admission` adds a kind to\n"
        "// the admission actions when the fragment is merged with the built-in schema.\n",
        out_.crds, out_.crds == 1 ? "" : "s");
    for (const std::string& type : out_.built_in) {
      out += fmt::format("// {} is declared by the built-in schema; not redeclared.\n", type);
    }
    for (const auto& [ns, kinds] : namespaces_) {
      out += fmt::format("\nnamespace {} {{\n", ns);
      std::vector<const Kind*> sorted;
      for (const Kind& kind : kinds) sorted.push_back(&kind);
      std::sort(sorted.begin(), sorted.end(),
                [](const Kind* a, const Kind* b) { return a->name < b->name; });
      for (const Kind* kind : sorted) {
        out += fmt::format("\t// from {}\n", kind->origin);
        for (const std::string& note : kind->left_out) {
          out += fmt::format("\t// left out: {}\n", note);
        }
        out += fmt::format("\t@admission\n\tentity {} = {{{}\n\t}} tags __cedar::String;\n",
                           kind->name, kind->body);
      }
      out += "}\n";
    }
    return out;
  }

  const cedar::Schema* base_;
  const CrdLimits& limits_;
  std::string file_;
  cedar::Diagnostics errors_;
  CrdSchemaFragment out_;
  size_t attributes_ = 0;
  std::map<std::string, std::string> declared_;          // entity type → origin
  std::map<std::string, std::vector<Kind>> namespaces_;  // namespace → kinds
};

}  // namespace

Result<CrdSchemaFragment, cedar::Diagnostics> crd_schema_fragment(
    std::span<const CrdSource> sources, const cedar::Schema* base, const CrdLimits& limits) {
  Translator translator(base, limits);
  for (const CrdSource& source : sources) translator.read(source);
  return translator.finish();
}

}  // namespace eksguard::k8s_authz
