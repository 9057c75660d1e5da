// The published schema against the AWS prototype's (k8s-full.cedarschema, read in place from
// ../shared/conformance/cedar-k8s/cedarschema): every entity type and every attribute path the
// prototype declares exists in ours with the same type and the same optionality, except for a
// short list of deliberate differences (each with its reason); and the prototype's demo policies
// validate strictly against ours, or fail exactly as they fail against the prototype's.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cedar/policy_set.h"
#include "cedar/schema/cedar_schema_parser.h"
#include "cedar/validator/validator.h"
#include "doc/loader.h"
#include "k8s_authz/k8s_authz_test_support.h"
#include "k8s_authz/k8s_schema.h"
#include "support/test_support.h"

namespace eksguard::k8s_authz {
namespace {

namespace fs = std::filesystem;

// The kind of a type as a word: sets and entity types spelled out, records as "record" (or,
// `named`, by their common type's name; names are not compared, only shown).
std::string describe(const cedar::SchemaType& type, bool named = false) {
  switch (type.kind()) {
    case cedar::TypeKind::kSet:
      return "Set<" + describe(type.element(), named) + ">";
    case cedar::TypeKind::kRecord:
      return !named || type.common_type_name().empty() ? "record" : type.common_type_name();
    case cedar::TypeKind::kEntity:
      return "entity " + type.entity_type();
    default:
      return type.to_string();
  }
}

// Every way `ours` fails to declare what `theirs` declares under `path`, one line each. Paths
// start at the nearest common type the prototype names (`core::v1::ResourceRequirements.limits`)
// so that a difference in a type used in many places is one line.
void compare(std::string path, const cedar::SchemaType& theirs, const cedar::SchemaType& ours,
             std::set<std::string>& out) {
  if (!theirs.common_type_name().empty()) path = theirs.common_type_name();
  if (describe(theirs) != describe(ours)) {
    out.insert(path + ": " + describe(theirs, true) + " in the prototype, " + describe(ours, true) +
               " in ours");
    return;
  }
  if (theirs.kind() == cedar::TypeKind::kSet) {
    compare(path + "[]", theirs.element(), ours.element(), out);
    return;
  }
  for (const cedar::AttributeDef& attribute : theirs.attributes()) {
    const std::string child = path + "." + attribute.name;
    const cedar::AttributeDef* mine = ours.find_attribute(attribute.name);
    if (mine == nullptr) {
      out.insert(child + ": missing");
      continue;
    }
    if (mine->required != attribute.required) {
      out.insert(child + (attribute.required ? ": required in the prototype, optional in ours"
                                             : ": optional in the prototype, required in ours"));
    }
    compare(child, attribute.type, mine->type, out);
  }
}

// The deliberate differences, each with its reason.
const std::map<std::string, std::string>& deliberate_differences() {
  // Kubernetes maps of quantities (and PodDisruptionBudget's map of times): the prototype
  // declares a String, but the JSON is an object, which its conversion makes a record or a
  // KeyValue set, never a String; so a policy typed by its schema fails at run time. Ours is
  // Set<meta::v1::KeyValue>, like every other Kubernetes map, and the conversion makes one.
  static const std::string kMap =
      "a Kubernetes map: Set<meta::v1::KeyValue> as every map (the prototype's String never "
      "matched its own conversion)";
  static const std::map<std::string, std::string> differences = [] {
    std::map<std::string, std::string> out = {
        {"apps::v1::StatefulSetSpec.volumeClaimTemplates: Set<entity "
         "core::v1::PersistentVolumeClaim> in the prototype, Set<core::v1::"
         "PersistentVolumeClaimObject> in ours",
         "the prototype declares a set of entity references, but the templates are objects "
         "inside the StatefulSet: its own conversion makes records of them, so a policy typed "
         "by its schema fails at run time"},
    };
    for (const char* field : {"core::v1::ContainerStatus.allocatedResources",
                              "core::v1::LimitRangeItem.default",
                              "core::v1::LimitRangeItem.defaultRequest",
                              "core::v1::LimitRangeItem.max",
                              "core::v1::LimitRangeItem.maxLimitRequestRatio",
                              "core::v1::LimitRangeItem.min",
                              "core::v1::NodeStatus.allocatable",
                              "core::v1::NodeStatus.capacity",
                              "core::v1::PersistentVolumeClaimStatus.allocatedResources",
                              "core::v1::PersistentVolumeClaimStatus.capacity",
                              "core::v1::PersistentVolumeSpec.capacity",
                              "core::v1::PodSpec.overhead",
                              "core::v1::ResourceQuotaSpec.hard",
                              "core::v1::ResourceQuotaStatus.hard",
                              "core::v1::ResourceQuotaStatus.used",
                              "core::v1::ResourceRequirements.limits",
                              "core::v1::ResourceRequirements.requests",
                              "core::v1::VolumeResourceRequirements.limits",
                              "core::v1::VolumeResourceRequirements.requests",
                              "node::v1::Overhead.podFixed",
                              "policy::v1::PodDisruptionBudgetStatus.disruptedPods"}) {
      out.emplace(std::string(field) + ": String in the prototype, Set<meta::v1::KeyValue> in ours",
                  kMap);
    }
    return out;
  }();
  return differences;
}

cedar::Schema prototype_schema(const fs::path& path) {
  auto schema =
      cedar::parse_cedar_schema(eksguard::testing::read_file(path), "k8s-full.cedarschema");
  if (!schema) {
    ADD_FAILURE() << "k8s-full.cedarschema does not parse";
    return {};
  }
  return *schema;
}

TEST(K8sAuthzSchemaCompat, EveryPrototypeAttributeHasTheSameType) {
  fs::path path;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/cedarschema/k8s-full.cedarschema", path);
  const cedar::Schema theirs = prototype_schema(path);
  auto ours = k8s_schema();
  ASSERT_TRUE(ours) << ours.error().message;
  ASSERT_GT(theirs.entity_types().size(), 70U);

  std::set<std::string> unexpected;
  for (const cedar::EntityTypeDef& type : theirs.entity_types()) {
    const cedar::EntityTypeDef* mine = ours->find_entity_type(type.name);
    if (mine == nullptr) {
      unexpected.insert(type.name + ": missing");
      continue;
    }
    if (mine->member_of_types != type.member_of_types) {
      unexpected.insert(type.name + ": other parent types");
    }
    compare(type.name, type.shape, mine->shape, unexpected);
  }
  for (const auto& [difference, reason] : deliberate_differences()) {
    EXPECT_EQ(unexpected.erase(difference), 1U) << "no longer differs: " << difference;
  }
  std::string listed;
  for (const std::string& difference : unexpected) listed += difference + "\n";
  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " differences:\n" << listed;
}

// Every admission action applies to every kind the prototype's does (so `action == ... create`
// on a kind validates), and every authorization action is the same.
TEST(K8sAuthzSchemaCompat, ActionsApplyToWhatThePrototypesApplyTo) {
  fs::path path;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/cedarschema/k8s-full.cedarschema", path);
  const cedar::Schema theirs = prototype_schema(path);
  auto ours = k8s_schema();
  ASSERT_TRUE(ours) << ours.error().message;
  ASSERT_GT(theirs.actions().size(), 20U);
  for (const cedar::ActionDef& action : theirs.actions()) {
    for (const std::string& principal : action.principal_types) {
      for (const std::string& resource : action.resource_types) {
        EXPECT_TRUE(ours->action_applies(action.uid, principal, resource))
            << action.uid.to_string() << " " << principal << " " << resource;
      }
    }
    for (const cedar::ActionUid& group : action.member_of) {
      EXPECT_TRUE(ours->action_in(action.uid, group)) << action.uid.to_string();
    }
  }
}

// Six demo policies validate strictly. Two do not, against the prototype's own schema either:
// they read optional attributes without testing for them first (`resource.metadata.name` on a
// ConfigMap, `principal.extra` on a ServiceAccount), which strict validation refuses; both
// schemas rightly declare those attributes optional, since an object's metadata.name may be
// unset (generateName) and a principal may carry no extra.
TEST(K8sAuthzSchemaCompat, DemoPoliciesValidateStrictly) {
  fs::path demo;
  fs::path path;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/demo", demo);
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/cedarschema/k8s-full.cedarschema", path);
  const cedar::Schema theirs = prototype_schema(path);
  auto ours = k8s_schema();
  ASSERT_TRUE(ours) << ours.error().message;
  const std::map<std::string, std::vector<std::string>> expected_failures = {
      {"combined-policy",
       {"22:5 policy1 validation.unsafe-optional-attribute-access `metadata`",
        "22:5 policy1 validation.unsafe-optional-attribute-access `metadata.name`"}},
      {"self-node-policy",
       {"20:5 policy0 validation.unsafe-optional-attribute-access `extra`",
        "35:5 policy1 validation.unsafe-optional-attribute-access `extra`"}},
  };
  const auto policies = testing::demo_policies(demo);
  ASSERT_EQ(policies.size(), 8U);
  for (const auto& [name, text] : policies) {
    auto parsed = cedar::PolicySet::parse(text, name + ".cedar");
    ASSERT_TRUE(parsed) << name;
    std::vector<std::string> failures;
    const auto result = cedar::validate(*parsed, *ours, {.warnings = false});
    for (const cedar::Diagnostic& diagnostic : result.diagnostics()) {
      const size_t tick = diagnostic.message.find("attribute `");
      const std::string attribute =
          tick == std::string::npos
              ? diagnostic.message
              : diagnostic.message.substr(tick + 10,
                                          diagnostic.message.find('`', tick + 11) - tick - 9);
      const size_t policy = diagnostic.message.find("policy `");
      const std::string id =
          policy == std::string::npos
              ? "?"
              : diagnostic.message.substr(policy + 8,
                                          diagnostic.message.find('`', policy + 8) - policy - 8);
      failures.push_back(fmt::format("{}:{} {} {} {}", diagnostic.line, diagnostic.column, id,
                                     diagnostic.code, attribute));
    }
    const auto expected = expected_failures.find(name);
    EXPECT_EQ(failures,
              expected == expected_failures.end() ? std::vector<std::string>{} : expected->second)
        << name << "\n"
        << cedar::render_all(result.diagnostics(), parsed->source());
    // The failures are the policies' own: the prototype's schema refuses them the same way.
    EXPECT_EQ(cedar::validate(*parsed, theirs, {.warnings = false}).error_count(), failures.size())
        << name;
  }
}

}  // namespace
}  // namespace eksguard::k8s_authz
