// Splitting documents into objects: single objects, typed lists with defaulted kinds, and errors.
#include "k8s/list.h"

#include <gtest/gtest.h>

#include "doc/loader.h"

namespace eksguard::k8s {
namespace {

struct Split {
  std::vector<ObjectRef> objects;
  std::vector<std::string> paths;
  std::vector<InputError> errors;
};

Split split(std::string_view text) {
  Split out;
  const auto errors = doc::load_text(text, "in.json", {}, [&](doc::Document& document) {
    for_each_object(
        *document.root(), document.file(),
        [&](const Object& object) {
          out.objects.push_back(object.ref);
          out.paths.push_back(object.path_prefix);
        },
        [&](InputError error) { out.errors.push_back(std::move(error)); });
  });
  EXPECT_TRUE(errors.empty());
  return out;
}

TEST(ListTest, TypedListItemsTakeTheListsKindAndApiVersion) {
  const Split s = split(R"({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleList",
    "items": [{"metadata": {"name": "a", "namespace": "n"}},
              {"kind": "ClusterRole", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": {"name": "b"}}]})");
  ASSERT_EQ(s.objects.size(), 2u);
  EXPECT_EQ(s.objects[0].kind, "Role");
  EXPECT_EQ(s.objects[0].api_version, "rbac.authorization.k8s.io/v1");
  EXPECT_EQ(s.paths[0], "items[0]");
  EXPECT_EQ(s.objects[1].kind, "ClusterRole");
  EXPECT_TRUE(s.errors.empty());
}

TEST(ListTest, ProblemsAreErrorsWithPositions) {
  const Split s = split(R"({"kind": "List", "items": [3, {"metadata": {}}]})");
  EXPECT_TRUE(s.objects.empty());
  ASSERT_EQ(s.errors.size(), 2u);
  EXPECT_NE(s.errors[0].message.find("items[0]: expected a Kubernetes object"), std::string::npos);
  EXPECT_EQ(s.errors[0].line, 1u);
  EXPECT_EQ(split(R"({"kind": "List", "items": {}})").errors.size(), 1u);
  EXPECT_EQ(split(R"({"kind": "Pod"})").errors.size(), 1u);
  EXPECT_EQ(split("[1]").errors.size(), 1u);
  EXPECT_EQ(split(R"({"kind": "Pod", "apiVersion": "v1"})").objects.size(), 1u);
}

}  // namespace
}  // namespace eksguard::k8s
