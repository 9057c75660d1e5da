// Splitting documents into Kubernetes objects (see list.h).
#include "k8s/list.h"

#include <fmt/format.h>

#include <string>

namespace eksguard::k8s {
namespace {

InputError error_at(std::string_view file, const doc::Node& node, std::string message) {
  return InputError{std::string(file), node.position().line, node.position().column,
                    std::move(message)};
}

void split_list(const doc::Node& list, const doc::Node& items, std::string_view file,
                const std::function<void(const Object&)>& on_object,
                const std::function<void(InputError)>& on_error) {
  const std::string_view list_kind = list.string_at("kind");
  if (!items.is_sequence()) {
    on_error(
        error_at(file, items,
                 fmt::format("{}: items must be a list", list_kind.empty() ? "list" : list_kind)));
    return;
  }
  // PodList, RoleList …: items may leave out their kind; a core list ("v1") carries no group,
  // typed lists name their items' group/version.
  const std::string_view item_kind =
      list_kind.size() > 4 ? list_kind.substr(0, list_kind.size() - 4) : std::string_view{};
  const std::string_view item_api_version = list.string_at("apiVersion");
  size_t index = 0;
  for (const doc::Node* item : items.items()) {
    std::string prefix = fmt::format("items[{}]", index++);
    if (!item->is_mapping() || (item->string_at("kind").empty() && item_kind.empty())) {
      on_error(error_at(file, *item,
                        fmt::format("{}: expected a Kubernetes object with a kind", prefix)));
      continue;
    }
    on_object(make_object(*item, file, std::move(prefix), item_kind, item_api_version));
  }
}

}  // namespace

bool is_list(const doc::Node& root) {
  if (!root.is_mapping() || root.get("items") == nullptr) return false;
  const std::string_view kind = root.string_at("kind");
  return kind.ends_with("List") || kind.empty();
}

void for_each_object(const doc::Node& root, std::string_view file,
                     const std::function<void(const Object&)>& on_object,
                     const std::function<void(InputError)>& on_error) {
  if (!root.is_mapping()) {
    on_error(error_at(file, root,
                      fmt::format("expected a Kubernetes object (a mapping with apiVersion and "
                                  "kind), found {}",
                                  doc::describe(root.kind()))));
    return;
  }
  if (is_list(root)) {
    split_list(root, *root.get("items"), file, on_object, on_error);
    return;
  }
  if (root.string_at("kind").empty() || root.string_at("apiVersion").empty()) {
    on_error(error_at(file, root, "not a Kubernetes object: apiVersion and kind must be set"));
    return;
  }
  on_object(make_object(root, file));
}

}  // namespace eksguard::k8s
