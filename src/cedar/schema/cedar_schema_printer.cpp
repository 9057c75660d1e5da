#include "cedar/schema/cedar_schema_printer.h"

#include <map>

#include "cedar/schema/names.h"

namespace eksguard::cedar {
namespace {

// The declarations of one namespace, in the schema's (sorted) order.
struct NamespaceDecls {
  const Annotations* annotations = nullptr;
  std::vector<const CommonTypeDef*> common_types;
  std::vector<const EntityTypeDef*> entity_types;
  std::vector<const ActionDef*> actions;
};

bool is_builtin_name(std::string_view name) {
  return name == "Bool" || name == "Long" || name == "String" ||
         parse_extension_type_name(name).has_value();
}

// What a reference means, resolved as the parser resolves it.
enum class Meaning : uint8_t { kNone, kCommon, kBuiltin, kEntity };

class Printer {
 public:
  explicit Printer(const Schema& schema) : schema_(schema) {}

  Result<std::string> run() {
    std::map<std::string, NamespaceDecls> namespaces;
    for (const NamespaceDef& ns : schema_.namespaces()) {
      namespaces[ns.name].annotations = &ns.annotations;
    }
    for (const CommonTypeDef& def : schema_.common_types()) {
      namespaces[std::string(namespace_of(def.name))].common_types.push_back(&def);
    }
    for (const EntityTypeDef& def : schema_.entity_types()) {
      namespaces[std::string(namespace_of(def.name))].entity_types.push_back(&def);
    }
    for (const ActionDef& def : schema_.actions()) {
      namespaces[std::string(namespace_of(def.uid.type))].actions.push_back(&def);
    }
    for (const auto& [name, decls] : namespaces) print_namespace(name, decls);
    if (!error_.empty()) return fail(error_);
    return std::move(out_);
  }

 private:
  // ---- Names ----------------------------------------------------------------------------------

  bool is_builtin(std::string_view name) const {
    if (namespace_of(name) == kCedarNamespace) return is_builtin_name(basename(name));
    // The short alias exists unless the empty namespace declares the name itself.
    return namespace_of(name).empty() && is_builtin_name(name) &&
           schema_.find_common_type(name) == nullptr && schema_.find_entity_type(name) == nullptr;
  }

  std::pair<Meaning, std::string> meaning(std::string_view written, bool entities) const {
    std::vector<std::string> names = {std::string(written)};
    if (!ns_.empty() && written.find("::") == std::string_view::npos) {
      names.insert(names.begin(), qualify(ns_, written));
    }
    for (std::string& name : names) {
      if (schema_.find_common_type(name) != nullptr) return {Meaning::kCommon, std::move(name)};
      if (is_builtin(name)) return {Meaning::kBuiltin, std::string(basename(name))};
      if (entities && schema_.find_entity_type(name) != nullptr) {
        return {Meaning::kEntity, std::move(name)};
      }
    }
    return {Meaning::kNone, ""};
  }

  // The shortest spelling of `target` that resolves back to it from the current namespace.
  std::string spell(Meaning kind, const std::string& target, std::string_view short_form,
                    std::string_view long_form) {
    for (std::string_view written : {short_form, long_form}) {
      if (meaning(written, true) == std::pair{kind, target}) return std::string(written);
    }
    if (error_.empty()) {
      error_ = "the Cedar schema syntax cannot refer to " + std::string(long_form) +
               " from namespace `" + ns_ + "`: a common type of the same name shadows it";
    }
    return std::string(long_form);
  }

  std::string spell_declared(Meaning kind, const std::string& name) {
    const std::string_view short_form = namespace_of(name) == ns_ ? basename(name) : name;
    return spell(kind, name, short_form, name);
  }

  std::string spell_builtin(std::string_view name) {
    return spell(Meaning::kBuiltin, std::string(name), name, qualify(kCedarNamespace, name));
  }

  std::string spell_action(const ActionUid& uid) const {
    // `Action::"x"` finds the current namespace's action first, then the empty namespace's
    // (RFC 70 keeps those two from coexisting).
    const bool near = uid.type == "Action" || uid.type == qualify(ns_, "Action");
    return (near ? std::string("Action") : uid.type) + "::" + quote_cedar_string(uid.id);
  }

  // ---- Output ---------------------------------------------------------------------------------

  void line(std::string_view text) {
    out_.append(indent_, ' ');
    out_.append(text);
    out_ += '\n';
  }

  void print_annotations(const Annotations& annotations) {
    for (const Annotation& a : annotations)
      line("@" + a.key + "(" + quote_cedar_string(a.value) + ")");
  }

  std::string type_text(const SchemaType& type) {
    if (!type.common_type_name().empty()) {
      return spell_declared(Meaning::kCommon, type.common_type_name());
    }
    switch (type.kind()) {
      case TypeKind::kBool:
        return spell_builtin("Bool");
      case TypeKind::kLong:
        return spell_builtin("Long");
      case TypeKind::kString:
        return spell_builtin("String");
      case TypeKind::kExtension:
        return spell_builtin(extension_type_name(type.extension_type()));
      case TypeKind::kEntity:
        return spell_declared(Meaning::kEntity, type.entity_type());
      case TypeKind::kSet:
        return "Set<" + type_text(type.element()) + ">";
      case TypeKind::kRecord:
        return record_text(type);
    }
    return "";
  }

  // `{`, one attribute a line indented one level deeper, then `}` at the current indent.
  std::string record_text(const SchemaType& record) {
    if (record.attributes().empty()) return "{}";
    std::string text = "{\n";
    const std::string inner(indent_ + 2, ' ');
    indent_ += 2;
    for (size_t i = 0; i < record.attributes().size(); ++i) {
      const AttributeDef& attribute = record.attributes()[i];
      for (const Annotation& a : attribute.annotations) {
        text += inner + "@" + a.key + "(" + quote_cedar_string(a.value) + ")\n";
      }
      text += inner + quote_cedar_string(attribute.name) + (attribute.required ? "" : "?") + ": " +
              type_text(attribute.type) + (i + 1 < record.attributes().size() ? ",\n" : "\n");
    }
    indent_ -= 2;
    return text + std::string(indent_, ' ') + "}";
  }

  std::string list(const std::vector<std::string>& names) {
    std::string text = "[";
    for (const std::string& name : names) {
      if (text.size() > 1) text += ", ";
      text += spell_declared(Meaning::kEntity, name);
    }
    return text + "]";
  }

  void print_namespace(const std::string& name, const NamespaceDecls& decls) {
    ns_ = name;
    if (!out_.empty()) out_ += '\n';
    if (!name.empty()) {
      if (decls.annotations != nullptr) print_annotations(*decls.annotations);
      line("namespace " + name + " {");
      indent_ += 2;
    }
    for (const CommonTypeDef* def : decls.common_types) print_common_type(*def);
    for (const EntityTypeDef* def : decls.entity_types) print_entity_type(*def);
    for (const ActionDef* def : decls.actions) print_action(*def);
    if (!name.empty()) {
      indent_ -= 2;
      line("}");
    }
  }

  void print_common_type(const CommonTypeDef& def) {
    print_annotations(def.annotations);
    line("type " + std::string(basename(def.name)) + " = " + type_text(def.type) + ";");
  }

  void print_entity_type(const EntityTypeDef& def) {
    print_annotations(def.annotations);
    std::string text = "entity " + std::string(basename(def.name));
    if (def.is_enum) {
      text += " enum [";
      for (size_t i = 0; i < def.enum_choices.size(); ++i) {
        text += (i > 0 ? ", " : "") + quote_cedar_string(def.enum_choices[i]);
      }
      line(text + "];");
      return;
    }
    if (!def.member_of_types.empty()) text += " in " + list(def.member_of_types);
    if (!def.shape.attributes().empty()) text += " = " + type_text(def.shape);
    if (def.tags) text += " tags " + type_text(*def.tags);
    line(text + ";");
  }

  void print_action(const ActionDef& def) {
    print_annotations(def.annotations);
    std::string text = "action " + quote_cedar_string(def.uid.id);
    if (!def.member_of.empty()) {
      text += " in [";
      for (size_t i = 0; i < def.member_of.size(); ++i) {
        text += (i > 0 ? ", " : "") + spell_action(def.member_of[i]);
      }
      text += "]";
    }
    // The Cedar syntax cannot write an empty principal or resource list: such an action
    // applies to nothing, which leaving out `appliesTo` says too.
    if (!def.principal_types.empty() && !def.resource_types.empty()) {
      const std::string inner(indent_ + 2, ' ');
      indent_ += 2;
      text += " appliesTo {\n" + inner + "principal: " + list(def.principal_types) + ",\n" + inner +
              "resource: " + list(def.resource_types) + ",\n" + inner +
              "context: " + type_text(def.context) + "\n";
      indent_ -= 2;
      text += std::string(indent_, ' ') + "}";
    }
    line(text + ";");
  }

  const Schema& schema_;
  std::string out_;
  std::string ns_;
  size_t indent_ = 0;
  std::string error_;
};

}  // namespace

Result<std::string> to_cedar_text(const Schema& schema) {
  return Printer(schema).run();
}

}  // namespace eksguard::cedar
