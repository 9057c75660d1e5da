#include "cedar/request.h"

#include <fmt/format.h>

#include "cedar/validator/validator.h"
#include "cedar/value_json.h"

namespace eksguard::cedar {

Request::Request(const EntityUid& principal, const EntityUid& action, const EntityUid& resource,
                 const Value* context)
    : Request() {
  principal_ = make_uid(*arena_, principal.type, principal.id);
  action_ = make_uid(*arena_, action.type, action.id);
  resource_ = make_uid(*arena_, resource.type, resource.id);
  context_ = context != nullptr ? copy_value(*arena_, *context) : Value::from_canonical_record({});
}

Result<Request> Request::from_json(const doc::Node& principal, const doc::Node& action,
                                   const doc::Node& resource, const doc::Node* context,
                                   const Schema* schema, bool validate) {
  Arena arena;
  const auto uid = [&arena](const doc::Node& node,
                            std::string_view role) -> Result<const EntityUid*> {
    auto parsed = entity_uid_from_json(node, arena);
    if (parsed) return parsed;
    Error error = parsed.error();
    error.message = fmt::format("{}: {}", role, error.message);
    return Unexpected(std::move(error));
  };
  auto principal_uid = uid(principal, "principal");
  if (!principal_uid) return Unexpected(principal_uid.error());
  auto action_uid = uid(action, "action");
  if (!action_uid) return Unexpected(action_uid.error());
  auto resource_uid = uid(resource, "resource");
  if (!resource_uid) return Unexpected(resource_uid.error());
  return from_uids(**principal_uid, **action_uid, **resource_uid, context, schema, validate);
}

Result<Request> Request::from_uids(const EntityUid& principal, const EntityUid& action,
                                   const EntityUid& resource, const doc::Node* context,
                                   const Schema* schema, bool validate) {
  if (schema != nullptr && validate) {
    std::vector<Diagnostic> problems =
        validate_request_entities(*schema, principal, action, resource);
    if (!problems.empty()) return fail(problems.front().message);
  }
  Request request;
  request.principal_ = make_uid(*request.arena_, principal.type, principal.id);
  request.action_ = make_uid(*request.arena_, action.type, action.id);
  request.resource_ = make_uid(*request.arena_, resource.type, resource.id);
  request.context_ = Value::from_canonical_record({});
  // With a schema that declares the action, its context type decides how the context reads.
  const ActionDef* declared =
      schema != nullptr ? schema->find_action(action.type, action.id) : nullptr;
  if (declared == nullptr && context == nullptr) return request;
  Result<Value> record = declared == nullptr ? record_from_json(*context, *request.arena_)
                         : context != nullptr
                             ? value_from_json(*context, declared->context, *request.arena_)
                             : empty_record(declared->context);
  if (!record) {
    Error error = record.error();
    error.message = "context: " + error.message;
    return Unexpected(std::move(error));
  }
  request.context_ = *record;
  return request;
}

}  // namespace eksguard::cedar
