// The entity store: every entity's attributes, tags and ancestors, loaded once from Cedar's JSON
// entity format and then only read (safe to share between threads).
//
//   [{"uid": {"type": "User", "id": "alice"},        // or {"__entity": {...}}
//     "attrs": {"dept": "HW", "mgr": {"__entity": {"type": "User", "id": "bob"}}},
//     "parents": [{"type": "Group", "id": "admins"}],
//     "tags": {"stage": "prod"}}]                      // attrs, parents and tags are optional
//
// The transitive closure of `parents` is computed at load, so `in` is one hash lookup and a
// binary search. Parents need not exist as entities themselves; a cycle is an error, as is the
// same uid listed twice.
//
// With a schema, loading is Cedar's schema-based parsing: every entity type must be declared
// (enumerated types only with their listed ids), attributes and tags are read and checked as
// declared, parents must have a declared parent type, action entities must match their
// declaration, and every action the schema declares is added with its action groups.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cedar/arena.h"
#include "cedar/schema/schema.h"
#include "cedar/value.h"
#include "common/result.h"
#include "doc/node.h"

namespace eksguard::cedar {

struct Entity {
  const EntityUid* uid = nullptr;
  Value attrs;                          // a record
  Value tags;                           // a record (empty when the entity has no tags)
  std::span<const uint32_t> ancestors;  // indices of ancestor uids, sorted
};

// One entity handed to Entities::from_values: its attributes and tags are records, and every
// uid, string and value it refers to lives in the arena given with it.
struct EntityInit {
  const EntityUid* uid = nullptr;
  Value attrs;  // a record
  Value tags;   // a record
  std::span<const EntityUid* const> parents;
};

struct EntitiesLimits {
  // Total ancestor entries after the transitive closure (deep hierarchies grow quadratically).
  size_t max_closure_entries = size_t{50} << 20;
};

class Entities {
 public:
  Entities();
  Entities(Entities&&) noexcept;
  Entities& operator=(Entities&&) noexcept;
  ~Entities();

  // Parses the JSON entity list in `root` (a JSON array); `schema` may be nullptr.
  static Result<Entities> from_json(const doc::Node& root, const Schema* schema = nullptr,
                                    const EntitiesLimits& limits = {});
  // Parses JSON text; `file` names the input in messages.
  static Result<Entities> from_json_text(std::string_view text, std::string_view file,
                                         const Schema* schema = nullptr,
                                         const EntitiesLimits& limits = {});

  // Builds a store straight from values, without JSON or a schema (the fast path for callers
  // that construct entities in code, such as the Kubernetes webhooks). `arena` holds everything
  // the entities refer to and is taken over by the store. The same rules as from_json apply: a
  // uid listed twice must say the same thing both times, and a cycle is an error.
  static Result<Entities> from_values(std::unique_ptr<Arena> arena,
                                      std::span<const EntityInit> entities,
                                      const EntitiesLimits& limits = {});

  // The entity with this uid, or nullptr.
  const Entity* find(const EntityUid& uid) const;
  // Whether `ancestor` is among `entity`'s ancestors (transitively; not `entity` itself).
  bool has_ancestor(const Entity& entity, const EntityUid& ancestor) const;
  // The uid an ancestor index stands for.
  const EntityUid& uid_at(uint32_t index) const { return *uids_[index]; }

  size_t size() const { return entities_.size(); }
  std::span<const Entity> all() const { return entities_; }

 private:
  struct UidHash {
    size_t operator()(const EntityUid* uid) const { return uid->hash; }
  };
  struct UidEqual {
    bool operator()(const EntityUid* a, const EntityUid* b) const { return *a == *b; }
  };
  friend class EntitiesLoader;

  std::unique_ptr<Arena> arena_;
  std::vector<Entity> entities_;
  // Every uid seen (entities and parents), numbered; entity_of_[i] is the index of uid i's
  // entity in entities_, or -1 when uid i only appears as a parent.
  std::vector<const EntityUid*> uids_;
  std::vector<int32_t> entity_of_;
  std::unordered_map<const EntityUid*, uint32_t, UidHash, UidEqual> index_;
};

}  // namespace eksguard::cedar
