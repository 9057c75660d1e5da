// libFuzzer target for Cedar entity JSON: any bytes must load or fail with an error; never crash,
// hang or leak. Loaded stores are queried, and the same bytes are tried as a request context.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cedar/entities.h"
#include "cedar/request.h"
#include "doc/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  eksguard::cedar::EntitiesLimits limits;
  limits.max_closure_entries = 100000;
  auto entities = eksguard::cedar::Entities::from_json_text(text, "fuzz.json", nullptr, limits);
  if (entities) {
    for (const auto& entity : entities->all()) {
      (void)entities->find(*entity.uid);
      for (const uint32_t ancestor : entity.ancestors) {
        (void)entities->has_ancestor(entity, entities->uid_at(ancestor));
      }
    }
  }
  eksguard::doc::Limits doc_limits;
  doc_limits.max_depth = 64;
  doc_limits.max_nodes = 100000;
  eksguard::doc::load_text(text, "context.json", doc_limits, [](eksguard::doc::Document& document) {
    const eksguard::doc::Node* root = document.root();
    if (root == nullptr || !root->is_mapping()) return;
    const eksguard::doc::Node* principal = root->get("principal");
    const eksguard::doc::Node* action = root->get("action");
    const eksguard::doc::Node* resource = root->get("resource");
    if (principal == nullptr || action == nullptr || resource == nullptr) return;
    (void)eksguard::cedar::Request::from_json(*principal, *action, *resource, root->get("context"));
  });
  return 0;
}
