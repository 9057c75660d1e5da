// Output of `eksguard rbac`: the peer tools' tables (kubectl-who-can, rbac-lookup, rakkess) and
// JSON (who-can follows the contract in PRODUCT.md). Input errors and warnings go into the JSON
// documents; for text the command prints them on stderr.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "rbac/authorizer.h"
#include "rbac/queries.h"

namespace eksguard::rbac {

// What every JSON answer carries besides its result.
struct Diagnostics {
  const std::vector<InputError>* errors = nullptr;
  const std::vector<InputError>* warnings = nullptr;
};

// "get secrets", "get pods/log mypod", "get /healthz" (for messages).
std::string describe_request(const RequestAttributes& request);
// A rule as `kubectl describe` shows its parts: `verbs=[get list] apiGroups=[""] resources=[…]`.
std::string describe_rule(const PolicyRule& rule);

void write_who_can_text(std::ostream& out, const Policy& policy, const WhoCanQuery& query,
                        const WhoCanAnswer& answer, bool wide);
void write_who_can_json(std::ostream& out, const Policy& policy, const WhoCanQuery& query,
                        const WhoCanAnswer& answer, const Diagnostics& diagnostics);

void write_lookup_text(std::ostream& out, const Policy& policy, const LookupAnswer& answer,
                       bool wide);
void write_lookup_json(std::ostream& out, const Policy& policy, const LookupAnswer& answer,
                       const Diagnostics& diagnostics);

void write_can_i_text(std::ostream& out, const Policy& policy, const UserInfo& user,
                      const RequestAttributes& request, const Decision& decision);
void write_can_i_json(std::ostream& out, const Policy& policy, const UserInfo& user,
                      const RequestAttributes& request, const Decision& decision,
                      const Diagnostics& diagnostics);

// `ascii` writes yes/no instead of ✔/✖ (rakkess -o ascii-table).
void write_matrix_text(std::ostream& out, const MatrixQuery& query,
                       const std::vector<MatrixRow>& rows, bool ascii);
void write_matrix_json(std::ostream& out, const MatrixQuery& query,
                       const std::vector<MatrixRow>& rows, const Diagnostics& diagnostics);

}  // namespace eksguard::rbac
