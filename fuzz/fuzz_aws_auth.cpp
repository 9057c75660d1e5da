// libFuzzer target for the identity inputs: aws-auth parsing (sections parsed on their own,
// positions mapped back into the file), access entry and describe-cluster JSON, eksctl
// ClusterConfig accessConfig, resolution, the EKS-CM/EKS-AE/EKS-AUTH checks (with and without a
// known cluster creator) and all three migration formats. The first byte picks how the rest is used: as a whole input
// file, or as the text of the mapRoles, mapUsers or mapAccounts block scalar of an aws-auth
// ConfigMap. Invariants: every position lies inside the input, and the migration plan names
// every item.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "identity/checks.h"
#include "identity/inputs.h"
#include "identity/migrate.h"
#include "identity/resolver.h"

namespace {

using namespace eksguard;

std::string embed(std::string_view section, std::string_view body) {
  std::string text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n"
      "data:\n  ";
  text += section;
  text += ": |\n";
  size_t start = 0;
  while (start <= body.size()) {
    const size_t end = body.find('\n', start);
    const std::string_view line =
        body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    text += "    ";
    text += line;
    text += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return text;
}

void check_position(const doc::Position& position, size_t lines) {
  if (position.line > lines + 1) __builtin_trap();
}

size_t expected_plan_size(const identity::AwsAuth& auth) {
  size_t size = auth.roles.size() + auth.users.size() + auth.accounts.size();
  for (const auto& diagnostic : auth.diagnostics) {
    if (diagnostic.problem == identity::AwsAuthProblem::kItemDropped ||
        diagnostic.problem == identity::AwsAuthProblem::kSectionSyntax ||
        diagnostic.problem == identity::AwsAuthProblem::kSectionShape ||
        diagnostic.code == "aws-auth.key.case")
      ++size;
  }
  return size;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  doc::Limits limits;
  limits.max_depth = 64;
  limits.max_alias_nodes = 10000;
  limits.max_nodes = 100000;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  static constexpr std::string_view kSections[] = {"mapRoles", "mapUsers", "mapAccounts"};
  const std::string text =
      data[0] % 4 == 0 ? std::string(body) : embed(kSections[data[0] % 4 - 1], body);
  size_t lines = 1;
  // An upper bound on the lines a position may name: YAML also breaks lines at a lone CR.
  for (char c : text) lines += c == '\n' || c == '\r' ? 1 : 0;

  identity::IdentityCollector collector(limits);
  doc::load_text(text, "fuzz.yaml", limits,
                 [&](doc::Document& document) { collector.add_document(document, text); });
  const identity::IdentityInputs inputs = std::move(collector).finish();

  for (const identity::AwsAuth& auth : inputs.aws_auth) {
    for (const auto& diagnostic : auth.diagnostics)
      check_position(diagnostic.origin.position, lines);
    for (const auto* mappings : {&auth.roles, &auth.users}) {
      for (const auto& mapping : *mappings) {
        check_position(mapping.origin.position, lines);
        for (const auto& origin : mapping.group_origins) check_position(origin.position, lines);
      }
    }
    const identity::MigrationPlan plan = identity::plan_migration(auth, {"c", "111122223333"});
    if (plan.entries.size() != expected_plan_size(auth)) __builtin_trap();
    for (auto format : {identity::MigrationFormat::kCli, identity::MigrationFormat::kEksctl,
                        identity::MigrationFormat::kTerraform})
      (void)identity::render_migration(plan, format);
  }
  std::vector<Finding> findings;
  identity::check_identity(inputs, {}, findings);
  identity::IdentityCheckOptions with_creator;
  with_creator.cluster_creator = "arn:aws:iam::111122223333:role/Admin";
  identity::check_identity(inputs, with_creator, findings);
  for (const Finding& finding : findings) check_position(finding.position, lines);
  (void)inputs.missing();
  const identity::Resolver resolver(inputs);
  (void)resolver.resolve("arn:aws:sts::111122223333:assumed-role/Admin/s@x");
  (void)resolver.principals_for_subject("Group", "system:masters");
  (void)resolver.principals_for_subject("User", "system:node:ip-1");
  return 0;
}
