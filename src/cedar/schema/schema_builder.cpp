// From the schema as written to a Schema: declaration checks, name resolution, common-type
// inlining and the checks Cedar 4 makes while building its ValidatorSchema
// (cedar-policy-core/src/validator/schema.rs, schema/namespace_def.rs, schema/raw_name.rs).
#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

#include "cedar/schema/names.h"
#include "cedar/schema/raw_schema.h"

namespace eksguard::cedar::schema_internal {
namespace {

// Built-in types, reachable as `__cedar::Name` and, unless the empty namespace declares the
// name itself, as plain `Name`.
struct Builtin {
  std::string_view name;
  SchemaType (*make)();
};
SchemaType make_ipaddr() {
  return SchemaType::extension(ExtensionType::kIpAddr);
}
SchemaType make_decimal() {
  return SchemaType::extension(ExtensionType::kDecimal);
}
SchemaType make_datetime() {
  return SchemaType::extension(ExtensionType::kDatetime);
}
SchemaType make_duration() {
  return SchemaType::extension(ExtensionType::kDuration);
}
constexpr std::array<Builtin, 7> kBuiltins = {{{"Bool", &SchemaType::boolean},
                                               {"Long", &SchemaType::long_type},
                                               {"String", &SchemaType::string_type},
                                               {"ipaddr", &make_ipaddr},
                                               {"decimal", &make_decimal},
                                               {"datetime", &make_datetime},
                                               {"duration", &make_duration}}};

// Names the JSON syntax gives meaning to, so no common type may take them.
constexpr std::array<std::string_view, 8> kReservedCommonTypeNames = {
    "Bool", "Boolean", "Entity", "Extension", "Long", "Record", "Set", "String"};

// Cedar warns when a declaration takes one of these names.
bool is_builtin_name(std::string_view name) {
  return name == "Bool" || name == "Long" || name == "String" ||
         parse_extension_type_name(name).has_value();
}

using Index = std::vector<std::vector<uint32_t>>;

// Kahn's algorithm: `order` lists every node after the nodes it depends on (deps[i]). When the
// graph has a cycle, returns one node on it.
std::optional<uint32_t> topological_order(const Index& deps, std::vector<uint32_t>& order) {
  const size_t n = deps.size();
  std::vector<size_t> pending(n);
  Index dependents(n);
  std::vector<uint32_t> ready;
  for (uint32_t i = 0; i < n; ++i) {
    pending[i] = deps[i].size();
    for (uint32_t d : deps[i]) dependents[d].push_back(i);
  }
  for (uint32_t i = n; i-- > 0;) {
    if (pending[i] == 0) ready.push_back(i);
  }
  order.clear();
  while (!ready.empty()) {
    const uint32_t x = ready.back();
    ready.pop_back();
    order.push_back(x);
    for (uint32_t y : dependents[x]) {
      if (--pending[y] == 0) ready.push_back(y);
    }
  }
  if (order.size() == n) return std::nullopt;
  // Every node left waits on another node left, so following those waits closes a loop.
  uint32_t x = 0;
  while (pending[x] == 0) ++x;
  std::vector<bool> seen(n, false);
  while (!seen[x]) {
    seen[x] = true;
    for (uint32_t d : deps[x]) {
      if (pending[d] > 0) {
        x = d;
        break;
      }
    }
  }
  return x;
}

enum class RefKind : uint8_t { kCommon, kEntity, kCommonOrEntity };

std::string_view ref_kind_text(RefKind kind) {
  switch (kind) {
    case RefKind::kCommon:
      return "common type";
    case RefKind::kEntity:
      return "entity type";
    case RefKind::kCommonOrEntity:
      return "common or entity type";
  }
  return "type";
}

// The names an unqualified reference may mean from inside `ns`, in priority order (RFC 24):
// first in the current namespace, then in the empty one.
std::vector<std::string> candidates(std::string_view ns, std::string_view written) {
  if (ns.empty() || written.find("::") != std::string_view::npos) return {std::string(written)};
  return {qualify(ns, written), std::string(written)};
}

struct CommonEntry {
  std::string name;
  std::string ns;                      // where references in the definition resolve
  const RawCommonType* raw = nullptr;  // nullptr: built in
  std::optional<SchemaType> type;      // once resolved
};

struct Resolved {
  bool common = false;
  std::string name;
};

class Builder {
 public:
  Builder(const RawSchema& raw, std::vector<std::string> files, const SchemaLimits& limits)
      : raw_(raw), files_(std::move(files)), limits_(limits) {}

  Result<Schema, Diagnostics> run() {
    check_declarations();
    if (errors_.empty()) collect_definitions();
    if (errors_.empty()) check_empty_namespace_shadowing();
    if (errors_.empty()) {
      add_builtins();
      resolve_common_types();
      build_entity_types();
      build_actions();
    }
    if (errors_.empty()) check_action_cycles();
    if (!errors_.empty()) return Unexpected<Diagnostics>(std::move(errors_));
    parts_.warnings.insert(parts_.warnings.begin(), raw_.warnings.begin(), raw_.warnings.end());
    for (const RawNamespace& ns : raw_.namespaces) {
      parts_.namespaces.push_back(NamespaceDef{ns.name, ns.annotations});
    }
    auto schema = Schema::assemble(std::move(parts_), limits_);
    if (!schema) return Unexpected<Diagnostics>(with_file(schema.error()));
    return std::move(*schema);
  }

 private:
  void error(std::string code, std::string message, Span span) {
    errors_.push_back(make_diagnostic(std::move(code), std::move(message), file_of(span), span.line,
                                      span.column, span.length));
  }

  void warn(std::string code, std::string message, Span span) {
    parts_.warnings.push_back(make_diagnostic(std::move(code), std::move(message), file_of(span),
                                              span.line, span.column, span.length,
                                              Severity::kWarning));
  }

  std::string_view file_of(Span span) const {
    return span.source < files_.size() ? std::string_view(files_[span.source]) : "<schema>";
  }

  Diagnostics with_file(Diagnostics diagnostics) const {
    // Whole-schema checks have no position; name the first fragment.
    for (Diagnostic& d : diagnostics) d.file = file_of(Span{});
    return diagnostics;
  }

  // ---- Declarations -------------------------------------------------------------------------

  void check_declarations() {
    std::unordered_map<std::string_view, Span> namespaces;
    size_t declarations = 0;
    for (const RawNamespace& ns : raw_.namespaces) {
      if (has_cedar_component(ns.name)) {
        error("schema.reserved-name",
              "namespace " + backticked(ns.name) + " uses the reserved `__cedar` namespace",
              ns.span);
      }
      if (!namespaces.emplace(ns.name, ns.span).second) {
        error("schema.duplicate-namespace",
              "namespace " + backticked(ns.name) + " is declared more than once", ns.span);
      }
      check_namespace_declarations(ns);
      declarations += ns.entity_types.size() + ns.actions.size() + ns.common_types.size();
    }
    if (declarations > limits_.max_declarations) {
      error("schema.limit.declarations",
            "the schema declares more than " + std::to_string(limits_.max_declarations) +
                " entity types, actions and common types",
            Span{});
    }
  }

  void check_namespace_declarations(const RawNamespace& ns) {
    std::unordered_set<std::string_view> entities;
    std::unordered_set<std::string_view> commons;
    std::unordered_set<std::string_view> actions;
    for (const RawEntityType& e : ns.entity_types) {
      check_declared_name(e.name, "entity type", e.span);
      if (e.name == "Action") {
        error("schema.action-entity-type",
              "`Action` cannot be declared as an entity type: it is the type of actions", e.span);
      }
      if (!entities.insert(e.name).second) duplicate("entity type", ns.name, e.name, e.span);
    }
    for (const RawCommonType& c : ns.common_types) {
      check_declared_name(c.name, "common type", c.span);
      if (std::find(kReservedCommonTypeNames.begin(), kReservedCommonTypeNames.end(), c.name) !=
          kReservedCommonTypeNames.end()) {
        error("schema.reserved-common-type-name",
              backticked(c.name) + " is reserved and cannot be the name of a common type", c.span);
      }
      if (!commons.insert(c.name).second) duplicate("common type", ns.name, c.name, c.span);
    }
    for (const RawAction& a : ns.actions) {
      if (!actions.insert(a.name).second) {
        duplicate("action", ns.name, quote_cedar_string(a.name), a.span);
      }
      if (a.attributes) {
        error("schema.unsupported.action-attributes",
              "action attributes are not supported (action " + quote_cedar_string(a.name) + ")",
              *a.attributes);
      }
    }
    if (raw_.warn_on_shadowing) warn_about_shadowing(ns, entities);
  }

  void check_declared_name(std::string_view name, std::string_view what, Span span) {
    if (name == kCedarNamespace) {
      error("schema.reserved-name",
            std::string(what) + " name `__cedar` is reserved for built-in types", span);
    }
  }

  void duplicate(std::string_view what, std::string_view ns, std::string_view name, Span span) {
    error("schema.duplicate-declaration",
          std::string(what) + " " + backticked(name) +
              (ns.empty() ? std::string() : " in namespace " + backticked(ns)) +
              " is declared more than once",
          span);
  }

  void warn_about_shadowing(const RawNamespace& ns,
                            const std::unordered_set<std::string_view>& entities) {
    for (const RawCommonType& c : ns.common_types) {
      if (entities.contains(c.name)) {
        warn("schema.shadows-entity-type",
             "common type " + backticked(c.name) + " shadows the entity type of the same name",
             c.span);
      }
      if (is_builtin_name(c.name)) {
        warn("schema.shadows-builtin",
             "common type " + backticked(c.name) +
                 " shadows a built-in type; use `__cedar::" + c.name + "` to name the built-in",
             c.span);
      }
    }
    for (const RawEntityType& e : ns.entity_types) {
      if (is_builtin_name(e.name)) {
        warn("schema.shadows-builtin",
             "entity type " + backticked(e.name) +
                 " shadows a built-in type; use `__cedar::" + e.name + "` to name the built-in",
             e.span);
      }
    }
  }

  // ---- Definitions ----------------------------------------------------------------------------

  void collect_definitions() {
    for (const RawNamespace& ns : raw_.namespaces) {
      for (const RawEntityType& e : ns.entity_types) {
        entities_.emplace(qualify(ns.name, e.name), e.span);
      }
      for (const RawCommonType& c : ns.common_types) {
        add_common(CommonEntry{qualify(ns.name, c.name), ns.name, &c, std::nullopt});
      }
      for (const RawAction& a : ns.actions) {
        actions_[qualify(ns.name, "Action")].emplace(a.name, a.span);
      }
    }
  }

  void add_common(CommonEntry entry) {
    common_index_.emplace(entry.name, static_cast<uint32_t>(commons_.size()));
    commons_.push_back(std::move(entry));
  }

  // RFC 70: nothing declared in a namespace may shadow a declaration of the empty namespace.
  void check_empty_namespace_shadowing() {
    std::unordered_set<std::string_view> empty_namespace;
    for (const auto& [name, span] : entities_) {
      if (name.find("::") == std::string::npos) empty_namespace.insert(name);
    }
    for (const CommonEntry& c : commons_) {
      if (c.ns.empty()) empty_namespace.insert(c.name);
    }
    for (const RawNamespace& ns : raw_.namespaces) {
      if (ns.name.empty()) continue;
      for (const RawEntityType& e : ns.entity_types) shadowing(ns, e.name, e.span, empty_namespace);
      for (const RawCommonType& c : ns.common_types) shadowing(ns, c.name, c.span, empty_namespace);
      check_action_shadowing(ns);
    }
  }

  void shadowing(const RawNamespace& ns, const std::string& name, Span span,
                 const std::unordered_set<std::string_view>& empty_namespace) {
    if (!empty_namespace.contains(name)) return;
    error("schema.shadowed-declaration",
          "definition of " + backticked(qualify(ns.name, name)) + " shadows " + backticked(name) +
              " declared in the empty namespace",
          span);
  }

  void check_action_shadowing(const RawNamespace& ns) {
    const auto empty = actions_.find("Action");
    if (empty == actions_.end()) return;
    for (const RawAction& a : ns.actions) {
      if (!empty->second.contains(a.name)) continue;
      error("schema.shadowed-declaration",
            "definition of " + ActionUid{qualify(ns.name, "Action"), a.name}.to_string() +
                " shadows " + ActionUid{"Action", a.name}.to_string() +
                " declared in the empty namespace",
            a.span);
    }
  }

  void add_builtins() {
    for (const Builtin& builtin : kBuiltins) {
      add_common(CommonEntry{qualify(kCedarNamespace, builtin.name), "", nullptr, builtin.make()});
      const std::string alias(builtin.name);
      if (!entities_.contains(alias) && !common_index_.contains(alias)) {
        add_common(CommonEntry{alias, "", nullptr, builtin.make()});
      }
    }
  }

  // ---- Resolution -----------------------------------------------------------------------------

  std::optional<Resolved> resolve(std::string_view ns, std::string_view written,
                                  RefKind kind) const {
    for (std::string& name : candidates(ns, written)) {
      // At each candidate a common type wins over an entity type (RFC 24).
      if (kind != RefKind::kEntity && common_index_.contains(name)) {
        return Resolved{true, std::move(name)};
      }
      if (kind != RefKind::kCommon && entities_.contains(name)) {
        return Resolved{false, std::move(name)};
      }
    }
    return std::nullopt;
  }

  void unresolved(std::string_view ns, std::string_view written, RefKind kind, Span span) {
    const std::vector<std::string> names = candidates(ns, written);
    std::string why = names.size() == 1 ? backticked(names[0]) + " has not been declared as a "
                                        : "neither " + backticked(names[0]) + " nor " +
                                              backticked(names[1]) + " has been declared as a ";
    error(kind == RefKind::kEntity ? "schema.undefined-entity-type" : "schema.undefined-type",
          "failed to resolve type " + backticked(written) + ": " + why +
              std::string(ref_kind_text(kind)),
          span);
  }

  void collect_common_refs(const RawType& raw, std::string_view ns, std::vector<uint32_t>& out) {
    if (raw.kind == RawTypeKind::kCommon || raw.kind == RawTypeKind::kEntityOrCommon) {
      const RefKind kind =
          raw.kind == RawTypeKind::kCommon ? RefKind::kCommon : RefKind::kCommonOrEntity;
      const std::optional<Resolved> target = resolve(ns, raw.name, kind);
      if (target && target->common) out.push_back(common_index_.at(target->name));
    }
    if (raw.element) collect_common_refs(*raw.element, ns, out);
    for (const RawAttribute& attribute : raw.attributes) {
      collect_common_refs(attribute.type, ns, out);
    }
  }

  // Common types resolve in dependency order, each inlining the ones it uses; a cycle is an
  // error (`type A = Set<B>; type B = {"a": A};`).
  void resolve_common_types() {
    Index deps(commons_.size());
    for (uint32_t i = 0; i < commons_.size(); ++i) {
      if (commons_[i].raw != nullptr)
        collect_common_refs(commons_[i].raw->type, commons_[i].ns, deps[i]);
    }
    std::vector<uint32_t> order;
    if (const std::optional<uint32_t> cycle = topological_order(deps, order)) {
      error("schema.common-type-cycle",
            "common type " + backticked(commons_[*cycle].name) +
                " is defined in terms of itself (a cycle of common type references)",
            commons_[*cycle].raw->span);
    }
    for (uint32_t i : order) {
      CommonEntry& entry = commons_[i];
      if (entry.raw != nullptr) entry.type = convert(entry.raw->type, entry.ns);
    }
    for (const CommonEntry& entry : commons_) {
      if (entry.raw == nullptr || !entry.type) continue;
      parts_.common_types.push_back(CommonTypeDef{entry.name, *entry.type, entry.raw->annotations});
    }
  }

  std::optional<SchemaType> convert(const RawType& raw, std::string_view ns) {
    std::optional<SchemaType> type;
    switch (raw.kind) {
      case RawTypeKind::kBool:
        return SchemaType::boolean();
      case RawTypeKind::kLong:
        return SchemaType::long_type();
      case RawTypeKind::kString:
        return SchemaType::string_type();
      case RawTypeKind::kExtension:
        return convert_extension(raw);
      case RawTypeKind::kEntity:
        return convert_reference(raw, ns, RefKind::kEntity);
      case RawTypeKind::kCommon:
        return convert_reference(raw, ns, RefKind::kCommon);
      case RawTypeKind::kEntityOrCommon:
        return convert_reference(raw, ns, RefKind::kCommonOrEntity);
      case RawTypeKind::kSet:
        type = raw.element ? convert(*raw.element, ns) : std::nullopt;
        if (type) type = SchemaType::set_of(std::move(*type));
        break;
      case RawTypeKind::kRecord:
        type = convert_record(raw, ns);
        break;
    }
    if (type && type->depth() > limits_.max_resolved_depth) {
      error("schema.limit.type-depth",
            "type nests deeper than " + std::to_string(limits_.max_resolved_depth) +
                " levels once common types are expanded",
            raw.span);
      return std::nullopt;
    }
    return type;
  }

  std::optional<SchemaType> convert_extension(const RawType& raw) {
    if (const std::optional<ExtensionType> ext = parse_extension_type_name(raw.name)) {
      return SchemaType::extension(*ext);
    }
    error("schema.unknown-extension-type",
          "unknown extension type " + backticked(raw.name) +
              "; the extension types are ipaddr, decimal, datetime and duration",
          raw.span);
    return std::nullopt;
  }

  std::optional<SchemaType> convert_reference(const RawType& raw, std::string_view ns,
                                              RefKind kind) {
    const std::optional<Resolved> target = resolve(ns, raw.name, kind);
    if (!target) {
      unresolved(ns, raw.name, kind, raw.span);
      return std::nullopt;
    }
    if (!target->common) return SchemaType::entity(target->name);
    const CommonEntry& entry = commons_[common_index_.at(target->name)];
    // Unresolved only when it failed (reported already) or sits on a cycle (reported too).
    if (!entry.type) return std::nullopt;
    return entry.raw == nullptr ? *entry.type : entry.type->named(entry.name);
  }

  std::optional<SchemaType> convert_record(const RawType& raw, std::string_view ns) {
    if (raw.additional_attributes) {
      error("schema.unsupported.additional-attributes",
            "records with `additionalAttributes: true` are not supported", raw.span);
      return std::nullopt;
    }
    std::vector<AttributeDef> attributes;
    bool ok = true;
    for (const RawAttribute& attribute : raw.attributes) {
      std::optional<SchemaType> type = convert(attribute.type, ns);
      if (!type) {
        ok = false;
        continue;
      }
      attributes.push_back(AttributeDef{attribute.name, std::move(*type), attribute.required,
                                        attribute.annotations});
    }
    if (!ok) return std::nullopt;
    return SchemaType::record(std::move(attributes));
  }

  std::optional<std::string> resolve_entity(std::string_view ns, const RawName& name) {
    const std::optional<Resolved> target = resolve(ns, name.text, RefKind::kEntity);
    if (target) return target->name;
    unresolved(ns, name.text, RefKind::kEntity, name.span);
    return std::nullopt;
  }

  std::vector<std::string> resolve_entities(std::string_view ns,
                                            const std::vector<RawName>& names) {
    std::vector<std::string> out;
    for (const RawName& name : names) {
      if (std::optional<std::string> resolved = resolve_entity(ns, name)) {
        out.push_back(std::move(*resolved));
      }
    }
    return out;
  }

  // A shape or context: absent means the empty record; present, it must resolve to a record.
  SchemaType convert_record_slot(const std::optional<RawType>& raw, std::string_view ns,
                                 const std::string& what) {
    if (!raw) return SchemaType::record({});
    std::optional<SchemaType> type = convert(*raw, ns);
    if (type && !type->is_record()) {
      error("schema.not-a-record", what + " must be a record type, not `" + type->to_string() + "`",
            raw->span);
    }
    return type && type->is_record() ? *type : SchemaType::record({});
  }

  // ---- Entity types and actions -----------------------------------------------------------------

  void build_entity_types() {
    for (const RawNamespace& ns : raw_.namespaces) {
      for (const RawEntityType& e : ns.entity_types) build_entity_type(ns.name, e);
    }
  }

  void build_entity_type(const std::string& ns, const RawEntityType& e) {
    EntityTypeDef def;
    def.name = qualify(ns, e.name);
    def.annotations = e.annotations;
    def.member_of_types = resolve_entities(ns, e.member_of);
    def.shape =
        convert_record_slot(e.shape, ns, "the shape of entity type " + backticked(def.name));
    if (e.tags) def.tags = convert(*e.tags, ns);
    if (e.enum_choices) {
      def.is_enum = true;
      // Cedar keeps the choices as a set; keep the first of any repeated choice.
      for (const std::string& choice : *e.enum_choices) {
        if (!def.is_enum_choice(choice)) def.enum_choices.push_back(choice);
      }
    }
    parts_.entity_types.push_back(std::move(def));
  }

  void build_actions() {
    for (const RawNamespace& ns : raw_.namespaces) {
      for (const RawAction& a : ns.actions) build_action(ns.name, a);
    }
  }

  void build_action(const std::string& ns, const RawAction& a) {
    ActionDef def;
    def.uid = ActionUid{qualify(ns, "Action"), a.name};
    def.annotations = a.annotations;
    def.principal_types = resolve_entities(ns, a.principal_types);
    def.resource_types = resolve_entities(ns, a.resource_types);
    def.context =
        convert_record_slot(a.context, ns, "the context of action " + def.uid.to_string());
    for (const RawActionRef& parent : a.member_of) {
      if (std::optional<ActionUid> uid = resolve_action(ns, parent)) {
        def.member_of.push_back(std::move(*uid));
      }
    }
    action_spans_.push_back(a.span);
    parts_.actions.push_back(std::move(def));
  }

  std::optional<ActionUid> resolve_action(std::string_view ns, const RawActionRef& ref) {
    const std::string written = ref.type.value_or("Action");
    for (std::string& type : candidates(ns, written)) {
      const auto it = actions_.find(type);
      if (it != actions_.end() && it->second.contains(ref.id)) {
        return ActionUid{std::move(type), ref.id};
      }
    }
    error("schema.undefined-action",
          "undeclared action " + ActionUid{written, ref.id}.to_string() +
              "; actions appearing as parents need to be declared as actions",
          ref.span);
    return std::nullopt;
  }

  // Cedar rejects an action hierarchy with a cycle; report it where the action is declared.
  void check_action_cycles() {
    std::unordered_map<std::string, uint32_t> index;
    for (uint32_t i = 0; i < parts_.actions.size(); ++i) {
      index.emplace(parts_.actions[i].uid.to_string(), i);
    }
    Index parents(parts_.actions.size());
    for (uint32_t i = 0; i < parts_.actions.size(); ++i) {
      for (const ActionUid& parent : parts_.actions[i].member_of) {
        parents[i].push_back(index.at(parent.to_string()));
      }
    }
    std::vector<uint32_t> order;
    if (const std::optional<uint32_t> cycle = topological_order(parents, order)) {
      error("schema.action-cycle",
            "the action hierarchy has a cycle through " + parts_.actions[*cycle].uid.to_string(),
            action_spans_[*cycle]);
    }
  }

  const RawSchema& raw_;
  std::vector<std::string> files_;
  const SchemaLimits& limits_;
  Diagnostics errors_;
  SchemaParts parts_;
  std::unordered_map<std::string, Span> entities_;  // fully qualified entity type names
  std::vector<CommonEntry> commons_;
  std::unordered_map<std::string, uint32_t> common_index_;
  // Declared actions: fully qualified action type -> ids.
  std::unordered_map<std::string, std::unordered_map<std::string, Span>> actions_;
  std::vector<Span> action_spans_;  // parallel to parts_.actions
};

}  // namespace

Result<Schema, Diagnostics> build_schema(const RawSchema& raw, std::string_view file,
                                         const SchemaLimits& limits) {
  return Builder(raw, {std::string(file)}, limits).run();
}

Result<Schema, Diagnostics> build_schema(const RawSchema& raw,
                                         const std::vector<std::string>& files,
                                         const SchemaLimits& limits) {
  return Builder(raw, files, limits).run();
}

}  // namespace eksguard::cedar::schema_internal
