// libFuzzer target for the document loader: any bytes, YAML or JSON, must load or fail with an
// error; never crash, hang or leak. Tight limits keep each input cheap.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "doc/loader.h"

namespace {

size_t walk(const eksguard::doc::Node& node) {
  size_t count = 1;
  for (const auto& entry : node.entries()) count += walk(*entry.value);
  for (const auto* item : node.items()) count += walk(*item);
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  eksguard::doc::Limits limits;
  limits.max_depth = 64;
  limits.max_alias_nodes = 10000;
  limits.max_nodes = 100000;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nodes = 0;
  eksguard::doc::load_text(text, "fuzz.yaml", limits, [&nodes](eksguard::doc::Document& document) {
    nodes += walk(*document.root());
    (void)document.root()->position();
  });
  return 0;
}
