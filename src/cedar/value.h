// Cedar values: Bool, Long, String, entity uids, Sets, Records and extension values.
//
// A Value is a 16-byte, trivially copyable handle. Strings, sets, records, entity uids and
// extension values point into an Arena owned by whoever created them (the policy set for
// literals, the entity store for attributes, the request for its context, an evaluation for the
// sets and records it builds), so copying a Value never allocates and never counts references.
// Sets are kept sorted and duplicate-free and records sorted by key, which makes equality,
// `contains` and attribute lookup cheap and the total order below well defined.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "cedar/arena.h"
#include "cedar/ext/extensions.h"

namespace eksguard::cedar {

// `Type::"id"`: an entity type (a `::`-separated path) and an id. The text lives in an Arena.
struct EntityUid {
  std::string_view type;
  std::string_view id;
  size_t hash = 0;

  static size_t hash_of(std::string_view type, std::string_view id);
  bool operator==(const EntityUid& other) const {
    return hash == other.hash && type == other.type && id == other.id;
  }
};

// Copies `type` and `id` into `arena` and returns the uid, hash included.
const EntityUid* make_uid(Arena& arena, std::string_view type, std::string_view id);

enum class ExtensionKind : uint8_t { kDecimal, kIpAddr, kDatetime, kDuration };

// One extension value; the alternative order matches ExtensionKind.
struct ExtensionValue {
  std::variant<ext::Decimal, ext::IpAddr, ext::Datetime, ext::Duration> value;
  ExtensionKind kind() const { return static_cast<ExtensionKind>(value.index()); }
};

enum class ValueKind : uint8_t { kBool, kLong, kString, kEntity, kSet, kRecord, kExtension };

struct RecordEntry;

class Value {
 public:
  Value() : kind_(ValueKind::kBool), bool_(false) {}

  static Value from_bool(bool flag) {
    Value v(ValueKind::kBool, 0);
    v.bool_ = flag;
    return v;
  }
  static Value from_long(int64_t number) {
    Value v(ValueKind::kLong, 0);
    v.long_ = number;
    return v;
  }
  // `text` must outlive the value (it normally lives in an Arena).
  static Value from_string(std::string_view text) {
    Value v(ValueKind::kString, static_cast<uint32_t>(text.size()));
    v.chars_ = text.data();
    return v;
  }
  static Value from_entity(const EntityUid* uid) {
    Value v(ValueKind::kEntity, 0);
    v.uid_ = uid;
    return v;
  }
  static Value from_extension(const ExtensionValue* extension) {
    Value v(ValueKind::kExtension, 0);
    v.extension_ = extension;
    return v;
  }
  // `items` must already be sorted by compare() and free of duplicates (see make_set).
  static Value from_canonical_set(std::span<const Value> items) {
    Value v(ValueKind::kSet, static_cast<uint32_t>(items.size()));
    v.items_ = items.data();
    return v;
  }
  // `entries` must already be sorted by key with unique keys (see make_record).
  static Value from_canonical_record(std::span<const RecordEntry> entries);

  ValueKind kind() const { return kind_; }
  bool is_bool() const { return kind_ == ValueKind::kBool; }
  bool is_long() const { return kind_ == ValueKind::kLong; }
  bool is_string() const { return kind_ == ValueKind::kString; }
  bool is_entity() const { return kind_ == ValueKind::kEntity; }
  bool is_set() const { return kind_ == ValueKind::kSet; }
  bool is_record() const { return kind_ == ValueKind::kRecord; }
  bool is_extension() const { return kind_ == ValueKind::kExtension; }

  bool as_bool() const { return bool_; }
  int64_t as_long() const { return long_; }
  std::string_view as_string() const { return {chars_, size_}; }
  const EntityUid& as_entity() const { return *uid_; }
  const ExtensionValue& as_extension() const { return *extension_; }
  std::span<const Value> set_items() const { return {items_, size_}; }
  std::span<const RecordEntry> record_entries() const;

  // The attribute `key` of a record, or nullptr.
  const Value* find(std::string_view key) const;

 private:
  Value(ValueKind kind, uint32_t size) : kind_(kind), size_(size) {}

  ValueKind kind_;
  uint32_t size_ = 0;  // bytes of a string, items of a set, entries of a record
  union {
    bool bool_;
    int64_t long_;
    const char* chars_;
    const EntityUid* uid_;
    const Value* items_;
    const RecordEntry* entries_;
    const ExtensionValue* extension_;
  };
};

struct RecordEntry {
  std::string_view key;
  Value value;
};

inline Value Value::from_canonical_record(std::span<const RecordEntry> entries) {
  Value v(ValueKind::kRecord, static_cast<uint32_t>(entries.size()));
  v.entries_ = entries.data();
  return v;
}

inline std::span<const RecordEntry> Value::record_entries() const {
  return {entries_, size_};
}

// Cedar equality: structural, any types (values of different types are simply unequal).
bool operator==(const Value& a, const Value& b);

// A total order used to keep sets canonical: first by kind, then by content.
std::strong_ordering compare(const Value& a, const Value& b);

// Sorts and deduplicates `items` in place, then copies them into `arena` as a set.
Value make_set(Arena& arena, std::span<Value> items);
// Sorts `entries` by key in place (keys must be unique) and copies them into `arena`.
Value make_record(Arena& arena, std::span<RecordEntry> entries);
// Copies an extension value into `arena`.
Value make_extension(Arena& arena, ExtensionValue extension);

// Deep copy of `value` (strings, uids, items) into `arena`.
Value copy_value(Arena& arena, const Value& value);

// The type as Cedar's error messages spell it: `bool`, `long`, `string`, `set`, `record`,
// "(entity of type `User`)", `decimal`, `ipaddr`, `datetime`, `duration`.
std::string type_name(const Value& value);
std::string_view extension_type_name(ExtensionKind kind);
// The constructor that makes values of `kind` (`ip`, `decimal`, `datetime`, `duration`), and the
// canonical argument that makes `value` again.
std::string_view extension_constructor(ExtensionKind kind);
std::string extension_to_string(const ExtensionValue& value);

// Cedar syntax for a value, as error messages quote it: `User::"alice"`, `[1, 2]`,
// `{"a": true}`, `decimal("1.5000")`.
std::string to_cedar_string(const Value& value);
std::string to_cedar_string(const EntityUid& uid);
// A string literal with Cedar/Rust escapes, quotes included.
std::string quote_string(std::string_view text);

}  // namespace eksguard::cedar
