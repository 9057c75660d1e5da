// `eksguard cedar schema crd`: CRD files in, a Cedar schema fragment out that makes policies
// about the custom resources validate (with `cedar validate --schema k8s --schema FRAGMENT`);
// malformed CRDs exit 2 naming file:line:column and a code. Also `cedar validate` with several
// --schema files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/test_support.h"

namespace eksguard::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCrd = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: nodepools.karpenter.sh}
spec:
  group: karpenter.sh
  names: {kind: NodePool, plural: nodepools}
  scope: Cluster
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [template]
              properties:
                weight: {type: integer}
                limits: {type: object, additionalProperties: {x-kubernetes-int-or-string: true}}
                template:
                  type: object
                  required: [spec]
                  properties:
                    spec:
                      type: object
                      properties:
                        expireAfter: {type: string}
)";

constexpr std::string_view kPolicy = R"(@id("heavy-pools")
forbid (principal, action == k8s::admission::Action::"create", resource is sh::karpenter::v1::NodePool)
when { resource has spec && resource.spec has weight && resource.spec.weight > 50 &&
       resource.spec.template.spec has expireAfter };
)";

class CedarSchemaCrdCommand : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, std::string_view text) {
    const fs::path path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  TempDir dir_{"eksguard-schema-crd"};
};

TEST_F(CedarSchemaCrdCommand, PrintsAFragmentThatValidatesPoliciesAboutTheKind) {
  const fs::path crd = write("nodepool.yaml", kCrd);
  const CommandResult result = run_eksguard("cedar schema crd " + crd.string());
  ASSERT_EQ(result.exit_code, 0) << result.out;
  EXPECT_NE(result.out.find("namespace sh::karpenter::v1 {"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\t@admission\n\tentity NodePool = {"), std::string::npos);
  EXPECT_NE(result.out.find("\"limits\"?: Set<meta::v1::KeyValue>"), std::string::npos);
  const fs::path fragment = write("crds.cedarschema", result.out);
  const fs::path policy = write("pools.cedar", kPolicy);

  const CommandResult valid = run_eksguard("cedar validate --schema k8s --schema " +
                                               fragment.string() + " --policies " + policy.string(),
                                           true);
  EXPECT_EQ(valid.exit_code, 0) << valid.out;
  EXPECT_NE(valid.out.find("0 errors, 0 warnings in 1 policy"), std::string::npos) << valid.out;

  const CommandResult without =
      run_eksguard("cedar validate --schema k8s --policies " + policy.string(), true);
  EXPECT_EQ(without.exit_code, 1) << without.out;
  EXPECT_NE(without.out.find("validation.unrecognized-entity-type"), std::string::npos);

  // The built-in schema printed to a file merges the same way.
  const fs::path k8s = write("k8s.cedarschema", run_eksguard("cedar schema k8s").out);
  const CommandResult files =
      run_eksguard("cedar validate --schema " + k8s.string() + " --schema " + fragment.string() +
                       " --policies " + policy.string(),
                   true);
  EXPECT_EQ(files.exit_code, 0) << files.out;

  // Reading standard input, and a summary on stderr.
  const CommandResult piped = run_eksguard("cedar schema crd -", true, crd.string());
  EXPECT_EQ(piped.exit_code, 0);
  EXPECT_NE(piped.out.find("1 CRD: 1 kind declared, 0 built in, 0 other objects ignored"),
            std::string::npos)
      << piped.out;
}

TEST_F(CedarSchemaCrdCommand, MalformedInputExitsTwoNamingThePlace) {
  const fs::path bad =
      write("bad.yaml", std::string(kCrd.substr(0, kCrd.find("            spec:"))) +
                            "            spec: {type: float}\n");
  const CommandResult result = run_eksguard("cedar schema crd " + bad.string(), true);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.out.find(bad.string() + ":16:26: error: spec: unknown type `float`"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("[crd.invalid-schema]"), std::string::npos);

  const fs::path none = write("none.yaml", "apiVersion: v1\nkind: ConfigMap\n");
  const CommandResult empty = run_eksguard("cedar schema crd " + none.string(), true);
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.out.find("[crd.none]"), std::string::npos) << empty.out;

  EXPECT_EQ(run_eksguard("cedar schema crd").exit_code, 2);
  EXPECT_EQ(run_eksguard("cedar schema crd " + (dir_.path() / "missing.yaml").string()).exit_code,
            2);
  EXPECT_EQ(run_eksguard("cedar schema nope").exit_code, 2);
  EXPECT_EQ(run_eksguard("cedar schema k8s " + none.string()).exit_code, 2);
}

TEST_F(CedarSchemaCrdCommand, ValidateMergesSeveralSchemas) {
  const fs::path a = write("a.cedarschema", "namespace App { entity User; }\n");
  const fs::path b = write(
      "b.cedarschema.json",
      R"({"App": {"entityTypes": {"Doc": {"shape": {"type": "Record", "attributes": {"owner": {"type": "Entity", "name": "User"}}}}},
                   "actions": {"read": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Doc"]}}}}})");
  const fs::path policy =
      write("p.cedar",
            "permit (principal, action == App::Action::\"read\", resource) when { "
            "resource.owner == principal };\n");
  const CommandResult merged = run_eksguard("cedar validate --schema " + a.string() + " --schema " +
                                                b.string() + " --policies " + policy.string(),
                                            true);
  EXPECT_EQ(merged.exit_code, 0) << merged.out;

  const CommandResult duplicate =
      run_eksguard("cedar validate --schema " + a.string() + " --schema " + a.string() +
                       " --policies " + policy.string(),
                   true);
  EXPECT_EQ(duplicate.exit_code, 2);
  EXPECT_NE(duplicate.out.find(a.string() + ":1:24: error: entity type `User` in namespace `App` "
                                            "is declared more than once"),
            std::string::npos)
      << duplicate.out;
}

}  // namespace
}  // namespace eksguard::testing
