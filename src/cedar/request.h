// An authorization request: principal, action, resource and a context record. A Request owns
// its data (in its own Arena) and is immutable once built.
#pragma once

#include <memory>
#include <string_view>

#include "cedar/arena.h"
#include "cedar/schema/schema.h"
#include "cedar/value.h"
#include "common/result.h"
#include "doc/node.h"

namespace eksguard::cedar {

class Request {
 public:
  // `context` must be a record; it is copied (nullptr means the empty record).
  Request(const EntityUid& principal, const EntityUid& action, const EntityUid& resource,
          const Value* context = nullptr);

  // From JSON: each uid as {"type", "id"} (or {"__entity": {...}}), the context an object
  // (nullptr means empty). With a schema the context is read as the action's declared context
  // type, and when `validate` is set the request must be one the schema declares: a declared
  // action applied to a principal and resource of the types it names
  // (validate_request_entities in cedar/validator/validator.h).
  static Result<Request> from_json(const doc::Node& principal, const doc::Node& action,
                                   const doc::Node& resource, const doc::Node* context,
                                   const Schema* schema = nullptr, bool validate = true);
  // The same with the uids already parsed.
  static Result<Request> from_uids(const EntityUid& principal, const EntityUid& action,
                                   const EntityUid& resource, const doc::Node* context,
                                   const Schema* schema = nullptr, bool validate = true);

  const EntityUid& principal() const { return *principal_; }
  const EntityUid& action() const { return *action_; }
  const EntityUid& resource() const { return *resource_; }
  const Value& context() const { return context_; }

 private:
  Request() : arena_(std::make_unique<Arena>()) {}

  std::unique_ptr<Arena> arena_;
  const EntityUid* principal_ = nullptr;
  const EntityUid* action_ = nullptr;
  const EntityUid* resource_ = nullptr;
  Value context_;
};

}  // namespace eksguard::cedar
