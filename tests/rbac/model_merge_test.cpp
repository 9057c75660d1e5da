// Inputs read separately (per file, per document, on other threads) and merged in input order:
// origins keep pointing at their files, a file is listed once, and platform objects are marked.
#include <gtest/gtest.h>

#include "rbac/model.h"

namespace eksguard::rbac {
namespace {

constexpr std::string_view kRole = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: NAME}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
)";

std::string role(std::string_view name) {
  std::string text(kRole);
  text.replace(text.find("NAME"), 4, name);
  return text;
}

TEST(ModelMergeTest, OriginsFollowTheirFilesAndFilesAreListedOnce) {
  Inputs a, a2, b, all;
  add_text(role("one"), "a.yaml", a);
  add_text("---\n" + role("two"), "a.yaml", a2);  // another document of the same file
  add_text(role("three"), "b.yaml", b);
  merge(all, std::move(a));
  merge(all, std::move(a2));
  merge(all, std::move(b));
  ASSERT_EQ(all.files, (std::vector<std::string>{"a.yaml", "b.yaml"}));
  ASSERT_EQ(all.roles.size(), 3u);
  EXPECT_EQ(all.files[all.roles[0].origin.file], "a.yaml");
  EXPECT_EQ(all.files[all.roles[1].origin.file], "a.yaml");
  EXPECT_EQ(all.roles[1].origin.line, 2u);
  EXPECT_EQ(all.files[all.roles[2].origin.file], "b.yaml");
  EXPECT_EQ(all.objects, 3u);
  EXPECT_TRUE(a.roles.empty());
}

TEST(ModelMergeTest, PlatformObjectsAreMarked) {
  Inputs inputs;
  add_text(std::string(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:node
  annotations: {rbac.authorization.kubernetes.io/autoupdate: "true"}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
)") + role("system:custom") +
               "---\n" + role("eks:addon-manager") + "---\n" + role("edit"),
           "roles.yaml", inputs);
  ASSERT_EQ(inputs.roles.size(), 4u);
  EXPECT_TRUE(inputs.roles[0].platform);   // bootstrap annotation on a system: name
  EXPECT_FALSE(inputs.roles[1].platform);  // system: name without the annotation
  EXPECT_TRUE(inputs.roles[2].platform);   // EKS's own
  EXPECT_FALSE(inputs.roles[3].platform);  // `edit` without the annotation is someone's own
}

}  // namespace
}  // namespace eksguard::rbac
