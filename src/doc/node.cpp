#include "doc/node.h"

#include <charconv>
#include <cstring>

namespace eksguard::doc {

std::string_view describe(NodeKind kind, bool json_terms) {
  switch (kind) {
    case NodeKind::kNull:
      return "null";
    case NodeKind::kBool:
      return "a boolean";
    case NodeKind::kNumber:
      return "a number";
    case NodeKind::kString:
      return "a string";
    case NodeKind::kSequence:
      return json_terms ? "an array" : "a list";
    case NodeKind::kMapping:
      return json_terms ? "an object" : "a mapping";
  }
  return "a value";
}

std::optional<std::string_view> Node::as_string() const {
  if (!is_string()) return std::nullopt;
  return text();
}

std::optional<bool> Node::as_bool() const {
  if (!is_bool()) return std::nullopt;
  const std::string_view t = text();
  // Loaders only mark the spellings of true/false as kBool; the true set is all that
  // starts with t, y or o followed by n ("on"), in any case.
  const char c = static_cast<char>(t.empty() ? 0 : (t[0] | 0x20));
  if (c == 't' || c == 'y') return true;
  if (c == 'o') return t.size() == 2 && (t[1] | 0x20) == 'n';
  return false;
}

namespace {

// YAML 1.1 integers as Kubernetes' YAML decoder reads them: '_' separators dropped, then Go's
// base-0 rules (0x hex, 0o or a leading 0 octal, 0b binary), with an optional sign.
std::optional<int64_t> parse_yaml_integer(std::string_view text) {
  char digits[72];
  size_t n = 0;
  for (char c : text) {
    if (c == '_') continue;
    if (n == sizeof digits) return std::nullopt;
    digits[n++] = c;
  }
  std::string_view t(digits, n);
  bool negative = false;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
    negative = t[0] == '-';
    t.remove_prefix(1);
  }
  int base = 10;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
    base = 16;
  else if (t.size() > 2 && t[0] == '0' && (t[1] == 'o' || t[1] == 'O'))
    base = 8;
  else if (t.size() > 2 && t[0] == '0' && (t[1] == 'b' || t[1] == 'B'))
    base = 2;
  if (base != 10)
    t.remove_prefix(2);
  else if (t.size() > 1 && t[0] == '0')
    base = 8;
  uint64_t magnitude = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), magnitude, base);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (magnitude > limit) return std::nullopt;
  return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
}

}  // namespace

std::optional<int64_t> Node::as_int() const {
  if (!is_number()) return std::nullopt;
  const std::string_view t = text();
  if (auto integer = parse_yaml_integer(t)) return integer;
  // Integral floats such as 1000.0 or 1e3 are integers to Kubernetes' JSON decoding.
  double d = 0;
  std::string_view f = t;
  if (!f.empty() && f[0] == '+') f.remove_prefix(1);
  const auto [dend, dec] = std::from_chars(f.data(), f.data() + f.size(), d);
  if (dec == std::errc() && dend == f.data() + f.size() && d >= -9.2e18 && d <= 9.2e18 &&
      d == static_cast<double>(static_cast<int64_t>(d))) {
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::span<const MapEntry> Node::entries() const {
  if (!is_mapping()) return {};
  return {static_cast<const MapEntry*>(data_), size_};
}

std::span<const Node* const> Node::items() const {
  if (!is_sequence()) return {};
  return {static_cast<const Node* const*>(data_), size_};
}

const MapEntry* Node::find_entry(std::string_view key) const {
  for (const MapEntry& entry : entries()) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

const Node* Node::get(std::string_view key) const {
  const MapEntry* entry = find_entry(key);
  return entry ? entry->value : nullptr;
}

std::string_view Node::string_at(std::string_view key) const {
  const Node* value = get(key);
  return value && value->is_string() ? value->text() : std::string_view{};
}

Document::Document(std::string file, uint32_t index)
    : file_(std::move(file)),
      index_(index),
      arena_(std::make_unique<std::pmr::monotonic_buffer_resource>()) {}

DocumentBuilder::DocumentBuilder(Document& document, size_t size_hint) : document_(document) {
  if (size_hint > 0) {
    // Roughly two arena bytes per input byte covers typical manifests in one block.
    document_.arena_ = std::make_unique<std::pmr::monotonic_buffer_resource>(size_hint * 2);
  }
}

std::string_view DocumentBuilder::intern(std::string_view text) {
  if (text.empty()) return {};
  char* copy = static_cast<char*>(document_.arena_->allocate(text.size(), 1));
  std::memcpy(copy, text.data(), text.size());
  return {copy, text.size()};
}

const Node* DocumentBuilder::null(Position position) {
  void* memory = document_.arena_->allocate(sizeof(Node), alignof(Node));
  return new (memory) Node(NodeKind::kNull, position);
}

const Node* DocumentBuilder::scalar(NodeKind kind, std::string_view text, Position position) {
  void* memory = document_.arena_->allocate(sizeof(Node), alignof(Node));
  Node* node = new (memory) Node(kind, position);
  const std::string_view stored = intern(text);
  node->data_ = stored.data();
  node->size_ = static_cast<uint32_t>(stored.size());
  return node;
}

const Node* DocumentBuilder::sequence(std::span<const Node* const> items, Position position) {
  void* memory = document_.arena_->allocate(sizeof(Node), alignof(Node));
  Node* node = new (memory) Node(NodeKind::kSequence, position);
  if (!items.empty()) {
    void* array = document_.arena_->allocate(items.size_bytes(), alignof(const Node*));
    std::memcpy(array, items.data(), items.size_bytes());
    node->data_ = array;
  }
  node->size_ = static_cast<uint32_t>(items.size());
  return node;
}

const Node* DocumentBuilder::mapping(std::span<const MapEntry> entries, Position position) {
  void* memory = document_.arena_->allocate(sizeof(Node), alignof(Node));
  Node* node = new (memory) Node(NodeKind::kMapping, position);
  if (!entries.empty()) {
    void* array = document_.arena_->allocate(entries.size_bytes(), alignof(MapEntry));
    std::memcpy(array, entries.data(), entries.size_bytes());
    node->data_ = array;
  }
  node->size_ = static_cast<uint32_t>(entries.size());
  return node;
}

}  // namespace eksguard::doc
