// End-to-end tests of the JSON policy format on the command line: `eksguard cedar translate`,
// JSON policy files and --template-links in authorize/check-parse/validate, and `policies_json`
// in batch lines.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using ::eksguard::testing::CommandResult;
using ::eksguard::testing::run_eksguard;

class CedarJsonPoliciesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.path() / name) << text;
    return (dir_.path() / name).string();
  }
  static std::string request(const std::string& principal) {
    return " --principal 'User::\"" + principal +
           "\"' --action 'Action::\"view\"' --resource 'Photo::\"p1\"'";
  }

  ::eksguard::testing::TempDir dir_{"eksguard-cedar-json"};
};

constexpr std::string_view kPolicyJson = R"({
  "staticPolicies": {
    "deny-bob": {"effect": "forbid", "principal": {"op": "==", "entity": {"type": "User", "id": "bob"}},
                 "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": []},
    "allow-all": {"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"},
                  "resource": {"op": "All"},
                  "conditions": [{"kind": "when", "body": {"has": {"left": {"Var": "context"}, "attr": "ok"}}}]}
  },
  "templates": {
    "owner": {"effect": "permit", "principal": {"op": "==", "slot": "?principal"},
              "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": []}
  },
  "templateLinks": [{"templateId": "owner", "newId": "carol-owner",
                     "values": {"?principal": {"type": "User", "id": "carol"}}}]
}
)";

TEST_F(CedarJsonPoliciesTest, TranslatePrintsTheJsonPolicySet) {
  const std::string policies = write("p.cedar",
                                     "@id(\"view\") permit(principal, action == Action::\"view\", "
                                     "resource) when { context has a.b && [1, 2].contains(1) };\n"
                                     "forbid(principal == ?principal, action, resource);\n");
  const CommandResult result = run_eksguard("cedar translate --to json -p " + policies);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, R"({
  "staticPolicies": {
    "view": {
      "effect": "permit",
      "principal": {
        "op": "All"
      },
      "action": {
        "op": "==",
        "entity": {
          "type": "Action",
          "id": "view"
        }
      },
      "resource": {
        "op": "All"
      },
      "conditions": [
        {
          "kind": "when",
          "body": {
            "&&": {
              "left": {
                "has": {
                  "left": {
                    "Var": "context"
                  },
                  "attr": [
                    "a",
                    "b"
                  ]
                }
              },
              "right": {
                "contains": {
                  "left": {
                    "Set": [
                      {
                        "Value": 1
                      },
                      {
                        "Value": 2
                      }
                    ]
                  },
                  "right": {
                    "Value": 1
                  }
                }
              }
            }
          }
        }
      ],
      "annotations": {
        "id": "view"
      }
    }
  },
  "templates": {
    "policy1": {
      "effect": "forbid",
      "principal": {
        "op": "==",
        "slot": "?principal"
      },
      "action": {
        "op": "All"
      },
      "resource": {
        "op": "All"
      },
      "conditions": []
    }
  },
  "templateLinks": []
}
)");
}

TEST_F(CedarJsonPoliciesTest, TranslateReadsJsonStdinAndTemplateLinks) {
  const std::string policies = write("p.json", std::string(kPolicyJson));
  const std::string links = write("links.json", R"([{"templateId": "owner", "newId": "dave-owner",
      "values": {"?principal": {"type": "User", "id": "dave"}}}])");
  const CommandResult result = run_eksguard(
      "cedar translate --to json --compact --template-links " + links, false, policies);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find(R"("templateLinks":[{"templateId":"owner","newId":"carol-owner",)"
                            R"("values":{"?principal":{"type":"User","id":"carol"}}},)"
                            R"({"templateId":"owner","newId":"dave-owner",)"),
            std::string::npos)
      << result.out;
  // JSON → JSON is stable: translating the output again gives the same output.
  const std::string once = write("once.json", result.out);
  const CommandResult twice = run_eksguard("cedar translate --to json --compact -p " + once);
  EXPECT_EQ(twice.out, result.out);
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 1);
}

TEST_F(CedarJsonPoliciesTest, TranslateToCedarKeepsIdsAndRoundTrips) {
  const std::string json = write("p.json", std::string(kPolicyJson));
  const CommandResult text = run_eksguard("cedar translate --to cedar -p " + json, true);
  EXPECT_EQ(text.exit_code, 0);
  // Policy set keys become @id annotations; the link cannot be written as text and is reported.
  EXPECT_NE(text.out.find("@id(\"deny-bob\")\nforbid (\n  principal == User::\"bob\",\n"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("@id(\"owner\")\npermit (\n  principal == ?principal,"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("1 template link(s) have no Cedar text form"), std::string::npos);

  // Back to JSON: the same policies under the same ids (annotations added).
  const std::string cedar = write("p.cedar", text.out.substr(0, text.out.find("eksguard cedar")));
  const CommandResult json_again = run_eksguard("cedar translate --to json -p " + cedar);
  EXPECT_EQ(json_again.exit_code, 0);
  EXPECT_NE(json_again.out.find("\"deny-bob\": {"), std::string::npos) << json_again.out;
  EXPECT_NE(json_again.out.find("\"allow-all\": {"), std::string::npos);

  const std::string links = write("links.json", "[]");
  EXPECT_EQ(
      run_eksguard("cedar translate --to cedar --template-links " + links + " -p " + json, true)
          .exit_code,
      2);
}

TEST_F(CedarJsonPoliciesTest, TranslateErrorsExitTwoWithTheLocation) {
  const std::string bad = write("bad.cedar", "permit(principal, action, resource) when { 1 + };\n");
  CommandResult result = run_eksguard("cedar translate --to json -p " + bad, true);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.out.find(bad + ":1:48: error: unexpected token `}`"), std::string::npos)
      << result.out;
  const std::string broken = write("broken.json", R"({"staticPolicies": {"p": {"effect": 1}}})");
  result = run_eksguard("cedar translate --to json -p " + broken, true);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(
      result.out.find(broken + ":1:26: error: $.staticPolicies.p: a policy is missing the key "
                               "`principal` [policy.json.missing-key]"),
      std::string::npos)
      << result.out;
}

TEST_F(CedarJsonPoliciesTest, AuthorizeTakesJsonPoliciesAndLinks) {
  const std::string policies = write("p.json", std::string(kPolicyJson));
  CommandResult result = run_eksguard("cedar authorize -p " + policies + request("carol"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("reason: carol-owner (" + policies + ":10:14)"), std::string::npos)
      << result.out;
  result =
      run_eksguard("cedar authorize -p " + policies + request("bob") + " --context '{\"ok\": 1}'");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.out.find("reason: deny-bob"), std::string::npos) << result.out;

  // A file without the .json extension is recognised by its content, or by --policy-format.
  const std::string unnamed = write("policies.txt", std::string(kPolicyJson));
  EXPECT_EQ(run_eksguard("cedar authorize -p " + unnamed + request("carol")).exit_code, 0);
  EXPECT_EQ(run_eksguard("cedar authorize --policy-format json -p " + unnamed + request("carol"))
                .exit_code,
            0);
  EXPECT_EQ(run_eksguard("cedar authorize --policy-format cedar -p " + unnamed + request("carol"))
                .exit_code,
            2);

  // Text templates linked from a file; the answer names the link.
  const std::string text = write("t.cedar", "permit(principal == ?principal, action, resource);\n");
  const std::string links = write("links.json", R"([{"templateId": "policy0", "newId": "erin",
      "values": {"?principal": {"type": "User", "id": "erin"}}}])");
  result =
      run_eksguard("cedar authorize -p " + text + " --template-links " + links + request("erin"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("reason: erin (" + text + ":1:1)"), std::string::npos) << result.out;
  const std::string wrong = write("wrong.json", R"([{"templateId": "nope", "newId": "x",
      "values": {}}])");
  result = run_eksguard(
      "cedar authorize -p " + text + " --template-links " + wrong + request("erin"), true);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.out.find(text + ": template link: no template with id `nope`"),
            std::string::npos)
      << result.out;
}

TEST_F(CedarJsonPoliciesTest, CheckParseAndValidateTakeJson) {
  const std::string policies = write("p.json", std::string(kPolicyJson));
  CommandResult result = run_eksguard("cedar check-parse -p " + policies);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, policies + ": 2 policies and 1 template parse, 1 template link\n");

  const std::string broken = write("broken.json", R"({"staticPolicies": {
  "a": {"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"},
        "resource": {"op": "Al"}, "conditions": []}}})");
  result = run_eksguard("cedar check-parse -p " + broken, true);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.out.find(broken + ":3:28: error: $.staticPolicies.a.resource.op: unknown "
                                     "scope operator `Al`; expected `All`, `==`, `in` or `is` "
                                     "[policy.json.invalid-variant]\n 3 |"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("1 error"), std::string::npos) << result.out;

  const std::string schema = write("schema.cedarschema", R"(entity User; entity Photo;
action view appliesTo { principal: User, resource: Photo, context: {} };
)");
  result = run_eksguard("cedar validate -p " + policies + " -s " + schema);
  // Diagnostics point into the JSON and name the policy by its key.
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find(policies + ":5:18: warning: for policy `allow-all`, policy is "
                                       "impossible"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("0 errors, 1 warning in 4 policies"), std::string::npos) << result.out;
}

TEST_F(CedarJsonPoliciesTest, BatchLinesTakeJsonPolicies) {
  write("p.json", std::string(kPolicyJson));
  const std::string who = R"("action": {"type": "Action", "id": "view"},
      "resource": {"type": "Photo", "id": "p1"}, "principal": {"type": "User", "id": )";
  std::string inline_policy =
      R"({"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"},
          "resource": {"op": "All"}, "conditions": []})";
  std::erase(inline_policy, '\n');
  std::string lines;
  lines += R"({"policies": "p.json", )" + who + R"("carol"}})" + "\n";
  lines += R"({"policies_json": )" + inline_policy + ", " + who + R"("bob"}})" + "\n";
  lines += R"({"policies_json": "{\"staticPolicies\": {}}", )" + who + R"("bob"}})" + "\n";
  lines += R"({"policies_json": {"staticPolicies": 1}, )" + who + R"("bob"}})" + "\n";
  lines += R"({"policies_json": {}, "policies_text": "", )" + who + R"("bob"}})" + "\n";
  std::erase(lines, '\r');
  std::string batch;
  for (size_t i = 0; i < lines.size(); ++i) {
    // Each request on one line.
    if (lines[i] == '\n' && i + 1 < lines.size() && lines[i + 1] == ' ') continue;
    batch += lines[i];
  }
  const std::string file = write("requests.jsonl", batch);
  const CommandResult result = run_eksguard("cedar authorize --batch " + file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out,
            R"({"decision":"allow","reason":["carol-owner"],"errors":[]})"
            "\n"
            R"({"decision":"allow","reason":["policy0"],"errors":[]})"
            "\n"
            R"({"decision":"deny","reason":[],"errors":[]})"
            "\n"
            R"({"error":"line 4: policies_json:1:38: error: $.staticPolicies: expected static )"
            R"(policies by id (a JSON object), found a number [policy.json.wrong-type]"})"
            "\n"
            R"({"error":"line 5: give exactly one of `policies`, `policies_text` and )"
            R"(`policies_json`"})"
            "\n");
}

}  // namespace
