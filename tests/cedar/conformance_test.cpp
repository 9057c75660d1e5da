// Cedar conformance: the 22 hand-written tests and the 7,809-test generated corpus of
// cedar-policy/cedar-integration-tests (../shared/conformance/cedar, see its NOTICE.md).
//
// For every request the decision, the set of determining policies (`reason`) and the set of
// erroring policies (`errors`) must equal Cedar's. Policy ids are `policyN` in text order.
//
// Entities and contexts are read with Cedar's schema-based parsing against the test's schema,
// and requests with `validateRequest` are validated against it (every corpus request is valid,
// so a rejected request is a disagreement).
//
// Not asserted yet, but counted and printed: `shouldValidate` (strict validation of the
// policies against the schema) needs the policy validator, which is not written yet.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/policy_set.h"
#include "cedar/request.h"
#include "cedar/schema/cedar_schema_parser.h"
#include "doc/loader.h"
#include "support/test_support.h"

namespace eksguard::cedar {
namespace {

namespace fs = std::filesystem;

using ::eksguard::testing::read_file;

// Agreement counts over a set of test files.
struct Tally {
  size_t files = 0;
  size_t requests = 0;
  size_t agreed = 0;
  size_t should_validate = 0;                // files expecting validation to pass (not checked yet)
  size_t validate_request = 0;               // requests validated against the schema
  std::map<std::string, size_t> mismatches;  // category → requests
  std::vector<std::string> examples;         // first few mismatches, for the failure message

  void mismatch(const std::string& category, const std::string& detail) {
    ++mismatches[category];
    if (examples.size() < 25) examples.push_back(category + ": " + detail);
  }

  std::string report(std::string_view name) const {
    std::ostringstream out;
    out << name << ": " << agreed << " / " << requests << " requests agree (decision, reason set, "
        << "error set) in " << files << " test files\n";
    out << "  requests validated against the schema (validateRequest): " << validate_request
        << "\n  not yet checked: shouldValidate (policy validation) in " << should_validate
        << " files\n";
    for (const auto& [category, count] : mismatches) {
      out << "  mismatch: " << category << ": " << count << "\n";
    }
    for (const std::string& example : examples) out << "    e.g. " << example << "\n";
    return out.str();
  }
};

std::set<std::string> id_set(const doc::Node* list) {
  std::set<std::string> ids;
  if (list != nullptr) {
    for (const doc::Node* item : list->items()) ids.insert(std::string(item->text()));
  }
  return ids;
}

std::set<std::string> ids_of(const PolicySet& policies, const std::vector<uint32_t>& indices) {
  std::set<std::string> ids;
  for (const uint32_t index : indices) ids.insert(std::string(policies.policies()[index].id));
  return ids;
}

std::string join(const std::set<std::string>& ids) {
  std::string out = "[";
  for (const std::string& id : ids) out += (out.size() > 1 ? "," : "") + id;
  return out + "]";
}

// Runs one test file; paths inside it are relative to `base`.
void run_test_file(const fs::path& test_path, const fs::path& base, Tally& tally) {
  ++tally.files;
  const std::string test_text = read_file(test_path);
  auto loaded = doc::load_all(test_text, test_path.string());
  ASSERT_TRUE(loaded) << test_path << ": " << loaded.error().message;
  const doc::Node& test = *loaded->front().root();
  if (test.get("shouldValidate") != nullptr && test.get("shouldValidate")->is_true()) {
    ++tally.should_validate;
  }
  const auto requests = test.get("requests")->items();
  const std::string name = test_path.filename().string();

  const fs::path policy_path = base / std::string(test.string_at("policies"));
  auto policies = PolicySet::parse(read_file(policy_path), policy_path.string());
  const fs::path schema_path = base / std::string(test.string_at("schema"));
  auto schema = parse_cedar_schema(read_file(schema_path), schema_path.string());
  ASSERT_TRUE(schema) << schema_path << ": " << render_all(schema.error(), "");
  const fs::path entities_path = base / std::string(test.string_at("entities"));
  auto entities =
      Entities::from_json_text(read_file(entities_path), entities_path.string(), &*schema);

  for (const doc::Node* request_node : requests) {
    ++tally.requests;
    const doc::Node* validate_node = request_node->get("validateRequest");
    const bool validate = validate_node == nullptr || validate_node->is_true();
    if (validate) ++tally.validate_request;
    const std::string where =
        fmt::format("{} \"{}\"", name, request_node->string_at("description"));
    if (!policies) {
      tally.mismatch("policies rejected",
                     where + ": " + policies.error().front().diagnostic.render());
      continue;
    }
    if (!entities) {
      tally.mismatch("entities rejected", where + ": " + entities.error().message);
      continue;
    }
    auto request = Request::from_json(*request_node->get("principal"), *request_node->get("action"),
                                      *request_node->get("resource"), request_node->get("context"),
                                      &*schema, validate);
    if (!request) {
      tally.mismatch("request rejected", where + ": " + request.error().message);
      continue;
    }
    const Response response = is_authorized(*policies, *request, *entities);
    std::vector<uint32_t> erroring;
    for (const PolicyError& error : response.errors) erroring.push_back(error.policy);

    const std::string expected_decision(request_node->string_at("decision"));
    const std::set<std::string> expected_reason = id_set(request_node->get("reason"));
    const std::set<std::string> expected_errors = id_set(request_node->get("errors"));
    const std::set<std::string> reason = ids_of(*policies, response.reasons);
    const std::set<std::string> errors = ids_of(*policies, erroring);
    if (to_string(response.decision) == expected_decision && reason == expected_reason &&
        errors == expected_errors) {
      ++tally.agreed;
      continue;
    }
    std::string detail = where + ": expected " + expected_decision + " " + join(expected_reason) +
                         " errors " + join(expected_errors) + ", got " +
                         std::string(to_string(response.decision)) + " " + join(reason) +
                         " errors " + join(errors);
    for (const PolicyError& error : response.errors) {
      detail += fmt::format("; {}: {}", policies->policies()[error.policy].id, error.error.message);
    }
    const char* category = to_string(response.decision) != expected_decision ? "decision"
                           : reason != expected_reason                       ? "reason set"
                                                                             : "error set";
    tally.mismatch(category, detail);
  }
}

// A temporary folder removed when the test ends.
TEST(CedarConformanceTest, HandWrittenTestsAgreeWithCedar) {
  fs::path root;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar", root);
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root / "tests")) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 22u);
  Tally tally;
  for (const fs::path& file : files) run_test_file(file, root, tally);
  std::cout << tally.report("hand-written tests");
  EXPECT_EQ(tally.requests, 74u);
  EXPECT_EQ(tally.agreed, tally.requests) << tally.report("hand-written tests");
}

TEST(CedarConformanceTest, GeneratedCorpusAgreesWithCedar) {
  fs::path root;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar", root);
  const ::eksguard::testing::TempDir temp("eksguard-cedar");
  ASSERT_FALSE(temp.path().empty());
  ASSERT_EQ(::eksguard::testing::extract_cedar_corpus(root / "corpus-tests.tar.gz", temp.path()),
            0);
  const std::vector<fs::path> files = ::eksguard::testing::cedar_corpus_tests(temp.path());
  ASSERT_EQ(files.size(), 7809u);
  Tally tally;
  for (const fs::path& file : files) run_test_file(file, temp.path(), tally);
  std::cout << tally.report("generated corpus");
  EXPECT_EQ(tally.requests, 62472u);
  EXPECT_EQ(tally.agreed, tally.requests) << tally.report("generated corpus");
}

}  // namespace
}  // namespace eksguard::cedar
