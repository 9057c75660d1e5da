// A compiled, immutable set of Cedar policies: parsed once, then evaluated for many requests
// from any number of threads.
//
// Compilation indexes the policies so that a request only looks at policies whose scope can
// match it: by action (`action == A` under A, `action in [A, B]` under A and B, the rest in one
// list) and, within those, by the entity type the principal and resource constraints require
// (pre-computed as small integers, so a request resolves its two types once).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cedar/ast.h"
#include "cedar/entities.h"
#include "cedar/parser.h"
#include "cedar/request.h"
#include "common/result.h"

namespace eksguard::cedar {

// Instantiates a template: the new policy is the template with its slots filled.
struct TemplateLink {
  std::string template_id;
  std::string new_id;
  std::optional<std::pair<std::string, std::string>> principal;  // type, id for ?principal
  std::optional<std::pair<std::string, std::string>> resource;   // type, id for ?resource
};

class PolicySet {
 public:
  PolicySet();
  PolicySet(PolicySet&&) noexcept;
  PolicySet& operator=(PolicySet&&) noexcept;
  ~PolicySet();

  // Parses and compiles `text`; every parse error when it does not parse.
  static Result<PolicySet, std::vector<ParseError>> parse(std::string_view text, std::string file,
                                                          const ParseOptions& options = {});
  // Compiles parsed policies (which must have no errors) and instantiates template links.
  static Result<PolicySet> compile(ParsedPolicies parsed, std::span<const TemplateLink> links = {});

  // Static and linked policies, in text order then link order. Indices into this span identify
  // policies in responses.
  std::span<const Policy> policies() const { return policies_; }
  std::span<const Policy> templates() const { return templates_; }
  const std::string& file() const { return file_; }
  std::string_view source() const { return source_; }

  // The id to show for a policy: the id it was given (JSON policy set key, template link id),
  // else its `@id("...")` annotation, else `policyN`.
  static std::string_view display_id(const Policy& policy);

  // Indices of the policies whose scope may match `request`, in ascending order. The
  // principal/resource type requirements are already applied; equality, hierarchy and the
  // conditions are left to the caller.
  void candidates(const Request& request, const Entities& entities,
                  std::vector<uint32_t>& out) const;

  // Whether the scope of policy `index` matches `request` (the action, principal and resource
  // constraints, hierarchy included).
  bool scope_matches(uint32_t index, const Request& request, const Entities& entities) const;

 private:
  struct UidHash {
    size_t operator()(const EntityUid* uid) const { return uid->hash; }
  };
  struct UidEqual {
    bool operator()(const EntityUid* a, const EntityUid* b) const { return *a == *b; }
  };
  using UidIndex = std::unordered_map<const EntityUid*, std::vector<uint32_t>, UidHash, UidEqual>;
  static constexpr uint32_t kAnyType = 0xFFFFFFFF;

  void build_index();
  uint32_t type_id(std::string_view type);
  uint32_t lookup_type(std::string_view type) const;
  bool constraint_matches(const ScopeConstraint& constraint, const EntityUid& uid,
                          const Entities& entities) const;

  std::unique_ptr<Arena> arena_;
  std::string file_;
  std::string_view source_;
  std::vector<Policy> policies_;
  std::vector<Policy> templates_;

  UidIndex by_action_eq_;
  UidIndex by_action_in_;
  std::vector<uint32_t> any_action_;
  std::unordered_map<std::string_view, uint32_t> type_ids_;
  std::vector<uint32_t> principal_type_;  // per policy: required type id, or kAnyType
  std::vector<uint32_t> resource_type_;
};

}  // namespace eksguard::cedar
