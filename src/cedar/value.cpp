#include "cedar/value.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

namespace eksguard::cedar {
namespace {

std::strong_ordering compare_text(std::string_view a, std::string_view b) {
  const int c = a.compare(b);
  return c < 0 ? std::strong_ordering::less
               : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
}

std::strong_ordering compare_uids(const EntityUid& a, const EntityUid& b) {
  if (auto c = compare_text(a.type, b.type); c != 0) return c;
  return compare_text(a.id, b.id);
}

// IP addresses only offer equality; their canonical spelling gives the rest of the order.
std::strong_ordering compare_ips(const ext::IpAddr& a, const ext::IpAddr& b) {
  if (a == b) return std::strong_ordering::equal;
  const auto c = compare_text(a.to_string(), b.to_string());
  return c != 0 ? c : (a.is_ipv4() ? std::strong_ordering::less : std::strong_ordering::greater);
}

std::strong_ordering compare_extensions(const ExtensionValue& a, const ExtensionValue& b) {
  if (auto c = a.kind() <=> b.kind(); c != 0) return c;
  switch (a.kind()) {
    case ExtensionKind::kDecimal:
      return std::get<ext::Decimal>(a.value) <=> std::get<ext::Decimal>(b.value);
    case ExtensionKind::kIpAddr:
      return compare_ips(std::get<ext::IpAddr>(a.value), std::get<ext::IpAddr>(b.value));
    case ExtensionKind::kDatetime:
      return std::get<ext::Datetime>(a.value) <=> std::get<ext::Datetime>(b.value);
    case ExtensionKind::kDuration:
      return std::get<ext::Duration>(a.value) <=> std::get<ext::Duration>(b.value);
  }
  return std::strong_ordering::equal;
}

bool equal_extensions(const ExtensionValue& a, const ExtensionValue& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ExtensionKind::kDecimal:
      return std::get<ext::Decimal>(a.value) == std::get<ext::Decimal>(b.value);
    case ExtensionKind::kIpAddr:
      return std::get<ext::IpAddr>(a.value) == std::get<ext::IpAddr>(b.value);
    case ExtensionKind::kDatetime:
      return std::get<ext::Datetime>(a.value) == std::get<ext::Datetime>(b.value);
    case ExtensionKind::kDuration:
      return std::get<ext::Duration>(a.value) == std::get<ext::Duration>(b.value);
  }
  return false;
}

void append_cedar(std::string& out, const Value& value);

void append_escaped(std::string& out, std::string_view text) {
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\0':
        out += "\\0";
        break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          out += fmt::format("\\u{{{:x}}}", byte);
        } else {
          out += ch;
        }
    }
  }
}

void append_cedar(std::string& out, const Value& value) {
  switch (value.kind()) {
    case ValueKind::kBool:
      out += value.as_bool() ? "true" : "false";
      return;
    case ValueKind::kLong:
      out += std::to_string(value.as_long());
      return;
    case ValueKind::kString:
      out += quote_string(value.as_string());
      return;
    case ValueKind::kEntity:
      out += to_cedar_string(value.as_entity());
      return;
    case ValueKind::kSet: {
      out += '[';
      bool first = true;
      for (const Value& item : value.set_items()) {
        if (!first) out += ", ";
        first = false;
        append_cedar(out, item);
      }
      out += ']';
      return;
    }
    case ValueKind::kRecord: {
      out += '{';
      bool first = true;
      for (const RecordEntry& entry : value.record_entries()) {
        if (!first) out += ", ";
        first = false;
        out += quote_string(entry.key);
        out += ": ";
        append_cedar(out, entry.value);
      }
      out += '}';
      return;
    }
    case ValueKind::kExtension: {
      const ExtensionValue& extension = value.as_extension();
      out += extension_constructor(extension.kind());
      out += '(';
      out += quote_string(extension_to_string(extension));
      out += ')';
      return;
    }
  }
}

}  // namespace

std::string extension_to_string(const ExtensionValue& value) {
  return std::visit([](const auto& v) { return v.to_string(); }, value.value);
}

std::string_view extension_constructor(ExtensionKind kind) {
  switch (kind) {
    case ExtensionKind::kDecimal:
      return "decimal";
    case ExtensionKind::kIpAddr:
      return "ip";
    case ExtensionKind::kDatetime:
      return "datetime";
    case ExtensionKind::kDuration:
      return "duration";
  }
  return "";
}

size_t EntityUid::hash_of(std::string_view type, std::string_view id) {
  const size_t h1 = std::hash<std::string_view>{}(type);
  const size_t h2 = std::hash<std::string_view>{}(id);
  return h1 ^ (h2 + 0x9e3779b97f4a7c15ULL + (h1 << 6) + (h1 >> 2));
}

const EntityUid* make_uid(Arena& arena, std::string_view type, std::string_view id) {
  const std::string_view stored_type = arena.copy(type);
  const std::string_view stored_id = arena.copy(id);
  return arena.make<EntityUid>(
      EntityUid{stored_type, stored_id, EntityUid::hash_of(stored_type, stored_id)});
}

const Value* Value::find(std::string_view key) const {
  if (kind_ != ValueKind::kRecord) return nullptr;
  const auto entries = record_entries();
  const auto it = std::lower_bound(
      entries.begin(), entries.end(), key,
      [](const RecordEntry& entry, std::string_view wanted) { return entry.key < wanted; });
  return it != entries.end() && it->key == key ? &it->value : nullptr;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kBool:
      return a.as_bool() == b.as_bool();
    case ValueKind::kLong:
      return a.as_long() == b.as_long();
    case ValueKind::kString:
      return a.as_string() == b.as_string();
    case ValueKind::kEntity:
      return a.as_entity() == b.as_entity();
    case ValueKind::kSet: {
      const auto x = a.set_items();
      const auto y = b.set_items();
      return std::equal(x.begin(), x.end(), y.begin(), y.end());
    }
    case ValueKind::kRecord: {
      const auto x = a.record_entries();
      const auto y = b.record_entries();
      return std::equal(x.begin(), x.end(), y.begin(), y.end(),
                        [](const RecordEntry& p, const RecordEntry& q) {
                          return p.key == q.key && p.value == q.value;
                        });
    }
    case ValueKind::kExtension:
      return equal_extensions(a.as_extension(), b.as_extension());
  }
  return false;
}

std::strong_ordering compare(const Value& a, const Value& b) {
  if (auto c = a.kind() <=> b.kind(); c != 0) return c;
  switch (a.kind()) {
    case ValueKind::kBool:
      return a.as_bool() <=> b.as_bool();
    case ValueKind::kLong:
      return a.as_long() <=> b.as_long();
    case ValueKind::kString:
      return compare_text(a.as_string(), b.as_string());
    case ValueKind::kEntity:
      return compare_uids(a.as_entity(), b.as_entity());
    case ValueKind::kSet: {
      const auto x = a.set_items();
      const auto y = b.set_items();
      return std::lexicographical_compare_three_way(x.begin(), x.end(), y.begin(), y.end(),
                                                    compare);
    }
    case ValueKind::kRecord: {
      const auto x = a.record_entries();
      const auto y = b.record_entries();
      return std::lexicographical_compare_three_way(
          x.begin(), x.end(), y.begin(), y.end(), [](const RecordEntry& p, const RecordEntry& q) {
            if (auto c = compare_text(p.key, q.key); c != 0) return c;
            return compare(p.value, q.value);
          });
    }
    case ValueKind::kExtension:
      return compare_extensions(a.as_extension(), b.as_extension());
  }
  return std::strong_ordering::equal;
}

Value make_set(Arena& arena, std::span<Value> items) {
  std::sort(items.begin(), items.end(),
            [](const Value& x, const Value& y) { return compare(x, y) < 0; });
  const auto end = std::unique(items.begin(), items.end(),
                               [](const Value& x, const Value& y) { return compare(x, y) == 0; });
  const size_t count = static_cast<size_t>(end - items.begin());
  return Value::from_canonical_set(arena.copy(std::span<const Value>(items.data(), count)));
}

Value make_record(Arena& arena, std::span<RecordEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const RecordEntry& x, const RecordEntry& y) { return x.key < y.key; });
  return Value::from_canonical_record(arena.copy(std::span<const RecordEntry>(entries)));
}

Value make_extension(Arena& arena, ExtensionValue extension) {
  return Value::from_extension(arena.make<ExtensionValue>(std::move(extension)));
}

Value copy_value(Arena& arena, const Value& value) {
  switch (value.kind()) {
    case ValueKind::kBool:
    case ValueKind::kLong:
      return value;
    case ValueKind::kString:
      return Value::from_string(arena.copy(value.as_string()));
    case ValueKind::kEntity:
      return Value::from_entity(make_uid(arena, value.as_entity().type, value.as_entity().id));
    case ValueKind::kSet: {
      const auto items = value.set_items();
      Value* out = arena.allocate_array<Value>(items.size());
      for (size_t i = 0; i < items.size(); ++i) new (out + i) Value(copy_value(arena, items[i]));
      return Value::from_canonical_set({out, items.size()});
    }
    case ValueKind::kRecord: {
      const auto entries = value.record_entries();
      RecordEntry* out = arena.allocate_array<RecordEntry>(entries.size());
      for (size_t i = 0; i < entries.size(); ++i) {
        new (out + i) RecordEntry{arena.copy(entries[i].key), copy_value(arena, entries[i].value)};
      }
      return Value::from_canonical_record({out, entries.size()});
    }
    case ValueKind::kExtension:
      return make_extension(arena, value.as_extension());
  }
  return value;
}

std::string_view extension_type_name(ExtensionKind kind) {
  switch (kind) {
    case ExtensionKind::kDecimal:
      return "decimal";
    case ExtensionKind::kIpAddr:
      return "ipaddr";
    case ExtensionKind::kDatetime:
      return "datetime";
    case ExtensionKind::kDuration:
      return "duration";
  }
  return "extension";
}

std::string type_name(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kLong:
      return "long";
    case ValueKind::kString:
      return "string";
    case ValueKind::kEntity:
      return fmt::format("(entity of type `{}`)", value.as_entity().type);
    case ValueKind::kSet:
      return "set";
    case ValueKind::kRecord:
      return "record";
    case ValueKind::kExtension:
      return std::string(extension_type_name(value.as_extension().kind()));
  }
  return "value";
}

std::string quote_string(std::string_view text) {
  std::string out = "\"";
  append_escaped(out, text);
  out += '"';
  return out;
}

std::string to_cedar_string(const EntityUid& uid) {
  std::string out(uid.type);
  out += "::";
  out += quote_string(uid.id);
  return out;
}

std::string to_cedar_string(const Value& value) {
  std::string out;
  append_cedar(out, value);
  return out;
}

}  // namespace eksguard::cedar
