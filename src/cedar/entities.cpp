#include "cedar/entities.h"

#include <fmt/format.h>

#include <algorithm>

#include "cedar/internal/names.h"
#include "cedar/value_json.h"
#include "doc/loader.h"

namespace eksguard::cedar {

// Builds an Entities: parses each entity, numbers uids, then computes the transitive closure.
class EntitiesLoader {
 public:
  EntitiesLoader(const Schema* schema, const EntitiesLimits& limits)
      : schema_(schema), limits_(limits) {
    store_.arena_ = std::make_unique<Arena>();
  }
  EntitiesLoader(std::unique_ptr<Arena> arena, const EntitiesLimits& limits)
      : schema_(nullptr), limits_(limits) {
    store_.arena_ = std::move(arena);
  }

  Result<Entities> load_values(std::span<const EntityInit> entities) {
    store_.entities_.reserve(entities.size());
    parents_.reserve(entities.size());
    store_.index_.reserve(entities.size() * 2);
    for (const EntityInit& init : entities) {
      Entity entity;
      entity.uid = init.uid;
      entity.attrs = init.attrs;
      entity.tags = init.tags;
      std::vector<uint32_t> parents;
      parents.reserve(init.parents.size());
      for (const EntityUid* parent : init.parents) parents.push_back(number(parent));
      if (auto added = add(entity, std::move(parents), nullptr); !added) {
        return Unexpected(added.error());
      }
    }
    if (auto closed = close(); !closed) return Unexpected(closed.error());
    return std::move(store_);
  }

  Result<Entities> load(const doc::Node& root) {
    if (!root.is_sequence()) {
      return fail("entities must be a JSON array of entities", root.position().line,
                  root.position().column);
    }
    store_.entities_.reserve(root.size());
    parents_.reserve(root.size());
    for (const doc::Node* item : root.items()) {
      if (auto added = add_entity(*item); !added) return Unexpected(added.error());
    }
    if (schema_ != nullptr) add_schema_actions();
    if (auto closed = close(); !closed) return Unexpected(closed.error());
    return std::move(store_);
  }

 private:
  uint32_t number(const EntityUid* uid) {
    const auto [it, inserted] =
        store_.index_.emplace(uid, static_cast<uint32_t>(store_.uids_.size()));
    if (inserted) {
      store_.uids_.push_back(uid);
      store_.entity_of_.push_back(-1);
    }
    return it->second;
  }

  // Whether the entity at `existing` has the same attributes, tags and parents (as a set).
  bool same_entity(int32_t existing, const Entity& entity, std::vector<uint32_t> parents) const {
    const Entity& other = store_.entities_[static_cast<size_t>(existing)];
    if (!(other.attrs == entity.attrs) || !(other.tags == entity.tags)) return false;
    std::vector<uint32_t> known = parents_[static_cast<size_t>(existing)];
    std::sort(known.begin(), known.end());
    known.erase(std::unique(known.begin(), known.end()), known.end());
    std::sort(parents.begin(), parents.end());
    parents.erase(std::unique(parents.begin(), parents.end()), parents.end());
    return known == parents;
  }

  Status add_entity(const doc::Node& node) {
    Arena& arena = *store_.arena_;
    const auto position_error = [](const doc::Node& at, std::string message) {
      return fail(std::move(message), at.position().line, at.position().column);
    };
    if (!node.is_mapping()) return position_error(node, "each entity must be a JSON object");
    for (const doc::MapEntry& entry : node.entries()) {
      if (entry.key != "uid" && entry.key != "attrs" && entry.key != "parents" &&
          entry.key != "tags") {
        return fail(fmt::format("unexpected field `{}` in an entity (expected `uid`, `attrs`, "
                                "`parents`, `tags`)",
                                entry.key),
                    entry.key_position.line, entry.key_position.column);
      }
    }
    const doc::Node* uid_node = node.get("uid");
    if (uid_node == nullptr) return position_error(node, "entity is missing the `uid` field");
    auto uid = entity_uid_from_json(*uid_node, arena);
    if (!uid) return Unexpected(uid.error());
    const std::string name = to_cedar_string(**uid);
    const auto in_entity = [&name](Error error) {
      error.message = fmt::format("entity `{}`: {}", name, error.message);
      return Unexpected(std::move(error));
    };

    const EntityTypeDef* type = nullptr;
    if (schema_ != nullptr) {
      auto declared = declaration(**uid, *uid_node, node);
      if (!declared) return in_entity(declared.error());
      type = *declared;
    }

    Entity entity;
    entity.uid = *uid;
    entity.attrs = Value::from_canonical_record({});
    entity.tags = Value::from_canonical_record({});
    const doc::Node* attrs = node.get("attrs");
    if (type != nullptr) {
      // Absent attributes are an empty record, which the shape may not allow.
      auto record = attrs != nullptr ? value_from_json(*attrs, type->shape, arena)
                                     : empty_record(type->shape);
      if (!record) return in_entity(record.error());
      entity.attrs = *record;
    } else if (attrs != nullptr) {
      auto record = record_from_json(*attrs, arena);
      if (!record) return in_entity(record.error());
      entity.attrs = *record;
    }
    if (const doc::Node* tags = node.get("tags")) {
      auto record = tags_from_json(*tags, type, name, arena);
      if (!record) return in_entity(record.error());
      entity.tags = *record;
    }
    std::vector<uint32_t> parents;
    if (const doc::Node* list = node.get("parents")) {
      if (!list->is_sequence()) {
        return in_entity(Error{"`parents` must be an array of entity uids", list->position().line,
                               list->position().column});
      }
      for (const doc::Node* parent : list->items()) {
        auto parent_uid = entity_uid_from_json(*parent, arena);
        if (!parent_uid) return in_entity(parent_uid.error());
        if (schema_ != nullptr) {
          auto allowed = check_parent(**uid, type, **parent_uid, *parent);
          if (!allowed) return in_entity(allowed.error());
        }
        parents.push_back(number(*parent_uid));
      }
    }
    return add(entity, std::move(parents), uid_node);
  }

  // Adds `entity` unless the same uid was already added with the same content.
  Status add(const Entity& entity, std::vector<uint32_t> parents, const doc::Node* at) {
    const uint32_t index = number(entity.uid);
    if (const int32_t existing = store_.entity_of_[index]; existing >= 0) {
      // Cedar accepts an entity listed twice when both entries say the same thing.
      if (same_entity(existing, entity, parents)) return Ok{};
      std::string message =
          fmt::format("duplicate entity entry `{}`", to_cedar_string(*entity.uid));
      if (at == nullptr) return fail(std::move(message));
      return fail(std::move(message), at->position().line, at->position().column);
    }
    store_.entity_of_[index] = static_cast<int32_t>(store_.entities_.size());
    store_.entities_.push_back(entity);
    parents_.push_back(std::move(parents));
    return Ok{};
  }

  // The schema's declaration of `uid`'s type (nullptr for an action, which the schema
  // re-declares anyway), or an error when the schema does not allow the entity.
  Result<const EntityTypeDef*> declaration(const EntityUid& uid, const doc::Node& uid_node,
                                           const doc::Node& node) {
    const auto at = [&uid_node](std::string message) {
      return fail(std::move(message), uid_node.position().line, uid_node.position().column);
    };
    if (internal::is_action_type(uid.type)) {
      if (schema_->find_action(uid.type, uid.id) == nullptr) {
        return at(
            fmt::format("found action entity `{}`, but it was not declared as an action in "
                        "the schema",
                        to_cedar_string(uid)));
      }
      const doc::Node* attrs = node.get("attrs");
      if (attrs != nullptr && attrs->size() > 0) {
        return at(fmt::format("definition of action `{}` does not match its schema declaration",
                              to_cedar_string(uid)));
      }
      return static_cast<const EntityTypeDef*>(nullptr);
    }
    const EntityTypeDef* type = schema_->find_entity_type(uid.type);
    if (type == nullptr) {
      return at(fmt::format("entity `{}` has type `{}` which is not declared in the schema",
                            to_cedar_string(uid), uid.type));
    }
    if (type->is_enum && !type->is_enum_choice(uid.id)) {
      return at(
          fmt::format("entity `{}` is of an enumerated entity type, but `{}` is not "
                      "declared as a valid eid",
                      to_cedar_string(uid), quote_string(uid.id)));
    }
    return type;
  }

  Result<Value> tags_from_json(const doc::Node& tags, const EntityTypeDef* type,
                               const std::string& name, Arena& arena) {
    if (schema_ == nullptr || type == nullptr) return record_from_json(tags, arena);
    if (!tags.is_mapping()) {
      return fail("`tags` must be an object", tags.position().line, tags.position().column);
    }
    if (!type->tags) {
      if (tags.size() == 0) return Value::from_canonical_record({});
      const doc::MapEntry& first = tags.entries()[0];
      return fail(fmt::format("found a tag `{}` on `{}`, but no tags should exist on `{}` "
                              "according to the schema",
                              first.key, name, name),
                  first.key_position.line, first.key_position.column);
    }
    std::vector<RecordEntry> entries;
    for (const doc::MapEntry& entry : tags.entries()) {
      auto value = value_from_json(*entry.value, *type->tags, arena);
      if (!value) {
        Error error = value.error();
        error.message = fmt::format("in tag `{}`: {}", entry.key, error.message);
        return Unexpected(std::move(error));
      }
      entries.push_back(RecordEntry{arena.copy(entry.key), *value});
    }
    return make_record(arena, entries);
  }

  Status check_parent(const EntityUid& child, const EntityTypeDef* type, const EntityUid& parent,
                      const doc::Node& at) {
    bool allowed = false;
    if (type == nullptr) {
      // An action's parents must be among the groups the schema puts it in.
      const ActionDef* action = schema_->find_action(child.type, child.id);
      allowed = action != nullptr && internal::is_action_type(parent.type) &&
                action->has_ancestor(ActionUid{std::string(parent.type), std::string(parent.id)});
      if (!allowed) {
        return fail(fmt::format("definition of action `{}` does not match its schema declaration",
                                to_cedar_string(child)),
                    at.position().line, at.position().column);
      }
      return Ok{};
    }
    for (const std::string& member_of : type->member_of_types) allowed |= member_of == parent.type;
    if (!allowed) {
      return fail(fmt::format("`{}` is not allowed to have an ancestor of type `{}` according to "
                              "the schema",
                              to_cedar_string(child), parent.type),
                  at.position().line, at.position().column);
    }
    return Ok{};
  }

  // Every declared action becomes an entity whose parents are its action groups; an action
  // entity given in the JSON is replaced by the declaration (they were checked to agree).
  void add_schema_actions() {
    Arena& arena = *store_.arena_;
    for (const ActionDef& action : schema_->actions()) {
      const EntityUid* uid = make_uid(arena, action.uid.type, action.uid.id);
      std::vector<uint32_t> parents;
      for (const ActionUid& group : action.member_of) {
        parents.push_back(number(make_uid(arena, group.type, group.id)));
      }
      const uint32_t index = number(uid);
      if (store_.entity_of_[index] < 0) {
        store_.entity_of_[index] = static_cast<int32_t>(store_.entities_.size());
        Entity entity;
        entity.uid = uid;
        entity.attrs = Value::from_canonical_record({});
        entity.tags = Value::from_canonical_record({});
        store_.entities_.push_back(entity);
        parents_.push_back(std::move(parents));
      } else {
        const auto existing = static_cast<size_t>(store_.entity_of_[index]);
        store_.entities_[existing].attrs = Value::from_canonical_record({});
        parents_[existing] = std::move(parents);
      }
    }
  }

  // Computes every entity's ancestors with an iterative depth-first walk (no recursion, so
  // long parent chains cannot exhaust the stack), rejecting cycles.
  Status close() {
    const size_t count = store_.entities_.size();
    enum : uint8_t { kNew, kActive, kDone };
    std::vector<uint8_t> state(count, kNew);
    std::vector<std::vector<uint32_t>> ancestors(count);
    struct Frame {
      size_t entity;
      size_t next_parent;
    };
    std::vector<Frame> stack;
    size_t closure_entries = 0;
    for (size_t root = 0; root < count; ++root) {
      if (state[root] != kNew) continue;
      state[root] = kActive;
      stack.push_back({root, 0});
      while (!stack.empty()) {
        Frame& frame = stack.back();
        const std::vector<uint32_t>& parents = parents_[frame.entity];
        if (frame.next_parent < parents.size()) {
          const int32_t parent = store_.entity_of_[parents[frame.next_parent++]];
          if (parent < 0) continue;
          const auto parent_index = static_cast<size_t>(parent);
          if (state[parent_index] == kActive) {
            return fail(fmt::format("entities: input graph has a cycle containing vertex `{}`",
                                    to_cedar_string(*store_.entities_[parent_index].uid)));
          }
          if (state[parent_index] == kNew) {
            state[parent_index] = kActive;
            stack.push_back({parent_index, 0});
          }
          continue;
        }
        std::vector<uint32_t>& mine = ancestors[frame.entity];
        for (const uint32_t parent_uid : parents) {
          mine.push_back(parent_uid);
          const int32_t parent = store_.entity_of_[parent_uid];
          if (parent >= 0) {
            const auto& theirs = ancestors[static_cast<size_t>(parent)];
            mine.insert(mine.end(), theirs.begin(), theirs.end());
          }
        }
        std::sort(mine.begin(), mine.end());
        mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
        closure_entries += mine.size();
        if (closure_entries > limits_.max_closure_entries) {
          return fail(
              fmt::format("entities: the entity hierarchy is too large (more than {} "
                          "ancestor links after the transitive closure)",
                          limits_.max_closure_entries));
        }
        state[frame.entity] = kDone;
        stack.pop_back();
      }
    }
    Arena& arena = *store_.arena_;
    for (size_t i = 0; i < count; ++i) {
      store_.entities_[i].ancestors = arena.copy(std::span<const uint32_t>(ancestors[i]));
    }
    return Ok{};
  }

  const Schema* schema_;
  const EntitiesLimits& limits_;
  Entities store_;
  std::vector<std::vector<uint32_t>> parents_;  // uid indices, per entity
};

Entities::Entities() : arena_(std::make_unique<Arena>()) {}
Entities::Entities(Entities&&) noexcept = default;
Entities& Entities::operator=(Entities&&) noexcept = default;
Entities::~Entities() = default;

Result<Entities> Entities::from_json(const doc::Node& root, const Schema* schema,
                                     const EntitiesLimits& limits) {
  return EntitiesLoader(schema, limits).load(root);
}

Result<Entities> Entities::from_values(std::unique_ptr<Arena> arena,
                                       std::span<const EntityInit> entities,
                                       const EntitiesLimits& limits) {
  return EntitiesLoader(std::move(arena), limits).load_values(entities);
}

Result<Entities> Entities::from_json_text(std::string_view text, std::string_view file,
                                          const Schema* schema, const EntitiesLimits& limits) {
  // Messages start with `file:line:column:` (or `file:` when there is no position).
  const auto located = [file](Error error) {
    error.message = error.line > 0
                        ? fmt::format("{}:{}:{}: {}", file, error.line, error.column, error.message)
                        : fmt::format("{}: {}", file, error.message);
    return Unexpected(std::move(error));
  };
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '[') {
    return located(Error{"entities must be a JSON array", 0, 0});
  }
  doc::Limits strict;
  strict.reject_duplicate_keys = true;  // Cedar refuses a key given twice in entity JSON
  auto documents = doc::load_all(text, file, strict);
  if (!documents) return located(documents.error());
  auto entities = from_json(*documents->front().root(), schema, limits);
  if (!entities) return located(entities.error());
  return entities;
}

const Entity* Entities::find(const EntityUid& uid) const {
  const auto it = index_.find(&uid);
  if (it == index_.end()) return nullptr;
  const int32_t entity = entity_of_[it->second];
  return entity < 0 ? nullptr : &entities_[static_cast<size_t>(entity)];
}

bool Entities::has_ancestor(const Entity& entity, const EntityUid& ancestor) const {
  const auto it = index_.find(&ancestor);
  if (it == index_.end()) return false;
  return std::binary_search(entity.ancestors.begin(), entity.ancestors.end(), it->second);
}

}  // namespace eksguard::cedar
