// Builders for SubjectAccessReview / AdmissionReview bodies and a one-call "does this policy
// text match this review" helper, shared by the webhook tests.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doc/loader.h"
#include "k8s_authz/k8s_schema.h"
#include "k8s_authz/policy_store.h"
#include "k8s_authz/review.h"
#include "support/test_support.h"

namespace eksguard::k8s_authz::testing {

// A v1 SubjectAccessReview for a resource request; `extra_attributes` is spliced into
// resourceAttributes (e.g. R"("labelSelector": {...})").
inline std::string resource_sar(std::string_view user, std::string_view groups_json,
                                std::string_view verb, std::string_view group,
                                std::string_view resource, std::string_view namespace_ = "",
                                std::string_view extra_attributes = "",
                                std::string_view name = "") {
  std::string attributes = fmt::format(
      R"("verb": "{}", "group": "{}", "version": "v1", "resource": "{}")", verb, group, resource);
  if (!namespace_.empty()) attributes += fmt::format(R"(, "namespace": "{}")", namespace_);
  if (!name.empty()) attributes += fmt::format(R"(, "name": "{}")", name);
  if (!extra_attributes.empty()) attributes += fmt::format(", {}", extra_attributes);
  return fmt::format(
      R"({{"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
          "spec": {{"user": "{}", "groups": {}, "resourceAttributes": {{{}}}}}}})",
      user, groups_json, attributes);
}

// A v1 AdmissionReview; `object` and `old_object` are JSON objects or "" (left out).
inline std::string admission_review(std::string_view operation, std::string_view user,
                                    std::string_view groups_json, std::string_view group,
                                    std::string_view version, std::string_view kind,
                                    std::string_view resource, std::string_view name,
                                    std::string_view namespace_, std::string_view object,
                                    std::string_view old_object = "") {
  std::string request = fmt::format(
      R"("uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
         "kind": {{"group": "{0}", "version": "{1}", "kind": "{2}"}},
         "resource": {{"group": "{0}", "version": "{1}", "resource": "{3}"}},
         "name": "{4}", "namespace": "{5}", "operation": "{6}",
         "userInfo": {{"username": "{7}", "groups": {8}}})",
      group, version, kind, resource, name, namespace_, operation, user, groups_json);
  if (!object.empty()) request += fmt::format(R"(, "object": {})", object);
  if (!old_object.empty()) request += fmt::format(R"(, "oldObject": {})", old_object);
  return fmt::format(
      R"({{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {{{}}}}})",
      request);
}

// A ConfigMap in `default` with the given labels JSON (e.g. R"({"owner": "x"})" or "").
inline std::string config_map(std::string_view name, std::string_view labels_json = "") {
  std::string metadata = fmt::format(R"("name": "{}", "namespace": "default")", name);
  if (!labels_json.empty()) metadata += fmt::format(R"(, "labels": {})", labels_json);
  return fmt::format(
      R"({{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{{}}}, "data": {{"k": "v"}}}})",
      metadata);
}

enum class Match { kPermit, kForbid, kNone, kError };

inline std::string_view to_string(Match match) {
  switch (match) {
    case Match::kPermit:
      return "permit";
    case Match::kForbid:
      return "forbid";
    case Match::kNone:
      return "none";
    case Match::kError:
      return "error";
  }
  return "?";
}

// Evaluates `policies` (no schema) for a decoded review. Errors as kError (with the message in
// the test log) when no policy was satisfied.
inline Match evaluate(std::string_view policies, const Review& review) {
  const std::vector<std::pair<std::string, std::string>> files{
      {"test.cedar", std::string(policies)}};
  auto store = PolicyStore::from_texts(files, nullptr);
  if (!store) {
    ADD_FAILURE() << store.error().message;
    return Match::kError;
  }
  const StoreDecision decision = (*store)->decide(*review.request, review.entities);
  if (!decision.forbids.empty()) return Match::kForbid;
  if (!decision.permits.empty()) return Match::kPermit;
  if (!decision.errors.empty()) {
    for (const auto& error : decision.errors) std::cerr << "  error: " << error.message << "\n";
    return Match::kError;
  }
  return Match::kNone;
}

inline Match evaluate_sar(std::string_view policies, std::string_view body) {
  auto review = decode_access_review(body);
  if (!review) {
    ADD_FAILURE() << review.error().message << "\nbody: " << body;
    return Match::kError;
  }
  return evaluate(policies, *review);
}

// The conversion plan of the built-in schema, compiled once.
inline const ConversionPlan& builtin_plan() {
  static const std::shared_ptr<const ConversionPlan> plan = [] {
    auto schema = k8s_schema();
    if (!schema) ADD_FAILURE() << schema.error().message;
    return ConversionPlan::compile(schema ? *schema : cedar::Schema());
  }();
  return *plan;
}

inline Match evaluate_admission(std::string_view policies, std::string_view body) {
  auto review = decode_admission_review(body, builtin_plan());
  if (!review) {
    ADD_FAILURE() << review.error().message << "\nbody: " << body;
    return Match::kError;
  }
  return evaluate(policies, *review);
}

// (metadata.name, spec.content) of every Policy in the AWS prototype's demo files, read in place
// from `demo` (../shared/conformance/cedar-k8s/demo).
inline std::vector<std::pair<std::string, std::string>> demo_policies(
    const std::filesystem::path& demo) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* file : {"authorization-policy.yaml", "admission-policy.yaml"}) {
    auto documents = doc::load_all(eksguard::testing::read_file(demo / file), file);
    if (!documents) {
      ADD_FAILURE() << file << ": " << documents.error().message;
      continue;
    }
    for (const doc::Document& document : *documents) {
      const doc::Node* root = document.root();
      if (root == nullptr || root->string_at("kind") != "Policy") continue;
      const doc::Node* spec = root->get("spec");
      const doc::Node* metadata = root->get("metadata");
      if (spec == nullptr || metadata == nullptr) continue;
      out.emplace_back(std::string(metadata->string_at("name")),
                       std::string(spec->string_at("content")));
    }
  }
  return out;
}

}  // namespace eksguard::k8s_authz::testing
