// Cedar 4 policy validation against a schema, in strict mode (the only mode cedar-wasm exposes),
// and request validation as `Request::new` with a schema does it.
//
// For every static policy and template the validator:
//   - checks that every entity type it names is declared, every action literal is a declared
//     action, and every literal of an enumerated entity type uses one of the declared ids;
//   - checks that some declared action applies to principal and resource types the scope
//     allows ("unable to find an applicable action given the policy scope constraints");
//   - typechecks the policy in every request environment the schema declares (each action with
//     each of its principal and resource types; for templates, each type a slot may be linked
//     to), as the single expression `((principal && action) && resource) && conditions`, with
//     Cedar's typing rules (typecheck.h);
//   - warns when the policy can match no request at all.
// Template-linked policies get the checks that depend on the linked values.
//
// Every diagnostic has a stable code (`validation.*`), Cedar's message, the policy id and the
// position in the policy text. Validation never throws and does not depend on entity data, so it
// can run on every policy reload.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cedar/diagnostic.h"
#include "cedar/policy_set.h"
#include "cedar/schema/schema.h"
#include "cedar/value.h"

namespace eksguard::cedar {

// One finding: the shared Diagnostic (code, severity, message, file, line, column, length), the
// policy it is about, Cedar's help text, and the byte range in the policy text.
struct ValidationDiagnostic {
  Diagnostic diagnostic;
  std::string policy_id;
  std::string help;  // may be empty
  uint32_t offset = 0;
};

// The findings for one policy, template or template-linked policy.
struct PolicyValidation {
  std::string policy_id;
  bool is_template = false;
  std::vector<ValidationDiagnostic> errors;
  std::vector<ValidationDiagnostic> warnings;
};

struct ValidationResult {
  // Static and linked policies in PolicySet order, then templates.
  std::vector<PolicyValidation> policies;

  bool ok() const { return error_count() == 0; }  // Cedar's validation_passed()
  size_t error_count() const;
  size_t warning_count() const;
  const PolicyValidation* find(std::string_view policy_id) const;
  // Every error, then every warning, as plain diagnostics (help appended to the message).
  Diagnostics diagnostics() const;
};

struct ValidationOptions {
  bool warnings = true;  // impossible-policy and suspicious-string warnings
};

ValidationResult validate(const PolicySet& policies, const Schema& schema,
                          const ValidationOptions& options = {});

// A request checked against a schema: the action is declared, the principal and resource have
// types it applies to (and ids of an enumerated type are declared ones), and the context has
// the action's context type. Every problem found is returned (empty: valid).
std::vector<Diagnostic> validate_request(const Schema& schema, const EntityUid& principal,
                                         const EntityUid& action, const EntityUid& resource,
                                         const Value& context);
// The same without the context: what can be checked before the context is read.
std::vector<Diagnostic> validate_request_entities(const Schema& schema, const EntityUid& principal,
                                                  const EntityUid& action,
                                                  const EntityUid& resource);

// Whether `value` has the schema type `type` (Cedar's conformance check for attribute and
// context values): nested records are closed unless the schema allows additional attributes,
// required attributes are present, entity references have the declared entity type. On a
// mismatch `why` says where.
bool value_conforms(const Value& value, const SchemaType& type, std::string* why = nullptr);

}  // namespace eksguard::cedar
