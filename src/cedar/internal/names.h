// Cedar identifiers and names: what may be an identifier, which ones are reserved, and which
// strings are valid entity type names (in policies and in entity/request JSON alike).
#pragma once

#include <string_view>

namespace eksguard::cedar::internal {

// [_a-zA-Z][_a-zA-Z0-9]*
bool is_identifier(std::string_view text);

// Words that cannot name anything: true, false, if, then, else, in, is, has, like.
bool is_reserved_identifier(std::string_view text);

// Whether a `::` path has a `__cedar` segment (the namespace Cedar keeps for itself).
bool has_reserved_namespace(std::string_view name);

// `A::B::C` with every segment an unreserved identifier and no `__cedar`; no whitespace.
bool is_valid_entity_type_name(std::string_view name);

// Action entities have the type `Action`, optionally in a namespace (`k8s::Action`).
bool is_action_type(std::string_view type);

}  // namespace eksguard::cedar::internal
