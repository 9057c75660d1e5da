// The formatter over every policy file of the Cedar conformance corpus
// (../shared/conformance/cedar, see its NOTICE.md): formatting succeeds, is idempotent, gives
// policies that parse to the same ASTs, and answers every corpus request exactly as the original
// policies do. A second pass puts a comment after every token of every file and requires all of
// them back, in order, with the same policies.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/format/formatter.h"
#include "cedar/lexer.h"
#include "cedar/parser.h"
#include "cedar/policy_set.h"
#include "cedar/request.h"
#include "cedar/schema/cedar_schema_parser.h"
#include "doc/loader.h"
#include "support/test_support.h"

namespace eksguard::cedar {
namespace {

namespace fs = std::filesystem;

using ::eksguard::testing::read_file;

// Everything the default parse knows about a policy, layout aside.
std::string describe(const Policy& policy) {
  const auto scope = [](const ScopeConstraint& s) {
    const std::string target = s.slot     ? std::string(to_string(*s.slot))
                               : s.entity ? to_cedar_string(*s.entity)
                                          : std::string();
    return fmt::format("{}|{}|{}", static_cast<int>(s.op), s.entity_type, target);
  };
  std::string out = fmt::format("{} {} ", policy.effect == Effect::kPermit ? "permit" : "forbid",
                                scope(policy.principal));
  out += std::to_string(static_cast<int>(policy.action.op));
  for (const EntityUid* uid : policy.action.entities) out += " " + to_cedar_string(*uid);
  out += " " + scope(policy.resource);
  for (const Condition& condition : policy.conditions) {
    out += fmt::format(" {} {{{}}}", condition.is_when ? "when" : "unless",
                       to_cedar_string(*condition.expr));
  }
  for (const PolicyAnnotation& annotation : policy.annotations) {
    out += fmt::format(" @{}({})", annotation.key, quote_string(annotation.value));
  }
  return out;
}

std::vector<std::string> describe_all(std::string_view text) {
  const ParsedPolicies parsed = parse_policies(text, "policies.cedar");
  std::vector<std::string> out;
  if (!parsed.ok()) return {"does not parse: " + parsed.errors.front().diagnostic.render()};
  for (const Policy& policy : parsed.policies) out.push_back(describe(policy));
  return out;
}

std::vector<std::string> comment_texts(std::string_view text) {
  std::vector<Comment> comments;
  tokenize(text, &comments);
  std::vector<std::string> out;
  for (const Comment& comment : comments) out.emplace_back(comment.text);
  return out;
}

// `text` with `// cN` on its own line after every token, plus one trailing comment after every
// third token.
std::string with_comments(std::string_view text) {
  std::string out;
  size_t copied = 0;
  size_t n = 0;
  for (const Token& token : tokenize(text)) {
    if (token.kind == TokenKind::kEnd) break;
    const size_t end = token.offset + token.length;
    out.append(text.substr(copied, end - copied));
    copied = end;
    out += n % 3 == 0 ? fmt::format(" // t{}\n", n) : fmt::format("\n// c{}\n", n);
    ++n;
  }
  out.append(text.substr(copied));
  return out;
}

struct Decisions {
  std::string decision;
  std::set<std::string> reasons;
  std::set<std::string> errors;
  bool operator==(const Decisions&) const = default;
};

Decisions decide(const PolicySet& policies, const Request& request, const Entities& entities) {
  const Response response = is_authorized(policies, request, entities);
  Decisions out{std::string(to_string(response.decision)), {}, {}};
  for (const uint32_t index : response.reasons) {
    out.reasons.insert(std::string(policies.policies()[index].id));
  }
  for (const PolicyError& error : response.errors) {
    out.errors.insert(std::string(policies.policies()[error.policy].id));
  }
  return out;
}

struct Tally {
  size_t files = 0;
  size_t requests = 0;
  std::vector<std::string> failures;
  void fail(std::string message) {
    if (failures.size() < 20) failures.push_back(std::move(message));
  }
};

// Formats the policies of one corpus test and checks every property; the requests are run
// against both the original and the formatted policies.
void check_test_file(const fs::path& test_path, const fs::path& base, Tally& tally) {
  ++tally.files;
  auto loaded = doc::load_all(read_file(test_path), test_path.string());
  ASSERT_TRUE(loaded) << test_path;
  const doc::Node& test = *loaded->front().root();
  const fs::path policy_path = base / std::string(test.string_at("policies"));
  const std::string name = policy_path.filename().string();
  const std::string source = read_file(policy_path);

  auto formatted = format_policies(source, name);
  if (!formatted) {
    tally.fail(name + ": " + formatted.error().front().diagnostic.render());
    return;
  }
  auto again = format_policies(*formatted, name);
  if (!again || *again != *formatted) tally.fail(name + ": not idempotent");
  if (describe_all(*formatted) != describe_all(source)) tally.fail(name + ": policies differ");

  auto original = PolicySet::parse(source, name);
  auto reformatted = PolicySet::parse(*formatted, name);
  if (!original || !reformatted) {
    tally.fail(name + ": policy set does not parse");
    return;
  }
  const fs::path schema_path = base / std::string(test.string_at("schema"));
  auto schema = parse_cedar_schema(read_file(schema_path), schema_path.string());
  ASSERT_TRUE(schema) << schema_path;
  const fs::path entities_path = base / std::string(test.string_at("entities"));
  auto entities =
      Entities::from_json_text(read_file(entities_path), entities_path.string(), &*schema);
  if (!entities) return;
  for (const doc::Node* node : test.get("requests")->items()) {
    const doc::Node* validate_node = node->get("validateRequest");
    auto request = Request::from_json(*node->get("principal"), *node->get("action"),
                                      *node->get("resource"), node->get("context"), &*schema,
                                      validate_node == nullptr || validate_node->is_true());
    if (!request) continue;
    ++tally.requests;
    if (!(decide(*original, *request, *entities) == decide(*reformatted, *request, *entities))) {
      tally.fail(fmt::format("{}: request \"{}\" decided differently", name,
                             node->string_at("description")));
    }
  }
}

class CedarFormatCorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::path root;
    EKSGUARD_REQUIRE_SHARED("conformance/cedar", root);
    root_ = root;
    ASSERT_FALSE(temp_.path().empty());
    ASSERT_EQ(::eksguard::testing::extract_cedar_corpus(root / "corpus-tests.tar.gz", temp_.path()),
              0);
  }

  fs::path root_;
  const ::eksguard::testing::TempDir temp_{"eksguard-cedar-format"};
};

TEST_F(CedarFormatCorpusTest, EveryPolicyFileFormatsIdempotentlyToTheSamePolicies) {
  Tally tally;
  for (const fs::path& file : ::eksguard::testing::cedar_corpus_tests(temp_.path())) {
    check_test_file(file, temp_.path(), tally);
  }
  std::vector<fs::path> hand_written;
  for (const auto& entry : fs::recursive_directory_iterator(root_ / "tests")) {
    if (entry.path().extension() == ".json") hand_written.push_back(entry.path());
  }
  for (const fs::path& file : hand_written) check_test_file(file, root_, tally);
  std::cout << fmt::format("formatted {} policy files; {} requests decided alike\n", tally.files,
                           tally.requests);
  EXPECT_EQ(tally.files, 7809u + 22u);
  EXPECT_GT(tally.requests, 62000u);
  for (const std::string& failure : tally.failures) ADD_FAILURE() << failure;
}

TEST_F(CedarFormatCorpusTest, CommentsAfterEveryTokenAreAllKept) {
  size_t files = 0;
  size_t comments = 0;
  std::vector<std::string> failures;
  for (const auto& entry : fs::directory_iterator(temp_.path() / "corpus-tests")) {
    if (entry.path().extension() != ".cedar") continue;
    ++files;
    const std::string source = read_file(entry.path());
    const std::string commented = with_comments(source);
    const std::string name = entry.path().filename().string();
    auto formatted = format_policies(commented, name);
    if (!formatted) {
      failures.push_back(name + ": " + formatted.error().front().diagnostic.render());
      continue;
    }
    const std::vector<std::string> expected = comment_texts(commented);
    comments += expected.size();
    if (comment_texts(*formatted) != expected) failures.push_back(name + ": comments differ");
    if (describe_all(*formatted) != describe_all(source)) {
      failures.push_back(name + ": policies differ");
    }
    auto again = format_policies(*formatted, name);
    if (!again || *again != *formatted) failures.push_back(name + ": not idempotent");
    if (failures.size() >= 20) break;
  }
  std::cout << fmt::format("{} comments kept in {} commented policy files\n", comments, files);
  EXPECT_EQ(files, 7809u);
  for (const std::string& failure : failures) ADD_FAILURE() << failure;
}

}  // namespace
}  // namespace eksguard::cedar
