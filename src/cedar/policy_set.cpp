#include "cedar/policy_set.h"

#include <fmt/format.h>

#include <algorithm>

#include "cedar/internal/names.h"

namespace eksguard::cedar {
namespace {

// Fills the slot of a linked template's scope constraint.
Result<ScopeConstraint> link_constraint(
    ScopeConstraint constraint, const std::optional<std::pair<std::string, std::string>>& value,
    std::string_view slot, Arena& arena) {
  if (!constraint.slot) {
    if (value) {
      return fail(
          fmt::format("the link gives a value for `{}`, which the template does not have", slot));
    }
    return constraint;
  }
  if (!value) return fail(fmt::format("the link gives no value for `{}`", slot));
  if (!internal::is_valid_entity_type_name(value->first)) {
    return fail(fmt::format("`{}` is not a valid entity type", value->first));
  }
  constraint.entity = make_uid(arena, value->first, value->second);
  constraint.slot.reset();
  return constraint;
}

}  // namespace

PolicySet::PolicySet() : arena_(std::make_unique<Arena>()) {}
PolicySet::PolicySet(PolicySet&&) noexcept = default;
PolicySet& PolicySet::operator=(PolicySet&&) noexcept = default;
PolicySet::~PolicySet() = default;

Result<PolicySet, std::vector<ParseError>> PolicySet::parse(std::string_view text, std::string file,
                                                            const ParseOptions& options) {
  ParsedPolicies parsed = parse_policies(text, std::move(file), options);
  if (!parsed.ok()) return Unexpected(std::move(parsed.errors));
  const std::string file_name = parsed.file;
  auto compiled = compile(std::move(parsed));
  if (!compiled) {
    ParseError error;
    error.diagnostic =
        make_diagnostic("policy.link.invalid", compiled.error().message, file_name, 0, 0, 0);
    return Unexpected(std::vector<ParseError>{std::move(error)});
  }
  return std::move(*compiled);
}

Result<PolicySet> PolicySet::compile(ParsedPolicies parsed, std::span<const TemplateLink> links) {
  if (!parsed.ok()) return fail("the policies have parse errors");
  PolicySet set;
  set.arena_ = std::move(parsed.arena);
  set.file_ = std::move(parsed.file);
  set.source_ = parsed.source;
  for (Policy& policy : parsed.policies) {
    (policy.is_template ? set.templates_ : set.policies_).push_back(policy);
  }
  for (const TemplateLink& link : links) {
    // A template is named by its id or, in Cedar text, by its `@id` annotation.
    const auto named = [](std::string_view name) {
      return
          [name](const Policy& policy) { return policy.id == name || display_id(policy) == name; };
    };
    const auto it =
        std::find_if(set.templates_.begin(), set.templates_.end(), named(link.template_id));
    if (it == set.templates_.end()) {
      return fail(fmt::format("no template with id `{}`", link.template_id));
    }
    const bool taken =
        std::any_of(set.policies_.begin(), set.policies_.end(), named(link.new_id)) ||
        std::any_of(set.templates_.begin(), set.templates_.end(), named(link.new_id));
    if (taken) return fail(fmt::format("a policy with id `{}` already exists", link.new_id));
    Policy linked = *it;
    linked.id = set.arena_->copy(link.new_id);
    linked.explicit_id = true;
    linked.is_template = false;
    auto principal = link_constraint(it->principal, link.principal, "?principal", *set.arena_);
    if (!principal) return Unexpected(principal.error());
    auto resource = link_constraint(it->resource, link.resource, "?resource", *set.arena_);
    if (!resource) return Unexpected(resource.error());
    linked.principal = *principal;
    linked.resource = *resource;
    set.policies_.push_back(linked);
  }
  set.build_index();
  return set;
}

std::string_view PolicySet::display_id(const Policy& policy) {
  if (policy.explicit_id) return policy.id;
  const auto annotated = policy.annotation("id");
  return annotated && !annotated->empty() ? *annotated : policy.id;
}

uint32_t PolicySet::type_id(std::string_view type) {
  const auto [it, inserted] = type_ids_.emplace(type, static_cast<uint32_t>(type_ids_.size()));
  return it->second;
}

uint32_t PolicySet::lookup_type(std::string_view type) const {
  const auto it = type_ids_.find(type);
  // A type no policy mentions can only meet unconstrained scopes.
  return it == type_ids_.end() ? kAnyType - 1 : it->second;
}

void PolicySet::build_index() {
  const auto required_type = [this](const ScopeConstraint& constraint) {
    switch (constraint.op) {
      case ScopeConstraint::Op::kEq:
        return constraint.entity != nullptr ? type_id(constraint.entity->type) : kAnyType;
      case ScopeConstraint::Op::kIs:
      case ScopeConstraint::Op::kIsIn:
        return type_id(constraint.entity_type);
      default:
        return kAnyType;
    }
  };
  for (uint32_t i = 0; i < policies_.size(); ++i) {
    const Policy& policy = policies_[i];
    principal_type_.push_back(required_type(policy.principal));
    resource_type_.push_back(required_type(policy.resource));
    switch (policy.action.op) {
      case ActionConstraint::Op::kAny:
        any_action_.push_back(i);
        break;
      case ActionConstraint::Op::kEq:
        by_action_eq_[policy.action.entities[0]].push_back(i);
        break;
      case ActionConstraint::Op::kIn:
        for (const EntityUid* action : policy.action.entities) {
          auto& bucket = by_action_in_[action];
          if (bucket.empty() || bucket.back() != i) bucket.push_back(i);
        }
        break;
    }
  }
}

void PolicySet::candidates(const Request& request, const Entities& entities,
                           std::vector<uint32_t>& out) const {
  out.clear();
  const auto add = [&out](const UidIndex& index, const EntityUid& uid) {
    const auto it = index.find(&uid);
    if (it != index.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  };
  const EntityUid& action = request.action();
  add(by_action_eq_, action);
  add(by_action_in_, action);
  if (!by_action_in_.empty()) {
    if (const Entity* entity = entities.find(action)) {
      for (const uint32_t ancestor : entity->ancestors) {
        add(by_action_in_, entities.uid_at(ancestor));
      }
    }
  }
  out.insert(out.end(), any_action_.begin(), any_action_.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());

  const uint32_t principal_type = lookup_type(request.principal().type);
  const uint32_t resource_type = lookup_type(request.resource().type);
  std::erase_if(out, [&](uint32_t i) {
    return (principal_type_[i] != kAnyType && principal_type_[i] != principal_type) ||
           (resource_type_[i] != kAnyType && resource_type_[i] != resource_type);
  });
}

bool PolicySet::constraint_matches(const ScopeConstraint& constraint, const EntityUid& uid,
                                   const Entities& entities) const {
  const auto in = [&](const EntityUid& target) {
    if (uid == target) return true;
    const Entity* entity = entities.find(uid);
    return entity != nullptr && entities.has_ancestor(*entity, target);
  };
  switch (constraint.op) {
    case ScopeConstraint::Op::kAny:
      return true;
    case ScopeConstraint::Op::kEq:
      return constraint.entity != nullptr && uid == *constraint.entity;
    case ScopeConstraint::Op::kIn:
      return constraint.entity != nullptr && in(*constraint.entity);
    case ScopeConstraint::Op::kIs:
      return uid.type == constraint.entity_type;
    case ScopeConstraint::Op::kIsIn:
      return uid.type == constraint.entity_type && constraint.entity != nullptr &&
             in(*constraint.entity);
  }
  return false;
}

bool PolicySet::scope_matches(uint32_t index, const Request& request,
                              const Entities& entities) const {
  const Policy& policy = policies_[index];
  if (!constraint_matches(policy.principal, request.principal(), entities)) return false;
  if (!constraint_matches(policy.resource, request.resource(), entities)) return false;
  const EntityUid& action = request.action();
  switch (policy.action.op) {
    case ActionConstraint::Op::kAny:
      return true;
    case ActionConstraint::Op::kEq:
      return action == *policy.action.entities[0];
    case ActionConstraint::Op::kIn: {
      const Entity* entity = entities.find(action);
      return std::any_of(policy.action.entities.begin(), policy.action.entities.end(),
                         [&](const EntityUid* target) {
                           return action == *target ||
                                  (entity != nullptr && entities.has_ancestor(*entity, *target));
                         });
    }
  }
  return false;
}

}  // namespace eksguard::cedar
