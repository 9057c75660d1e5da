// The document model: one immutable tree for YAML and JSON input, with the source position of
// every node. Nodes live in the arena of the Document that owns them and are never copied.
#pragma once

#include <cstdint>
#include <memory>
#include <memory_resource>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace eksguard::doc {

// 1-based line and column; {0, 0} means "no position" (e.g. a synthesized node).
struct Position {
  uint32_t line = 0;
  uint32_t column = 0;
};

enum class NodeKind : uint8_t { kNull, kBool, kNumber, kString, kSequence, kMapping };

class Node;

struct MapEntry {
  std::string_view key;
  Position key_position;
  const Node* value;
};

class Node {
 public:
  NodeKind kind() const { return kind_; }
  Position position() const { return position_; }

  bool is_null() const { return kind_ == NodeKind::kNull; }
  bool is_bool() const { return kind_ == NodeKind::kBool; }
  bool is_number() const { return kind_ == NodeKind::kNumber; }
  bool is_string() const { return kind_ == NodeKind::kString; }
  bool is_scalar() const { return kind_ <= NodeKind::kString; }
  bool is_sequence() const { return kind_ == NodeKind::kSequence; }
  bool is_mapping() const { return kind_ == NodeKind::kMapping; }

  // Scalar text: the string value, or the source spelling of a bool/number ("" for null
  // and for collections).
  std::string_view text() const {
    return is_scalar() ? std::string_view(static_cast<const char*>(data_), size_)
                       : std::string_view{};
  }
  // The string value when this is a string, nullopt otherwise.
  std::optional<std::string_view> as_string() const;
  // The boolean when this is a bool (YAML 1.1 spellings as Kubernetes accepts them).
  std::optional<bool> as_bool() const;
  // The integer when this is a number with an integral value that fits in int64.
  std::optional<int64_t> as_int() const;
  // True only for an explicit boolean true.
  bool is_true() const { return as_bool().value_or(false); }
  bool is_false() const { return !as_bool().value_or(true); }

  // Mapping access; nullptr when this is not a mapping or the key is absent.
  const Node* get(std::string_view key) const;
  const MapEntry* find_entry(std::string_view key) const;
  std::span<const MapEntry> entries() const;
  // Sequence access (empty for anything else).
  std::span<const Node* const> items() const;
  size_t size() const { return is_scalar() || is_null() ? 0 : size_; }

  // The string at `key`, or "" when absent or not a string.
  std::string_view string_at(std::string_view key) const;

 private:
  friend class DocumentBuilder;
  Node(NodeKind kind, Position position) : kind_(kind), position_(position) {}

  NodeKind kind_;
  Position position_;
  uint32_t size_ = 0;           // bytes of text, or number of entries / items
  const void* data_ = nullptr;  // char[], MapEntry[] or const Node*[] in the arena
};

// What a value is, for messages that say what was found instead of what was expected: "null",
// "a boolean", "a number", "a string", "a list", "a mapping" (with json_terms: "an array",
// "an object").
std::string_view describe(NodeKind kind, bool json_terms = false);

// A parsed document: its root, the file it came from, and the arena holding its nodes.
class Document {
 public:
  Document(std::string file, uint32_t index);
  Document(Document&&) noexcept = default;
  Document& operator=(Document&&) noexcept = default;

  const Node* root() const { return root_; }
  const std::string& file() const { return file_; }
  // 0-based index of this document within its file (YAML "---" separated stream).
  uint32_t index() const { return index_; }

 private:
  friend class DocumentBuilder;
  std::string file_;
  uint32_t index_;
  std::unique_ptr<std::pmr::monotonic_buffer_resource> arena_;
  const Node* root_ = nullptr;
};

// Builds nodes inside a Document's arena. Loaders (YAML, JSON) are its only users.
class DocumentBuilder {
 public:
  explicit DocumentBuilder(Document& document, size_t size_hint = 0);

  const Node* null(Position position);
  const Node* scalar(NodeKind kind, std::string_view text, Position position);
  const Node* sequence(std::span<const Node* const> items, Position position);
  const Node* mapping(std::span<const MapEntry> entries, Position position);
  std::string_view intern(std::string_view text);
  void set_root(const Node* root) { document_.root_ = root; }

 private:
  Document& document_;
};

}  // namespace eksguard::doc
