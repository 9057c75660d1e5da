// CRD → Cedar schema fragment: the kinds' names (the webhook's own function), the translation of
// openAPIV3Schema, several versions, lists, kinds left to the built-in schema, and malformed
// CRDs reported with a code and a position. Every fragment produced is merged with the built-in
// schema to prove it is one the webhook accepts.
#include "k8s_authz/crd_schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "k8s_authz/k8s_schema.h"
#include "k8s_authz/review.h"

namespace eksguard::k8s_authz {
namespace {

// A cert-manager-like Certificate: a hyphenated group, required fields, a nullable required
// field, maps, int-or-string, a number, a free-form object, and two versions (one not served).
constexpr std::string_view kCertificate = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: certificates.cert-manager.io}
spec:
  group: cert-manager.io
  names: {kind: Certificate, plural: certificates}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          required: [spec]
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              required: [secretName, issuerRef, renewBefore]
              properties:
                secretName: {type: string}
                renewBefore: {type: string, nullable: true}
                dnsNames: {type: array, items: {type: string}}
                isCA: {type: boolean}
                revisionHistoryLimit: {type: integer, format: int32}
                port: {x-kubernetes-int-or-string: true}
                ratio: {type: number}
                secretTemplate:
                  type: object
                  properties:
                    labels: {type: object, additionalProperties: {type: string}}
                    lists: {type: object, additionalProperties: {type: array, items: {type: string}}}
                    counts: {type: object, additionalProperties: {type: integer}}
                issuerRef:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    kind: {type: string}
                raw: {type: object, x-kubernetes-preserve-unknown-fields: true}
                anything: {x-kubernetes-preserve-unknown-fields: true}
            status:
              type: object
              properties:
                conditions:
                  type: array
                  items:
                    type: object
                    required: [type]
                    properties:
                      type: {type: string}
                      "odd \"name\"": {type: string}
                      "caf\u00e9\u202e": {type: string}
    - name: v1alpha2
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object}
)";

// Two served versions of one kind, as a JSON List with something else in it.
constexpr std::string_view kWidgetList = R"({"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}},
  {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
   "metadata": {"name": "widgets.example.com"},
   "spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"},
            "scope": "Cluster",
            "versions": [
              {"name": "v1beta1", "served": true, "storage": false,
               "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                 "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}},
              {"name": "v1", "served": true, "storage": true,
               "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                 "spec": {"type": "object", "required": ["size"],
                          "properties": {"size": {"type": "string"},
                                         "deep": {"type": "array", "items": {"type": "array",
                                                  "items": {"type": "integer"}}}}}}}}}]}}]})";

Result<CrdSchemaFragment, cedar::Diagnostics> translate(std::string_view text,
                                                        const CrdLimits& limits = {}) {
  static const cedar::Schema base = *k8s_schema();
  const CrdSource source{"crds.yaml", text};
  return crd_schema_fragment(std::span(&source, 1), &base, limits);
}

std::string render(const cedar::Diagnostics& diagnostics) {
  std::string out;
  for (const cedar::Diagnostic& d : diagnostics) out += d.render() + "\n";
  return out;
}

// The fragment merged with the built-in schema, as the webhook merges it.
cedar::Schema merged(const CrdSchemaFragment& fragment) {
  const cedar::SchemaFragment generated{"crds.cedarschema", fragment.text,
                                        cedar::SchemaSyntax::kCedar};
  auto schema = k8s_schema_with(std::span(&generated, 1));
  EXPECT_TRUE(schema) << schema.error().message << "\n" << fragment.text;
  return schema ? *schema : cedar::Schema();
}

const cedar::AttributeDef* path(const cedar::Schema& schema, std::string_view type,
                                std::initializer_list<std::string_view> names) {
  const cedar::EntityTypeDef* entity = schema.find_entity_type(type);
  if (entity == nullptr) return nullptr;
  const cedar::SchemaType* record = &entity->shape;
  const cedar::AttributeDef* attribute = nullptr;
  for (const std::string_view name : names) {
    if (record == nullptr) return nullptr;
    attribute = record->find_attribute(name);
    if (attribute == nullptr) return nullptr;
    record = attribute->type.kind() == cedar::TypeKind::kSet ? &attribute->type.element()
                                                             : &attribute->type;
  }
  return attribute;
}

TEST(K8sAuthzCrdSchema, KindsAreNamedAsTheWebhookNamesThem) {
  EXPECT_EQ(cedar_entity_type_for_kind("cert-manager.io", "v1", "Certificate"),
            "io::cert_manager::v1::Certificate");
  EXPECT_EQ(cedar_entity_type_for_kind("karpenter.sh", "v1", "NodePool"),
            "sh::karpenter::v1::NodePool");
  EXPECT_EQ(cedar_entity_type_for_kind("", "v1", "Pod"), "core::v1::Pod");
  EXPECT_EQ(cedar_entity_type_for_kind("networking.k8s.io", "v1", "Ingress"),
            "networking::v1::Ingress");
  EXPECT_EQ(cedar_entity_type_for_kind("cedar.k8s.aws", "v1alpha1", "Policy"),
            "aws::k8s::cedar::v1alpha1::Policy");
  // Labels that are not Cedar identifiers: digits first, reserved words, __cedar.
  EXPECT_EQ(cedar_entity_type_for_kind("in.is.3d.example", "v1", "If"),
            "example::_3d::_is::_in::v1::If");
  EXPECT_EQ(cedar_entity_type_for_kind("__cedar.io", "v1", "in"), "io::___cedar::v1::_in");
}

TEST(K8sAuthzCrdSchema, TranslatesACertManagerLikeCertificate) {
  auto fragment = translate(kCertificate);
  ASSERT_TRUE(fragment) << render(fragment.error());
  EXPECT_EQ(fragment->crds, 1U);
  EXPECT_EQ(fragment->entity_types,
            std::vector<std::string>{"io::cert_manager::v1::Certificate"});  // v1alpha2 unserved
  const cedar::Schema schema = merged(*fragment);
  constexpr std::string_view kType = "io::cert_manager::v1::Certificate";
  const cedar::EntityTypeDef* certificate = schema.find_entity_type(kType);
  ASSERT_NE(certificate, nullptr) << fragment->text;
  // The built-in kinds' shape: metadata, oldObject, label tags.
  EXPECT_EQ(path(schema, kType, {"metadata"})->type.common_type_name(), "meta::v1::ObjectMeta");
  EXPECT_EQ(path(schema, kType, {"oldObject"})->type.entity_type(), kType);
  ASSERT_TRUE(certificate->tags.has_value());
  EXPECT_EQ(certificate->tags->kind(), cedar::TypeKind::kString);
  // Required follows `required`, unless nullable.
  EXPECT_TRUE(path(schema, kType, {"spec"})->required);
  EXPECT_FALSE(path(schema, kType, {"status"})->required);
  EXPECT_TRUE(path(schema, kType, {"spec", "secretName"})->required);
  EXPECT_FALSE(path(schema, kType, {"spec", "renewBefore"})->required);
  EXPECT_TRUE(path(schema, kType, {"spec", "issuerRef", "name"})->required);
  EXPECT_FALSE(path(schema, kType, {"spec", "issuerRef", "kind"})->required);
  EXPECT_FALSE(path(schema, kType, {"spec", "isCA"})->required);
  // Types.
  EXPECT_EQ(path(schema, kType, {"spec", "dnsNames"})->type.to_string(), "Set<String>");
  EXPECT_EQ(path(schema, kType, {"spec", "isCA"})->type.kind(), cedar::TypeKind::kBool);
  EXPECT_EQ(path(schema, kType, {"spec", "revisionHistoryLimit"})->type.kind(),
            cedar::TypeKind::kLong);
  EXPECT_EQ(path(schema, kType, {"spec", "port"})->type.kind(), cedar::TypeKind::kString);
  EXPECT_EQ(path(schema, kType, {"spec", "ratio"})->type.extension_type(),
            cedar::ExtensionType::kDecimal);
  EXPECT_EQ(path(schema, kType, {"spec", "secretTemplate", "labels"})->type.to_string(),
            "Set<meta::v1::KeyValue>");
  EXPECT_EQ(path(schema, kType, {"spec", "secretTemplate", "lists"})->type.to_string(),
            "Set<meta::v1::KeyValueStringSlice>");
  EXPECT_TRUE(path(schema, kType, {"status", "conditions", "type"})->required);
  EXPECT_NE(path(schema, kType, {"status", "conditions", "odd \"name\""}), nullptr);
  // Non-ASCII names survive, written as escapes: the fragment is plain ASCII.
  EXPECT_NE(path(schema, kType, {"status", "conditions", "caf\u00e9\u202e"}), nullptr);
  EXPECT_NE(fragment->text.find(R"("caf\u{e9}\u{202e}"?: __cedar::String)"), std::string::npos);
  EXPECT_TRUE(std::all_of(fragment->text.begin(), fragment->text.end(),
                          [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
  // Left out, and said so.
  for (const std::string_view gone : {"counts", "raw", "anything"}) {
    EXPECT_EQ(path(schema, kType, {"spec", gone}), nullptr) << gone;
  }
  for (const std::string_view note :
       {"// left out: spec.secretTemplate.counts (a map of integer)",
        "// left out: spec.raw (x-kubernetes-preserve-unknown-fields: a free-form object)",
        "// left out: spec.anything (x-kubernetes-preserve-unknown-fields: any value)"}) {
    EXPECT_NE(fragment->text.find(note), std::string::npos) << note << "\n" << fragment->text;
  }
  // The admission actions apply to the custom resource (the merge extends them).
  for (const std::string_view operation : {"all", "create", "update", "delete"}) {
    EXPECT_TRUE(schema.action_applies({"k8s::admission::Action", std::string(operation)},
                                      "k8s::User", kType))
        << operation;
  }
  EXPECT_FALSE(schema.action_applies({"k8s::admission::Action", "connect"}, "k8s::User", kType));
  // Built-in kinds keep theirs.
  EXPECT_TRUE(schema.action_applies({"k8s::admission::Action", "create"}, "k8s::User",
                                    "core::v1::ConfigMap"));
}

TEST(K8sAuthzCrdSchema, EveryServedVersionOfAListIsDeclared) {
  auto fragment = translate(kWidgetList);
  ASSERT_TRUE(fragment) << render(fragment.error());
  EXPECT_EQ(fragment->crds, 1U);
  EXPECT_EQ(fragment->ignored_objects, 1U);
  EXPECT_EQ(fragment->entity_types, (std::vector<std::string>{"com::example::v1::Widget",
                                                              "com::example::v1beta1::Widget"}));
  const cedar::Schema schema = merged(*fragment);
  EXPECT_EQ(path(schema, "com::example::v1beta1::Widget", {"spec", "size"})->type.kind(),
            cedar::TypeKind::kLong);
  EXPECT_FALSE(path(schema, "com::example::v1beta1::Widget", {"spec", "size"})->required);
  EXPECT_EQ(path(schema, "com::example::v1::Widget", {"spec", "size"})->type.kind(),
            cedar::TypeKind::kString);
  EXPECT_TRUE(path(schema, "com::example::v1::Widget", {"spec", "size"})->required);
  EXPECT_EQ(path(schema, "com::example::v1::Widget", {"spec", "deep"})->type.to_string(),
            "Set<Set<Long>>");
}

TEST(K8sAuthzCrdSchema, SeveralFilesAndDocuments) {
  const std::string two = std::string(kCertificate) + "---\n" + std::string(kWidgetList) + "\n";
  const CrdSource sources[] = {{"two.yaml", two}, {"empty.yaml", "---\n"}};
  auto fragment = crd_schema_fragment(sources);
  ASSERT_TRUE(fragment) << render(fragment.error());
  EXPECT_EQ(fragment->entity_types.size(), 3U);
  merged(*fragment);
}

TEST(K8sAuthzCrdSchema, KindsTheBuiltInSchemaDeclaresAreLeftToIt) {
  // The AWS prototype's own Policy CRD (aws::k8s::cedar::v1alpha1::Policy is built in).
  constexpr std::string_view kPolicyCrd = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: policies.cedar.k8s.aws}
spec:
  group: cedar.k8s.aws
  names: {kind: Policy, plural: policies}
  scope: Cluster
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {content: {type: string}}}
)";
  auto fragment = translate(kPolicyCrd);
  ASSERT_TRUE(fragment) << render(fragment.error());
  EXPECT_TRUE(fragment->entity_types.empty());
  EXPECT_EQ(fragment->built_in, std::vector<std::string>{"aws::k8s::cedar::v1alpha1::Policy"});
  EXPECT_NE(fragment->text.find("aws::k8s::cedar::v1alpha1::Policy is declared by the built-in"),
            std::string::npos);
  merged(*fragment);
  // Without a base schema it is declared.
  const CrdSource source{"policy.yaml", kPolicyCrd};
  auto standalone = crd_schema_fragment(std::span(&source, 1));
  ASSERT_TRUE(standalone);
  EXPECT_EQ(standalone->entity_types,
            std::vector<std::string>{"aws::k8s::cedar::v1alpha1::Policy"});
}

TEST(K8sAuthzCrdSchema, DepthAndSizeAreBounded) {
  // Nested deeper than the limit: left out, noted.
  std::string deep =
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
      "spec:\n  group: deep.io\n  names: {kind: Deep}\n  versions:\n"
      "    - name: v1\n      schema:\n        openAPIV3Schema:\n";
  std::string nested = "{type: string}";
  for (int i = 0; i < 12; ++i) nested = "{type: object, properties: {a: " + nested + "}}";
  deep += "          " + nested + "\n";
  CrdLimits limits;
  limits.max_schema_depth = 5;
  auto fragment = translate(deep, limits);
  ASSERT_TRUE(fragment) << render(fragment.error());
  EXPECT_NE(fragment->text.find("(nested deeper than 5 levels)"), std::string::npos)
      << fragment->text;
  merged(*fragment);

  limits = {};
  limits.max_attributes = 3;
  auto many = translate(kCertificate, limits);
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().front().code, "crd.limit.attributes");

  limits = {};
  limits.max_input_bytes = 100;
  auto big = translate(kCertificate, limits);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().front().code, "crd.limit.size");
}

TEST(K8sAuthzCrdSchema, MalformedCrdsAreErrorsWithCodeAndPosition) {
  constexpr std::string_view kHead =
      "apiVersion: apiextensions.k8s.io/v1\n"
      "kind: CustomResourceDefinition\n";
  struct Case {
    std::string text;
    std::string_view code;
    uint32_t line;
  };
  const std::string versions =
      "  versions:\n    - name: v1\n      schema:\n        openAPIV3Schema:\n";
  const std::vector<Case> cases = {
      {"a: [\n", "crd.parse", 2},
      {"- just\n- a list\n", "crd.not-an-object", 1},
      {"apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nspec: {}\n",
       "crd.unsupported-api-version", 1},
      {std::string(kHead) + "metadata: {}\n", "crd.missing-field", 1},
      {std::string(kHead) + "spec:\n  group: 3\n  names: {kind: X}\n  versions: []\n",
       "crd.invalid-field", 4},
      {std::string(kHead) + "spec:\n  group: \"\"\n  names: {kind: X}\n  versions: [{}]\n",
       "crd.invalid-field", 4},
      {std::string(kHead) + "spec:\n  group: g.io\n  names: {kind: X}\n  versions: []\n",
       "crd.invalid-field", 6},
      {std::string(kHead) + "spec:\n  group: g.io\n  names: {plural: x}\n  versions: [{}]\n",
       "crd.missing-field", 5},
      {std::string(kHead) +
           "spec:\n  group: g.io\n  names: {kind: X}\n  versions:\n    - name: v1\n",
       "crd.missing-field", 7},
      {std::string(kHead) + "spec:\n  group: g.io\n  names: {kind: X}\n" + versions +
           "          {type: object, properties: {spec: {type: float}}}\n",
       "crd.invalid-schema", 10},
      {std::string(kHead) + "spec:\n  group: g.io\n  names: {kind: X}\n" + versions +
           "          {type: object, properties: [a, b]}\n",
       "crd.invalid-schema", 10},
      {std::string(kHead) + "spec:\n  group: g.io\n  names: {kind: X}\n" + versions +
           "          {type: object, properties: {spec: {type: object, required: x, properties: "
           "{a: {type: string}}}}}\n",
       "crd.invalid-schema", 10},
      {std::string(kHead) + "spec:\n  group: g.io\n  names: {kind: X}\n" + versions +
           "          {type: object, properties: {spec: 7}}\n",
       "crd.invalid-schema", 10},
      {std::string(kHead) + "spec:\n  group: g.io\n  names: {kind: X}\n" + versions +
           "          {type: object, properties: {spec: {type: [string]}}}\n",
       "crd.invalid-schema", 10},
      {std::string(kHead) + "spec:\n  group: g.io\n  names: {kind: X}\n" + versions +
           "          {type: object, properties: {m: {type: object, additionalProperties: 3}}}\n",
       "crd.invalid-schema", 10},
      {"apiVersion: v1\nkind: List\nitems: {a: 1}\n", "crd.invalid-field", 3},
      {"apiVersion: v1\nkind: ConfigMap\n", "crd.none", 0},
      {std::string(kCertificate) + "---\n" + std::string(kCertificate), "crd.duplicate-kind", 71},
  };
  for (const Case& c : cases) {
    auto fragment = translate(c.text);
    ASSERT_FALSE(fragment) << c.text << "\n" << fragment->text;
    const cedar::Diagnostic& error = fragment.error().front();
    EXPECT_EQ(error.code, c.code) << c.text << "\n" << render(fragment.error());
    EXPECT_EQ(error.file, "crds.yaml");
    EXPECT_EQ(error.line, c.line) << c.text << "\n" << render(fragment.error());
  }
}

TEST(K8sAuthzCrdSchema, EveryMalformedCrdIsReported) {
  const std::string text = std::string(kCertificate) +
                           "---\napiVersion: apiextensions.k8s.io/v1\nkind: "
                           "CustomResourceDefinition\nspec: {group: a.io}\n---\n"
                           "apiVersion: apiextensions.k8s.io/v1beta1\nkind: "
                           "CustomResourceDefinition\n";
  auto fragment = translate(text);
  ASSERT_FALSE(fragment);
  EXPECT_EQ(fragment.error().size(), 3U) << render(fragment.error());
}

}  // namespace
}  // namespace eksguard::k8s_authz
