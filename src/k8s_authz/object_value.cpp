// Kubernetes object JSON → Cedar values (see object_value.h).
#include "k8s_authz/object_value.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace eksguard::k8s_authz {
namespace {

namespace dom = simdjson::dom;
using cedar::Arena;
using cedar::RecordEntry;
using cedar::Value;

enum class MapShape : uint8_t { kNone, kStrings, kStringLists };

// Field names whose value is a Kubernetes map in any object, keyed by the enclosing field
// ("" matches any parent). Map values that are not strings (quantities written as numbers)
// become their text.
struct MapField {
  std::string_view parent;
  std::string_view key;
  MapShape shape;
};
constexpr std::array kMapFields = {
    MapField{"metadata", "labels", MapShape::kStrings},
    MapField{"metadata", "annotations", MapShape::kStrings},
    MapField{"", "matchLabels", MapShape::kStrings},
    MapField{"spec", "nodeSelector", MapShape::kStrings},        // PodSpec
    MapField{"scheduling", "nodeSelector", MapShape::kStrings},  // RuntimeClass
    MapField{"resources", "limits", MapShape::kStrings},         // ResourceRequirements
    MapField{"resources", "requests", MapShape::kStrings},
    MapField{"spec", "overhead", MapShape::kStrings},  // PodSpec
    MapField{"overhead", "podFixed", MapShape::kStrings},
    MapField{"status", "capacity", MapShape::kStrings},  // Node, PersistentVolumeClaim
    MapField{"status", "allocatable", MapShape::kStrings},
    MapField{"spec", "capacity", MapShape::kStrings},  // PersistentVolume
    MapField{"spec", "hard", MapShape::kStrings},      // ResourceQuota
    MapField{"status", "hard", MapShape::kStrings},
    MapField{"status", "used", MapShape::kStrings},
    MapField{"status", "allocatedResources", MapShape::kStrings},
    MapField{"status", "allocatedResourceStatuses", MapShape::kStrings},
    MapField{"status", "attachmentMetadata", MapShape::kStrings},  // VolumeAttachment
    MapField{"csi", "volumeAttributes", MapShape::kStrings},
    MapField{"flexVolume", "options", MapShape::kStrings},
    MapField{"endpoints", "deprecatedTopology", MapShape::kStrings},  // EndpointSlice
    MapField{"spec", "extra", MapShape::kStringLists},                // SubjectAccessReview, CSR
    MapField{"user", "extra", MapShape::kStringLists},                // TokenReview status
    MapField{"userInfo", "extra", MapShape::kStringLists},
};

// Maps that exist only in some kinds: a top-level field, or a field under a named parent.
struct KindMapField {
  std::string_view kind;
  std::string_view parent;  // "" for a top-level field
  std::string_view key;
};
constexpr std::array kKindMapFields = {
    KindMapField{"ConfigMap", "", "data"},
    KindMapField{"ConfigMap", "", "binaryData"},
    KindMapField{"Secret", "", "data"},
    KindMapField{"Secret", "", "stringData"},
    KindMapField{"StorageClass", "", "parameters"},
    KindMapField{"Service", "spec", "selector"},
    KindMapField{"ReplicationController", "spec", "selector"},
    KindMapField{"LimitRange", "limits", "max"},
    KindMapField{"LimitRange", "limits", "min"},
    KindMapField{"LimitRange", "limits", "default"},
    KindMapField{"LimitRange", "limits", "defaultRequest"},
    KindMapField{"LimitRange", "limits", "maxLimitRequestRatio"},
};

// Every key of the two tables, sorted: most fields are not maps, and one binary search rules
// them out before the tables are scanned.
constexpr auto kMapKeys = [] {
  std::array<std::string_view, kMapFields.size() + kKindMapFields.size()> keys{};
  size_t count = 0;
  for (const MapField& field : kMapFields) keys[count++] = field.key;
  for (const KindMapField& field : kKindMapFields) keys[count++] = field.key;
  std::sort(keys.begin(), keys.end());
  return keys;
}();

MapShape map_shape(std::string_view kind, std::string_view parent, std::string_view key,
                   uint32_t depth) {
  if (!std::binary_search(kMapKeys.begin(), kMapKeys.end(), key)) return MapShape::kNone;
  for (const MapField& field : kMapFields) {
    if (field.key == key && (field.parent.empty() || field.parent == parent)) return field.shape;
  }
  for (const KindMapField& field : kKindMapFields) {
    if (field.kind != kind || field.key != key) continue;
    if (field.parent.empty() ? depth == 1 : field.parent == parent) return MapShape::kStrings;
  }
  return MapShape::kNone;
}

bool is_scalar(dom::element value) {
  const dom::element_type type = value.type();
  return type != dom::element_type::ARRAY && type != dom::element_type::OBJECT &&
         type != dom::element_type::NULL_VALUE;
}

// The text of a scalar map value: strings as they are, numbers and booleans as JSON spells
// them (a quantity may be written `cpu: 2`).
std::string_view scalar_text(dom::element value, Arena& arena) {
  switch (value.type()) {
    case dom::element_type::STRING:
      return arena.copy(std::string_view(value.get_string().value_unsafe()));
    case dom::element_type::INT64:
      return arena.copy(fmt::format("{}", value.get_int64().value_unsafe()));
    case dom::element_type::UINT64:
      return arena.copy(fmt::format("{}", value.get_uint64().value_unsafe()));
    case dom::element_type::DOUBLE:
      return arena.copy(fmt::format("{}", value.get_double().value_unsafe()));
    case dom::element_type::BOOL:
      return value.get_bool().value_unsafe() ? "true" : "false";
    default:
      return {};
  }
}

class Converter {
 public:
  Converter(std::string_view kind, Arena& arena, const ObjectLimits& limits,
            std::vector<Label>* labels)
      : kind_(kind), arena_(arena), limits_(limits), labels_(labels) {}

  Result<Value> convert_root(dom::element object) {
    Value out;
    if (!convert(object, "", "", 0, out)) return fail(error_);
    return out;
  }

 private:
  bool limit(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  // Converts `value` (the field `key` of an object that is itself the field `parent`).
  bool convert(dom::element value, std::string_view parent, std::string_view key, uint32_t depth,
               Value& out) {
    if (++values_ > limits_.max_values) {
      return limit(fmt::format("the object has more than {} JSON values", limits_.max_values));
    }
    switch (value.type()) {
      case dom::element_type::STRING:
        out = Value::from_string(arena_.copy(std::string_view(value.get_string().value_unsafe())));
        return true;
      case dom::element_type::INT64:
        out = Value::from_long(value.get_int64().value_unsafe());
        return true;
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE:
        out = number_to_value(value, arena_);
        return true;
      case dom::element_type::BOOL:
        out = Value::from_bool(value.get_bool().value_unsafe());
        return true;
      case dom::element_type::NULL_VALUE:
        return false;  // never reached: callers skip nulls
      case dom::element_type::ARRAY: {
        const dom::array array = as_array(value);
        return convert_array(array, key, depth, out);
      }
      case dom::element_type::OBJECT: {
        const dom::object object = as_object(value);
        return convert_object(object, parent, key, depth, out);
      }
    }
    return false;
  }

  bool enter(uint32_t depth) {
    if (depth >= limits_.max_depth) {
      return limit(fmt::format("the object nests deeper than {} levels", limits_.max_depth));
    }
    return true;
  }

  bool convert_array(dom::array array, std::string_view key, uint32_t depth, Value& out) {
    if (!enter(depth)) return false;
    const size_t start = items_.size();
    for (dom::element item : array) {
      if (item.is_null()) continue;
      Value converted;
      // Items of an array keep the array's field name as their parent (LimitRange limits[]).
      if (!convert(item, key, key, depth + 1, converted)) return false;
      items_.push_back(converted);
    }
    out = cedar::make_set(arena_, std::span<Value>(items_.data() + start, items_.size() - start));
    items_.resize(start);
    return true;
  }

  bool convert_object(dom::object object, std::string_view parent, std::string_view key,
                      uint32_t depth, Value& out) {
    if (!enter(depth)) return false;
    const MapShape shape = depth == 0 ? MapShape::kNone : map_shape(kind_, parent, key, depth);
    if (shape != MapShape::kNone && convert_map(object, shape, parent, key, depth, out)) {
      return true;
    }
    const size_t start = entries_.size();
    for (dom::key_value_pair field : object) {
      if (field.value.is_null()) continue;
      Value converted;
      if (!convert(field.value, key, field.key, depth + 1, converted)) return false;
      entries_.push_back(RecordEntry{arena_.copy(field.key), converted});
    }
    out = make_record(start);
    return true;
  }

  // A record from entries_[start..]: sorted by key, a repeated key keeping its last value as
  // the API server's decoder does. Objects have few fields, often already in order, so a
  // stable insertion sort beats std::stable_sort (and allocates nothing).
  Value make_record(size_t start) {
    RecordEntry* first = entries_.data() + start;
    RecordEntry* last = entries_.data() + entries_.size();
    const auto by_key = [](const RecordEntry& a, const RecordEntry& b) { return a.key < b.key; };
    if (last - first > 32) {
      std::stable_sort(first, last, by_key);  // large objects: no quadratic worst case
    }
    for (RecordEntry* next = first + 1; next < last; ++next) {
      const RecordEntry entry = *next;
      RecordEntry* hole = next;
      while (hole > first && by_key(entry, *(hole - 1))) {
        *hole = *(hole - 1);
        --hole;
      }
      *hole = entry;
    }
    RecordEntry* write = first;
    for (RecordEntry* read = first; read < last; ++read) {
      if (write != first && (write - 1)->key == read->key) {
        *(write - 1) = *read;
      } else {
        *write++ = *read;
      }
    }
    const Value record = Value::from_canonical_record(
        arena_.copy(std::span<const RecordEntry>(first, static_cast<size_t>(write - first))));
    entries_.resize(start);
    return record;
  }

  // A map as Set<{key, value}>; false (convert it as a record instead) when a value does not
  // have the map's value shape.
  bool convert_map(dom::object object, MapShape shape, std::string_view parent,
                   std::string_view key, uint32_t depth, Value& out) {
    for (dom::key_value_pair field : object) {
      if (field.value.is_null()) continue;
      if (shape == MapShape::kStrings && !is_scalar(field.value)) return false;
      if (shape == MapShape::kStringLists) {
        dom::array list;
        if (field.value.get_array().get(list) != simdjson::SUCCESS) return false;
        for (dom::element item : list) {
          if (!item.is_string()) return false;
        }
      }
    }
    // Only the object's own labels (metadata.labels, depth 2), not a pod template's.
    const bool collect_labels =
        labels_ != nullptr && depth == 2 && parent == "metadata" && key == "labels";
    const size_t start = items_.size();
    for (dom::key_value_pair field : object) {
      if (field.value.is_null()) continue;
      std::array<RecordEntry, 2> pair{};
      pair[0] = RecordEntry{"key", Value::from_string(arena_.copy(field.key))};
      if (shape == MapShape::kStrings) {
        const std::string_view text = scalar_text(field.value, arena_);
        pair[1] = RecordEntry{"value", Value::from_string(text)};
        if (collect_labels) labels_->push_back(Label{pair[0].value.as_string(), text});
      } else {
        const size_t list_start = items_.size();
        const dom::array item_items = as_array(field.value);
        for (dom::element item : item_items) {
          items_.push_back(
              Value::from_string(arena_.copy(std::string_view(item.get_string().value_unsafe()))));
        }
        pair[1] = RecordEntry{
            "value", cedar::make_set(arena_, std::span<Value>(items_.data() + list_start,
                                                              items_.size() - list_start))};
        items_.resize(list_start);
      }
      items_.push_back(cedar::make_record(arena_, pair));
    }
    out = cedar::make_set(arena_, std::span<Value>(items_.data() + start, items_.size() - start));
    items_.resize(start);
    return true;
  }

  std::string_view kind_;
  Arena& arena_;
  const ObjectLimits& limits_;
  std::vector<Label>* labels_;
  size_t values_ = 0;
  std::string error_;
  std::vector<RecordEntry> entries_;  // a stack: each record's entries until it is built
  std::vector<Value> items_;          // the same for sets
};

}  // namespace

cedar::Value number_to_value(simdjson::dom::element number, cedar::Arena& arena) {
  const double value = number.type() == dom::element_type::UINT64
                           ? static_cast<double>(number.get_uint64().value_unsafe())
                           : number.get_double().value_unsafe();
  if (std::isfinite(value) && std::fabs(value) < 9.2e14) {
    if (auto decimal = cedar::ext::Decimal::parse(fmt::format("{:.4f}", value))) {
      return cedar::make_extension(arena, cedar::ExtensionValue{*decimal});
    }
  }
  return Value::from_string(scalar_text(number, arena));
}

Result<cedar::Value> object_to_value(simdjson::dom::element object, std::string_view kind,
                                     cedar::Arena& arena, const ObjectLimits& limits,
                                     std::vector<Label>* labels) {
  if (!object.is_object()) return fail("expected a JSON object");
  return Converter(kind, arena, limits, labels).convert_root(object);
}

}  // namespace eksguard::k8s_authz
