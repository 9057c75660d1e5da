// End-to-end tests of `eksguard cedar`: the real binary, checking the exit codes and the
// `authorize --batch` JSON-lines contract of PRODUCT.md.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using ::eksguard::testing::CommandResult;

CommandResult run(const std::string& args, bool with_stderr = false) {
  return ::eksguard::testing::run_eksguard(args, with_stderr);
}

class CedarCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "eksguard-cedar-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write("policies.cedar", R"(@id("admins-view")
permit(principal in Group::"admins", action == Action::"view", resource);
forbid(principal, action, resource) when { resource.private };
permit(principal == User::"bob", action, resource) when { principal.missing };
)");
    write("entities.json", R"([
  {"uid": {"type": "User", "id": "alice"}, "parents": [{"type": "Group", "id": "admins"}]},
  {"uid": {"type": "User", "id": "bob"}},
  {"uid": {"type": "Photo", "id": "p1"}, "attrs": {"private": false}},
  {"uid": {"type": "Photo", "id": "p2"}, "attrs": {"private": true}}
])");
    write("schema.cedarschema", R"(entity Group; entity User in [Group];
entity Photo { private: Bool };
action view appliesTo { principal: User, resource: Photo, context: { ip: ipaddr } };
)");
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string authorize(const std::string& principal, const std::string& resource,
                        const std::string& extra = "") const {
    return "cedar authorize --policies " + path("policies.cedar") + " --entities " +
           path("entities.json") + " --principal 'User::\"" + principal +
           "\"' --action 'Action::\"view\"' --resource 'Photo::\"" + resource + "\"' " + extra;
  }

  fs::path dir_;
};

TEST_F(CedarCommandTest, AllowExitsZeroAndNamesTheDecidingPolicy) {
  const CommandResult result = run(authorize("alice", "p1"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("decision: allow"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("reason: admins-view (" + path("policies.cedar") + ":1:1)"),
            std::string::npos)
      << result.out;
}

TEST_F(CedarCommandTest, DenyExitsThreeAndReportsErroringPolicies) {
  CommandResult result = run(authorize("alice", "p2"));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.out.find("reason: policy1"), std::string::npos) << result.out;
  result = run(authorize("bob", "p1"));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.out.find("error: policy2 (" + path("policies.cedar") +
                            ":4:59): `User::\"bob\"` does not have the attribute `missing`"),
            std::string::npos)
      << result.out;
}

TEST_F(CedarCommandTest, SchemaTypesTheContextAndValidatesTheRequest) {
  const std::string schema = "--schema " + path("schema.cedarschema");
  EXPECT_EQ(run(authorize("alice", "p1", schema + " --context '{\"ip\": \"10.0.0.1\"}'")).exit_code,
            0);
  const CommandResult missing = run(authorize("alice", "p1", schema), true);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("context: expected the record to have an attribute `ip`"),
            std::string::npos)
      << missing.out;
}

TEST_F(CedarCommandTest, InputErrorsExitTwo) {
  EXPECT_EQ(run("cedar authorize --policies " + path("policies.cedar")).exit_code, 2);
  EXPECT_EQ(run(authorize("alice", "p1", "--context '[1]'")).exit_code, 2);
  const CommandResult bad_uid =
      run("cedar authorize --policies " + path("policies.cedar") +
              " --principal alice --action 'Action::\"view\"' --resource 'Photo::\"p1\"'",
          true);
  EXPECT_EQ(bad_uid.exit_code, 2);
  EXPECT_NE(bad_uid.out.find("--principal: `alice` is not an entity uid"), std::string::npos)
      << bad_uid.out;
  write("bad.cedar", "permit(principal, action, resource) when { 1 + };\n");
  const CommandResult bad_policy = run("cedar authorize --policies " + path("bad.cedar") +
                                           " --principal 'User::\"a\"' --action 'Action::\"v\"' "
                                           "--resource 'Photo::\"p\"'",
                                       true);
  EXPECT_EQ(bad_policy.exit_code, 2);
  EXPECT_NE(bad_policy.out.find("unexpected token `}`"), std::string::npos) << bad_policy.out;
}

TEST_F(CedarCommandTest, CheckParseShowsEveryErrorWithASnippet) {
  write("bad.cedar",
        "permit(principal, action, resource) when { 1 + };\n"
        "permit(principal, action, resource) when { context.a = 1 };\n");
  const CommandResult result = run("cedar check-parse --policies " + path("bad.cedar"), true);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.out.find(path("bad.cedar") + ":1:48: error: unexpected token `}` "
                                                "[policy.parse.unexpected-token]"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find(path("bad.cedar") + ":2:44: error: '=' is not a valid operator"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("  help: try using '==' instead"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("^"), std::string::npos) << result.out;
  const CommandResult ok = run("cedar check-parse --policies " + path("policies.cedar"));
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_NE(ok.out.find("3 policies and 0 templates parse"), std::string::npos) << ok.out;
}

TEST_F(CedarCommandTest, BatchAnswersEveryLineInOrder) {
  const std::string request =
      R"("principal": {"type": "User", "id": "alice"}, "action": {"type": "Action", "id": "view"})";
  const std::string batch = write(
      "requests.jsonl",
      "{\"policies\": \"policies.cedar\", \"entities\": \"entities.json\", " + request +
          ", \"resource\": {\"type\": \"Photo\", \"id\": \"p1\"}, \"context\": {}}\n" +
          "{\"policies\": \"policies.cedar\", \"entities\": \"entities.json\", " + request +
          ", \"resource\": {\"type\": \"Photo\", \"id\": \"p2\"}}\n" +
          "\n"
          "{\"policies_text\": \"permit(principal, action, resource) when { context.ok };\", " +
          request + ", \"resource\": {\"type\": \"Photo\", \"id\": \"p9\"}, \"context\": {}}\n" +
          "{\"policies\": \"nope.cedar\", " + request +
          ", \"resource\": {\"type\": \"Photo\", \"id\": \"p1\"}}\n" + "not json\n" +
          "{\"policies_text\": \"forbid(principal, action, resource);\", \"entities_json\": [], " +
          request + ", \"resource\": {\"type\": \"Photo\", \"id\": \"p1\"}}\n" +
          "{\"policies\": \"policies.cedar\", \"schema\": \"schema.cedarschema\", \"entities\": "
          "\"entities.json\", " +
          request + ", \"resource\": {\"type\": \"Photo\", \"id\": \"p1\"}, " +
          "\"context\": {\"ip\": \"10.0.0.1\"}, \"validate_request\": true}\n");
  // Run from elsewhere: paths resolve against the batch file's folder.
  const CommandResult result = run("cedar authorize --batch " + batch);
  EXPECT_EQ(result.exit_code, 2);  // some lines could not be evaluated
  const std::string expected =
      "{\"decision\":\"allow\",\"reason\":[\"admins-view\"],\"errors\":[]}\n"
      "{\"decision\":\"deny\",\"reason\":[\"policy1\"],\"errors\":[]}\n"
      "{\"decision\":\"deny\",\"reason\":[],\"errors\":[\"policy0\"]}\n"
      "{\"error\":\"line 5: cannot read `" +
      path("nope.cedar") +
      "`: cannot open: No such file or directory\"}\n"
      "{\"error\":\"line 6: expected a JSON object\"}\n"
      "{\"decision\":\"deny\",\"reason\":[\"policy0\"],\"errors\":[]}\n"
      "{\"decision\":\"allow\",\"reason\":[\"admins-view\"],\"errors\":[]}\n";
  EXPECT_EQ(result.out, expected);
}

TEST_F(CedarCommandTest, BatchFromStdinExitsZeroWhenEveryLineIsAnswered) {
  const std::string batch = write(
      "stdin.jsonl",
      "{\"policies_text\": \"permit(principal, action, resource);\", \"principal\": {\"type\": "
      "\"User\", \"id\": \"a\"}, \"action\": {\"type\": \"Action\", \"id\": \"v\"}, \"resource\": "
      "{\"type\": \"Photo\", \"id\": \"p\"}}\n");
  const CommandResult result = run("cedar authorize --batch - < " + batch);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "{\"decision\":\"allow\",\"reason\":[\"policy0\"],\"errors\":[]}\n");
  EXPECT_EQ(run("cedar authorize --batch - --policies x < " + batch).exit_code, 2);
}

}  // namespace

namespace {

TEST_F(CedarCommandTest, ValidateReportsSchemaErrorsWithCodesAndExitsOne) {
  // policies.cedar reads `principal.missing`, which the schema does not declare for User.
  const CommandResult invalid = run("cedar validate --policies " + path("policies.cedar") +
                                    " --schema " + path("schema.cedarschema"));
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_NE(invalid.out.find("[validation.unsafe-attribute-access]"), std::string::npos)
      << invalid.out;
  EXPECT_NE(invalid.out.find("policy2"), std::string::npos) << invalid.out;
  const std::string good =
      write("good.cedar",
            "permit(principal, action == Action::\"view\", resource) when { resource.private };\n");
  EXPECT_EQ(run("cedar validate --policies " + good + " --schema " + path("schema.cedarschema"))
                .exit_code,
            0);
}

}  // namespace
