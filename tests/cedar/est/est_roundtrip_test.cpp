// Round trip over the whole Cedar conformance corpus (../shared/conformance/cedar): every policy
// file, Cedar text → JSON policy format → policies, must give exactly the answers of the text
// (decision, reason set, error set) for every request of its test, and those answers must be
// Cedar's. The JSON read back (as written) must also write the same JSON again, and validate
// against the test's schema with Cedar's verdict (`shouldValidate`).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/est/est_reader.h"
#include "cedar/est/est_writer.h"
#include "cedar/policy_set.h"
#include "cedar/request.h"
#include "cedar/schema/cedar_schema_parser.h"
#include "cedar/validator/validator.h"
#include "doc/loader.h"
#include "report/json_writer.h"
#include "support/test_support.h"

namespace eksguard::cedar::est {
namespace {

namespace fs = std::filesystem;

using ::eksguard::testing::read_file;

// The policy set of `text` in the JSON policy format; "" (and a test failure) if it cannot be.
std::string to_json(const ParsedPolicies& parsed) {
  std::string out;
  report::JsonWriter json(out);
  const Status written = write_policy_set(json, parsed.policies);
  EXPECT_TRUE(written) << parsed.file << ": " << written.error().message;
  return out;
}

struct Answer {
  std::string decision;
  std::set<std::string> reasons;
  std::set<std::string> errors;
  bool operator==(const Answer&) const = default;
  std::string show() const {
    return fmt::format("{} reasons [{}] errors [{}]", decision, fmt::join(reasons, ","),
                       fmt::join(errors, ","));
  }
};

Answer answer(const PolicySet& set, const Request& request, const Entities& store) {
  const Response response = is_authorized(set, request, store);
  Answer out{std::string(to_string(response.decision)), {}, {}};
  for (uint32_t index : response.reasons) {
    out.reasons.insert(std::string(PolicySet::display_id(set.policies()[index])));
  }
  for (const PolicyError& error : response.errors) {
    out.errors.insert(std::string(PolicySet::display_id(set.policies()[error.policy])));
  }
  return out;
}

Answer expected_answer(const doc::Node& request) {
  Answer out{std::string(request.string_at("decision")), {}, {}};
  for (const char* key : {"reason", "errors"}) {
    auto& ids = std::string_view(key) == "reason" ? out.reasons : out.errors;
    if (const doc::Node* list = request.get(key)) {
      for (const doc::Node* id : list->items()) ids.insert(std::string(id->text()));
    }
  }
  return out;
}

struct Tally {
  size_t files = 0;
  size_t policies = 0;
  size_t requests = 0;
  size_t agreed = 0;
  size_t validated = 0;  // files whose JSON policies get Cedar's validation verdict
  std::vector<std::string> failures;
  void failure(std::string text) {
    if (failures.size() < 20) failures.push_back(std::move(text));
  }
};

void round_trip(const fs::path& test_path, const fs::path& base, Tally& tally) {
  ++tally.files;
  const std::string test_text = read_file(test_path);
  auto loaded = doc::load_all(test_text, test_path.string());
  ASSERT_TRUE(loaded) << test_path;
  const doc::Node& test = *loaded->front().root();
  const fs::path policy_path = base / std::string(test.string_at("policies"));
  const std::string policy_text = read_file(policy_path);

  ParseOptions as_written;
  as_written.keep_as_written = true;
  const ParsedPolicies parsed = parse_policies(policy_text, policy_path.string(), as_written);
  ASSERT_TRUE(parsed.ok()) << policy_path;
  tally.policies += parsed.policies.size();
  const std::string json = to_json(parsed);
  JsonPolicies read = read_policies_json(json, policy_path.string() + ".json");
  if (!read.ok()) {
    tally.failure(policy_path.string() + ": " + read.policies.errors.front().diagnostic.render());
    return;
  }
  // JSON → JSON is stable.
  JsonPolicies reread = read_policies_json(json, "again.json", as_written);
  if (!reread.ok() || to_json(reread.policies) != json) {
    tally.failure(policy_path.string() + ": JSON read back writes different JSON");
  }
  auto from_json = PolicySet::compile(std::move(read.policies), read.links);
  auto from_text = PolicySet::parse(policy_text, policy_path.string());
  ASSERT_TRUE(from_json && from_text) << policy_path;

  auto schema = parse_cedar_schema(read_file(base / std::string(test.string_at("schema"))),
                                   "schema.cedarschema");
  ASSERT_TRUE(schema) << test_path;
  // Validation of the JSON policies (as written, as `eksguard cedar validate` reads JSON).
  auto as_written_set = PolicySet::compile(std::move(reread.policies), reread.links);
  ASSERT_TRUE(as_written_set) << policy_path;
  const doc::Node* should_validate = test.get("shouldValidate");
  if (should_validate != nullptr) {
    if (validate(*as_written_set, *schema).ok() == should_validate->is_true()) {
      ++tally.validated;
    } else {
      tally.failure(policy_path.string() + ": validation of the JSON policies disagrees");
    }
  }
  auto store = Entities::from_json_text(read_file(base / std::string(test.string_at("entities"))),
                                        "entities.json", &*schema);
  ASSERT_TRUE(store) << test_path << ": " << store.error().message;
  for (const doc::Node* request_node : test.get("requests")->items()) {
    ++tally.requests;
    const doc::Node* validate = request_node->get("validateRequest");
    auto request = Request::from_json(*request_node->get("principal"), *request_node->get("action"),
                                      *request_node->get("resource"), request_node->get("context"),
                                      &*schema, validate == nullptr || validate->is_true());
    ASSERT_TRUE(request) << test_path << ": " << request.error().message;
    const Answer json_answer = answer(*from_json, *request, *store);
    const Answer text_answer = answer(*from_text, *request, *store);
    const Answer cedar_answer = expected_answer(*request_node);
    if (json_answer == text_answer && text_answer == cedar_answer) {
      ++tally.agreed;
      continue;
    }
    tally.failure(fmt::format("{} \"{}\": JSON {}, text {}, Cedar {}",
                              test_path.filename().string(), request_node->string_at("description"),
                              json_answer.show(), text_answer.show(), cedar_answer.show()));
  }
}

std::string report(std::string_view name, const Tally& tally) {
  std::string out = fmt::format(
      "{}: {} / {} requests answer alike through the JSON policy format ({} policies in {} "
      "files); {} validation verdicts agree\n",
      name, tally.agreed, tally.requests, tally.policies, tally.files, tally.validated);
  for (const std::string& failure : tally.failures) out += "  " + failure + "\n";
  return out;
}

TEST(CedarEstRoundTripTest, HandWrittenTests) {
  fs::path root;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar", root);
  Tally tally;
  for (const auto& entry : fs::recursive_directory_iterator(root / "tests")) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      round_trip(entry.path(), root, tally);
    }
  }
  std::cout << report("hand-written tests", tally);
  EXPECT_EQ(tally.requests, 74u);
  EXPECT_EQ(tally.agreed, tally.requests) << report("hand-written tests", tally);
  EXPECT_TRUE(tally.failures.empty()) << report("hand-written tests", tally);
}

TEST(CedarEstRoundTripTest, GeneratedCorpus) {
  fs::path root;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar", root);
  const ::eksguard::testing::TempDir temp("eksguard-est");
  ASSERT_FALSE(temp.path().empty());
  ASSERT_EQ(::eksguard::testing::extract_cedar_corpus(root / "corpus-tests.tar.gz", temp.path()),
            0);
  const std::vector<fs::path> files = ::eksguard::testing::cedar_corpus_tests(temp.path());
  ASSERT_EQ(files.size(), 7809u);
  Tally tally;
  for (const fs::path& file : files) round_trip(file, temp.path(), tally);
  std::cout << report("generated corpus", tally);
  EXPECT_EQ(tally.requests, 62472u);
  EXPECT_EQ(tally.validated, 7809u);
  EXPECT_EQ(tally.agreed, tally.requests) << report("generated corpus", tally);
  EXPECT_TRUE(tally.failures.empty()) << report("generated corpus", tally);
}

}  // namespace
}  // namespace eksguard::cedar::est
