// Object conversion follows the schema (conversion_plan.h, object_value.h): int-or-string and
// quantity fields become Strings whatever the JSON held, Kubernetes maps become KeyValue sets,
// RawExtensions their JSON text, and what the schema does not declare converts generically.
#include "k8s_authz/object_value.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>

#include "cedar/value.h"
#include "k8s_authz/conversion_plan.h"
#include "k8s_authz/k8s_authz_test_support.h"
#include "k8s_authz/k8s_schema.h"

namespace eksguard::k8s_authz {
namespace {

using testing::builtin_plan;

class K8sAuthzObjectValue : public ::testing::Test {
 protected:
  // The object converted as an entity of `type`, or ADD_FAILURE.
  cedar::Value convert(std::string_view type, std::string_view json,
                       std::vector<Label>* labels = nullptr) {
    simdjson::dom::element element;
    if (parser_.parse(json.data(), json.size()).get(element) != simdjson::SUCCESS) {
      ADD_FAILURE() << "bad JSON: " << json;
      return {};
    }
    auto value = object_to_value(element, builtin_plan().for_entity_type(type), arena_, {}, labels);
    if (!value) {
      ADD_FAILURE() << value.error().message;
      return {};
    }
    return *value;
  }

  // The Cedar text of the value at a dotted path of records ("" when absent).
  static std::string at(const cedar::Value& value, std::string_view path) {
    const cedar::Value* current = &value;
    while (!path.empty()) {
      const size_t dot = path.find('.');
      if (!current->is_record()) return "";
      current = current->find(path.substr(0, dot));
      if (current == nullptr) return "";
      path = dot == std::string_view::npos ? "" : path.substr(dot + 1);
    }
    return cedar::to_cedar_string(*current);
  }

  simdjson::dom::parser parser_;
  cedar::Arena arena_;
};

TEST_F(K8sAuthzObjectValue, IntOrStringPortsAreStrings) {
  const cedar::Value service = convert("core::v1::Service", R"({
    "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
    "spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443, "targetPort": "http"}]}})");
  EXPECT_EQ(at(service, "spec.ports"),
            R"([{"port": 80, "targetPort": "8080"}, {"port": 443, "targetPort": "http"}])");
}

TEST_F(K8sAuthzObjectValue, QuantitiesAreKeyValueStrings) {
  const cedar::Value pod = convert("core::v1::Pod", R"({
    "spec": {"containers": [{"name": "c", "image": "i",
      "resources": {"limits": {"cpu": 1, "memory": "1Gi"}, "requests": {"cpu": 0.5}}}]}})");
  EXPECT_EQ(
      at(pod, "spec.containers"),
      R"([{"image": "i", "name": "c", "resources": {"limits": [{"key": "cpu", "value": "1"}, )"
      R"({"key": "memory", "value": "1Gi"}], "requests": [{"key": "cpu", "value": "0.5"}]}}])");
}

TEST_F(K8sAuthzObjectValue, ConfigMapDataAndLabelsAreKeyValueSets) {
  std::vector<Label> labels;
  const cedar::Value config_map = convert("core::v1::ConfigMap", R"({
    "metadata": {"name": "cm", "labels": {"owner": "alice", "tier": "web"}},
    "data": {"a": "1", "b": "two"}})",
                                          &labels);
  EXPECT_EQ(at(config_map, "data"),
            R"([{"key": "a", "value": "1"}, {"key": "b", "value": "two"}])");
  EXPECT_EQ(at(config_map, "metadata.labels"),
            R"([{"key": "owner", "value": "alice"}, {"key": "tier", "value": "web"}])");
  ASSERT_EQ(labels.size(), 2U);
  EXPECT_EQ(labels[0].key, "owner");
  EXPECT_EQ(labels[0].value, "alice");
}

TEST_F(K8sAuthzObjectValue, UnknownFieldsConvertGenerically) {
  const cedar::Value pod = convert("core::v1::Pod", R"({
    "spec": {"futureField": {"nested": {"x": 1}, "list": [1, 2.5]}, "hostNetwork": true}})");
  EXPECT_EQ(at(pod, "spec.futureField.nested"), R"({"x": 1})");
  EXPECT_EQ(at(pod, "spec.futureField.list"), R"([1, decimal("2.5000")])");
  EXPECT_EQ(at(pod, "spec.hostNetwork"), "true");
}

TEST_F(K8sAuthzObjectValue, UndeclaredKindsStillHaveKeyValueLabels) {
  std::vector<Label> labels;
  const cedar::Value widget = convert("example::v1::Widget", R"({
    "metadata": {"labels": {"owner": "bob"}}, "spec": {"selector": {"a": "b"}}})",
                                      &labels);
  EXPECT_EQ(at(widget, "metadata.labels"), R"([{"key": "owner", "value": "bob"}])");
  EXPECT_EQ(at(widget, "spec.selector"), R"({"a": "b"})");  // unknown: a record
  EXPECT_EQ(labels.size(), 1U);
}

TEST_F(K8sAuthzObjectValue, RawExtensionsAreJsonTextAndFieldsV1IsEmpty) {
  const cedar::Value revision = convert("apps::v1::ControllerRevision", R"({
    "revision": 3, "data": {"spec": {"template": {"a": [1, "x"]}}},
    "metadata": {"managedFields": [{"manager": "kubectl", "fieldsV1": {"f:data": {}}}]}})");
  EXPECT_EQ(at(revision, "data"), R"("{\"spec\":{\"template\":{\"a\":[1,\"x\"]}}}")");
  EXPECT_EQ(at(revision, "revision"), "3");
  EXPECT_EQ(at(revision, "metadata.managedFields"), R"([{"fieldsV1": {}, "manager": "kubectl"}])");
}

TEST_F(K8sAuthzObjectValue, StringListMapsAndPortForwardPorts) {
  const cedar::Value review = convert("authorization::v1::SubjectAccessReview", R"({
    "spec": {"user": "u", "extra": {"scopes": ["a", "b"]}}})");
  EXPECT_EQ(at(review, "spec.extra"), R"([{"key": "scopes", "value": ["a", "b"]}])");
  const cedar::Value forward = convert("core::v1::PodPortForwardOptions",
                                       R"({"kind": "PodPortForwardOptions", "ports": [8080]})");
  EXPECT_EQ(at(forward, "ports"), R"(["8080"])");
}

// A map value of the wrong shape is converted generically, never dropped.
TEST_F(K8sAuthzObjectValue, MisshapenValuesAreKept) {
  const cedar::Value config_map =
      convert("core::v1::ConfigMap", R"({"data": {"a": {"b": 1}}, "immutable": "yes"})");
  EXPECT_EQ(at(config_map, "data"), R"([{"key": "a", "value": "{\"b\":1}"}])");
  EXPECT_EQ(at(config_map, "immutable"), R"("yes")");
}

TEST(K8sAuthzConversionPlan, SharesCommonTypes) {
  auto schema = k8s_schema();
  ASSERT_TRUE(schema) << schema.error().message;
  const auto plan = ConversionPlan::compile(*schema);
  const PlanNode* pod = plan->for_entity_type("core::v1::Pod");
  const PlanNode* deployment = plan->for_entity_type("apps::v1::Deployment");
  ASSERT_EQ(pod->shape, PlanShape::kRecord);
  ASSERT_NE(pod->field("spec"), nullptr);
  const PlanNode* template_spec = deployment->field("spec")->field("template")->field("spec");
  ASSERT_NE(template_spec, nullptr);
  EXPECT_EQ(template_spec, pod->field("spec"));  // core::v1::PodSpec compiled once
  EXPECT_EQ(pod->field("metadata")->field("labels")->shape, PlanShape::kSetOrMap);
  EXPECT_EQ(plan->for_entity_type("example::v1::Widget")->field("spec"), nullptr);
}

}  // namespace
}  // namespace eksguard::k8s_authz
