// libFuzzer target for the workload identity inputs and checks: IAM trust policies (as objects,
// bare, or URL-encoded inside get-role output), Pod Identity associations and annotated
// ServiceAccounts, through IdentityCollector and the EKS-IRSA/EKS-PI checks. The first byte
// picks how the rest is used: as a whole input file, or as the (URL-encoded) text of a role's
// AssumeRolePolicyDocument. Invariant: every finding and error position lies inside the input.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "identity/iam_policy.h"
#include "identity/inputs.h"
#include "identity/workload_identity.h"

namespace {

using namespace eksguard;

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void check_position(uint32_t line, size_t lines) {
  if (line > lines + 1) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  doc::Limits limits;
  limits.max_depth = 64;
  limits.max_alias_nodes = 10000;
  limits.max_nodes = 100000;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string text;
  if (data[0] % 2 == 0) {
    text = std::string(body);
  } else {
    text =
        "{\"Role\": {\"RoleName\": \"r\", \"Arn\": \"arn:aws:iam::1:role/r\",\n"
        "\"AssumeRolePolicyDocument\": \"" +
        url_encode(body) + "\"}}\n";
  }
  size_t lines = 1;
  // An upper bound on the lines a position may name: YAML also breaks lines at a lone CR.
  for (char c : text) lines += c == '\n' || c == '\r' ? 1 : 0;

  identity::IdentityCollector collector(limits);
  doc::load_text(text, "fuzz.json", limits,
                 [&](doc::Document& document) { collector.add_document(document, text); });
  const identity::IdentityInputs inputs = std::move(collector).finish();
  for (const InputError& error : inputs.errors) check_position(error.line, lines);

  std::vector<Finding> findings;
  identity::WorkloadIdentityOptions options;
  options.oidc_issuer = "oidc.eks.us-east-1.amazonaws.com/id/CLUSTER1";
  identity::check_workload_identity(inputs, options, findings);
  identity::check_workload_identity(inputs, {}, findings);
  for (const Finding& finding : findings) check_position(finding.position.line, lines);
  for (const identity::IamRole& role : inputs.roles)
    (void)identity::trust_admits(role.trust, "", "apps", "web");
  (void)identity::iam_glob_match(body, "system:serviceaccount:apps:web");
  return 0;
}
