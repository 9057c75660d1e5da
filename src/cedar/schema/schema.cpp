// Schema: assembling validated parts, hierarchy closures, and lookups.
#include "cedar/schema/schema.h"

#include <algorithm>
#include <unordered_map>

#include "cedar/schema/names.h"

namespace eksguard::cedar {

struct Schema::Data {
  std::vector<NamespaceDef> namespaces;
  std::vector<EntityTypeDef> entity_types;
  std::vector<ActionDef> actions;
  std::vector<CommonTypeDef> common_types;
  Diagnostics warnings;
  // Indexes over the vectors above; the keys view strings those vectors own, which never move
  // once the Data is built.
  std::unordered_map<std::string_view, uint32_t> entity_index;
  std::unordered_map<std::string_view, std::unordered_map<std::string_view, uint32_t>> action_index;
  std::unordered_map<std::string_view, uint32_t> common_index;
};

namespace {

using Index = std::vector<std::vector<uint32_t>>;

Diagnostic assembly_error(std::string code, std::string message) {
  return make_diagnostic(std::move(code), std::move(message), "", 0, 0, 0);
}

template <typename T>
void sort_unique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

// Transitive closure of `parents` for every node, within `budget` entries in total. Returns
// false when the budget runs out.
bool close_over(const Index& parents, size_t budget, Index& ancestors) {
  const size_t n = parents.size();
  ancestors.assign(n, {});
  std::vector<uint32_t> mark(n, UINT32_MAX);  // mark[x] == i: x already reached from i
  std::vector<uint32_t> frontier;
  size_t total = 0;
  for (uint32_t i = 0; i < n; ++i) {
    frontier.assign(parents[i].begin(), parents[i].end());
    while (!frontier.empty()) {
      const uint32_t x = frontier.back();
      frontier.pop_back();
      if (mark[x] == i) continue;
      mark[x] = i;
      ancestors[i].push_back(x);
      if (++total > budget) return false;
      frontier.insert(frontier.end(), parents[x].begin(), parents[x].end());
    }
    std::sort(ancestors[i].begin(), ancestors[i].end());
  }
  return true;
}

Index invert(const Index& ancestors) {
  Index descendants(ancestors.size());
  for (uint32_t i = 0; i < ancestors.size(); ++i) {
    for (uint32_t a : ancestors[i]) descendants[a].push_back(i);  // i ascends, so sorted
  }
  return descendants;
}

template <typename Def>
bool has_duplicate(const std::vector<Def>& sorted, auto key, Diagnostics& errors,
                   std::string_view what) {
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (key(sorted[i - 1]) == key(sorted[i])) {
      errors.push_back(assembly_error(
          "schema.duplicate-declaration",
          std::string(what) + " `" + key(sorted[i]) + "` is declared more than once"));
      return true;
    }
  }
  return false;
}

class Assembler {
 public:
  Assembler(Schema::Data& data, const SchemaLimits& limits) : data_(data), limits_(limits) {}

  Diagnostics run() {
    sort_declarations();
    if (!errors_.empty()) return std::move(errors_);
    index();
    check_references();
    if (errors_.empty()) close_entity_hierarchy();
    if (errors_.empty()) close_action_hierarchy();
    return std::move(errors_);
  }

 private:
  void sort_declarations() {
    auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
    std::sort(data_.namespaces.begin(), data_.namespaces.end(), by_name);
    std::sort(data_.entity_types.begin(), data_.entity_types.end(), by_name);
    std::sort(data_.common_types.begin(), data_.common_types.end(), by_name);
    std::sort(data_.actions.begin(), data_.actions.end(),
              [](const ActionDef& a, const ActionDef& b) { return a.uid < b.uid; });
    auto name = [](const auto& d) { return d.name; };
    has_duplicate(data_.namespaces, name, errors_, "namespace");
    has_duplicate(data_.entity_types, name, errors_, "entity type");
    has_duplicate(data_.common_types, name, errors_, "common type");
    has_duplicate(
        data_.actions, [](const ActionDef& a) { return a.uid.to_string(); }, errors_, "action");
  }

  void index() {
    for (uint32_t i = 0; i < data_.entity_types.size(); ++i) {
      data_.entity_index.emplace(data_.entity_types[i].name, i);
    }
    for (uint32_t i = 0; i < data_.actions.size(); ++i) {
      const ActionUid& uid = data_.actions[i].uid;
      data_.action_index[uid.type].emplace(uid.id, i);
    }
    for (uint32_t i = 0; i < data_.common_types.size(); ++i) {
      data_.common_index.emplace(data_.common_types[i].name, i);
    }
  }

  bool is_entity(std::string_view name) const { return data_.entity_index.contains(name); }

  void require_entity(std::string_view name, std::string_view where) {
    if (is_entity(name)) return;
    errors_.push_back(assembly_error(
        "schema.undefined-type",
        "undeclared entity type `" + std::string(name) + "` in " + std::string(where)));
  }

  void require_entities_in(const SchemaType& type, std::string_view where) {
    type.for_each_entity_type([&](const std::string& name) { require_entity(name, where); });
  }

  void require_record(const SchemaType& type, std::string_view what) {
    if (type.is_record()) return;
    errors_.push_back(assembly_error(
        "schema.not-a-record",
        std::string(what) + " must be a record type, not `" + type.to_string() + "`"));
  }

  void check_entity_type(EntityTypeDef& def) {
    const std::string where = "entity type `" + def.name + "`";
    sort_unique(def.member_of_types);
    for (const std::string& parent : def.member_of_types) require_entity(parent, where);
    require_record(def.shape, "the shape of " + where);
    require_entities_in(def.shape, where);
    if (def.tags) require_entities_in(*def.tags, where);
    if (def.is_enum && (!def.member_of_types.empty() || !def.shape.attributes().empty() ||
                        def.tags || def.enum_choices.empty())) {
      errors_.push_back(assembly_error(
          "schema.invalid-enum",
          "enumerated " + where + " needs choices and has no parents, attributes or tags"));
    }
  }

  void check_action(ActionDef& def) {
    const std::string where = "action `" + def.uid.to_string() + "`";
    sort_unique(def.principal_types);
    sort_unique(def.resource_types);
    sort_unique(def.member_of);
    for (const std::string& type : def.principal_types) require_entity(type, where);
    for (const std::string& type : def.resource_types) require_entity(type, where);
    require_record(def.context, "the context of " + where);
    require_entities_in(def.context, where);
    for (const ActionUid& parent : def.member_of) {
      if (find_action(parent) == UINT32_MAX) {
        errors_.push_back(assembly_error(
            "schema.undefined-action",
            "undeclared action `" + parent.to_string() + "` in the parents of " + where));
      }
    }
  }

  void check_references() {
    for (EntityTypeDef& def : data_.entity_types) check_entity_type(def);
    for (ActionDef& def : data_.actions) check_action(def);
    for (const CommonTypeDef& def : data_.common_types) {
      require_entities_in(def.type, "common type `" + def.name + "`");
    }
  }

  uint32_t find_action(const ActionUid& uid) const {
    const auto by_type = data_.action_index.find(uid.type);
    if (by_type == data_.action_index.end()) return UINT32_MAX;
    const auto it = by_type->second.find(uid.id);
    return it == by_type->second.end() ? UINT32_MAX : it->second;
  }

  bool close(const Index& parents, Index& ancestors) {
    if (close_over(parents, limits_.max_closure_size - closure_used_, ancestors)) {
      for (const auto& a : ancestors) closure_used_ += a.size();
      return true;
    }
    errors_.push_back(assembly_error("schema.limit.hierarchy",
                                     "the entity and action hierarchies have more than " +
                                         std::to_string(limits_.max_closure_size) +
                                         " ancestor relations"));
    return false;
  }

  // Entity type hierarchies may be cyclic (`entity Album in [Album]`); Cedar allows it.
  void close_entity_hierarchy() {
    auto& types = data_.entity_types;
    Index parents(types.size());
    for (uint32_t i = 0; i < types.size(); ++i) {
      for (const std::string& parent : types[i].member_of_types) {
        parents[i].push_back(data_.entity_index.at(parent));
      }
    }
    Index ancestors;
    if (!close(parents, ancestors)) return;
    const Index descendants = invert(ancestors);
    for (uint32_t i = 0; i < types.size(); ++i) {
      for (uint32_t a : ancestors[i]) types[i].ancestors.push_back(types[a].name);
      for (uint32_t d : descendants[i]) types[i].descendants.push_back(types[d].name);
    }
  }

  // The action hierarchy must be a DAG: Cedar rejects any action that is its own ancestor.
  void close_action_hierarchy() {
    auto& actions = data_.actions;
    Index parents(actions.size());
    for (uint32_t i = 0; i < actions.size(); ++i) {
      for (const ActionUid& parent : actions[i].member_of)
        parents[i].push_back(find_action(parent));
    }
    Index ancestors;
    if (!close(parents, ancestors)) return;
    for (uint32_t i = 0; i < actions.size(); ++i) {
      if (std::binary_search(ancestors[i].begin(), ancestors[i].end(), i)) {
        errors_.push_back(assembly_error(
            "schema.action-cycle",
            "the action hierarchy has a cycle through `" + actions[i].uid.to_string() + "`"));
        return;
      }
    }
    const Index descendants = invert(ancestors);
    for (uint32_t i = 0; i < actions.size(); ++i) {
      for (uint32_t a : ancestors[i]) actions[i].ancestors.push_back(actions[a].uid);
      for (uint32_t d : descendants[i]) actions[i].descendants.push_back(actions[d].uid);
    }
  }

  Schema::Data& data_;
  const SchemaLimits& limits_;
  Diagnostics errors_;
  size_t closure_used_ = 0;
};

}  // namespace

std::string ActionUid::to_string() const {
  return type + "::" + quote_cedar_string(id);
}

bool EntityTypeDef::has_ancestor(std::string_view type) const {
  return std::binary_search(ancestors.begin(), ancestors.end(), type);
}

bool EntityTypeDef::is_enum_choice(std::string_view id) const {
  return std::find(enum_choices.begin(), enum_choices.end(), id) != enum_choices.end();
}

bool ActionDef::applies_to(std::string_view principal_type, std::string_view resource_type) const {
  return std::binary_search(principal_types.begin(), principal_types.end(), principal_type) &&
         std::binary_search(resource_types.begin(), resource_types.end(), resource_type);
}

bool ActionDef::has_ancestor(const ActionUid& group) const {
  return std::binary_search(ancestors.begin(), ancestors.end(), group);
}

Schema::Schema() : data_(std::make_shared<const Data>()) {}

Result<Schema, Diagnostics> Schema::assemble(SchemaParts parts, const SchemaLimits& limits) {
  // Built in place: the indexes view strings inside these vectors.
  auto data = std::make_shared<Data>();
  data->namespaces = std::move(parts.namespaces);
  data->entity_types = std::move(parts.entity_types);
  data->actions = std::move(parts.actions);
  data->common_types = std::move(parts.common_types);
  data->warnings = std::move(parts.warnings);
  for (EntityTypeDef& def : data->entity_types) {
    def.ancestors.clear();
    def.descendants.clear();
  }
  for (ActionDef& def : data->actions) {
    def.ancestors.clear();
    def.descendants.clear();
  }
  Diagnostics errors = Assembler(*data, limits).run();
  if (!errors.empty()) return Unexpected<Diagnostics>(std::move(errors));
  return Schema(std::move(data));
}

std::span<const NamespaceDef> Schema::namespaces() const {
  return data_->namespaces;
}
std::span<const EntityTypeDef> Schema::entity_types() const {
  return data_->entity_types;
}
std::span<const ActionDef> Schema::actions() const {
  return data_->actions;
}
std::span<const CommonTypeDef> Schema::common_types() const {
  return data_->common_types;
}
std::span<const Diagnostic> Schema::warnings() const {
  return data_->warnings;
}

const EntityTypeDef* Schema::find_entity_type(std::string_view name) const {
  const auto it = data_->entity_index.find(name);
  return it == data_->entity_index.end() ? nullptr : &data_->entity_types[it->second];
}

const ActionDef* Schema::find_action(std::string_view type, std::string_view id) const {
  const auto by_type = data_->action_index.find(type);
  if (by_type == data_->action_index.end()) return nullptr;
  const auto it = by_type->second.find(id);
  return it == by_type->second.end() ? nullptr : &data_->actions[it->second];
}

const CommonTypeDef* Schema::find_common_type(std::string_view name) const {
  const auto it = data_->common_index.find(name);
  return it == data_->common_index.end() ? nullptr : &data_->common_types[it->second];
}

bool Schema::action_applies(const ActionUid& action, std::string_view principal_type,
                            std::string_view resource_type) const {
  const ActionDef* def = find_action(action);
  return def != nullptr && def->applies_to(principal_type, resource_type);
}

bool Schema::entity_type_in(std::string_view type, std::string_view ancestor) const {
  if (type == ancestor) return true;
  const EntityTypeDef* def = find_entity_type(type);
  return def != nullptr && def->has_ancestor(ancestor);
}

bool Schema::action_in(const ActionUid& action, const ActionUid& group) const {
  if (action == group) return true;
  const ActionDef* def = find_action(action);
  return def != nullptr && def->has_ancestor(group);
}

const AttributeDef* Schema::attribute(std::string_view entity_type,
                                      std::string_view attribute) const {
  const EntityTypeDef* def = find_entity_type(entity_type);
  return def == nullptr ? nullptr : def->find_attribute(attribute);
}

const SchemaType* Schema::tags_type(std::string_view entity_type) const {
  const EntityTypeDef* def = find_entity_type(entity_type);
  return def != nullptr && def->tags ? &*def->tags : nullptr;
}

const SchemaType* Schema::context_type(const ActionUid& action) const {
  const ActionDef* def = find_action(action);
  return def == nullptr ? nullptr : &def->context;
}

bool operator==(const Schema& a, const Schema& b) {
  auto named = [](const Schema& s) {
    std::vector<NamespaceDef> out;
    for (const NamespaceDef& ns : s.data_->namespaces) {
      if (!ns.name.empty()) out.push_back(ns);
    }
    return out;
  };
  const Schema::Data& x = *a.data_;
  const Schema::Data& y = *b.data_;
  return named(a) == named(b) && x.entity_types == y.entity_types && x.actions == y.actions &&
         x.common_types == y.common_types;
}

}  // namespace eksguard::cedar
