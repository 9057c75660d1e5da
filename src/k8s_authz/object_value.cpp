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

// The text of a scalar: strings as they are, numbers and booleans as JSON spells them (a
// quantity may be written `cpu: 2`, an IntOrString is often a number).
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

PlanShape shape_of(const PlanNode* plan) {
  return plan == nullptr ? PlanShape::kGeneric : plan->shape;
}

class Converter {
 public:
  Converter(Arena& arena, const ObjectLimits& limits, std::vector<Label>* labels)
      : arena_(arena), limits_(limits), labels_(labels) {}

  Result<Value> convert_root(dom::element object, const PlanNode* plan) {
    Value out;
    if (!convert(object, plan, "", "", 0, out)) return fail(error_);
    return out;
  }

 private:
  bool limit(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  // Converts `value` (the field `key` of an object that is itself the field `parent`) as
  // `plan` says (nullptr: generically).
  bool convert(dom::element value, const PlanNode* plan, std::string_view parent,
               std::string_view key, uint32_t depth, Value& out) {
    if (++values_ > limits_.max_values) {
      return limit(fmt::format("the object has more than {} JSON values", limits_.max_values));
    }
    const PlanShape shape = shape_of(plan);
    switch (value.type()) {
      case dom::element_type::STRING:
        out = Value::from_string(arena_.copy(std::string_view(value.get_string().value_unsafe())));
        return true;
      case dom::element_type::INT64:
        if (shape == PlanShape::kString) {
          out = Value::from_string(scalar_text(value, arena_));
        } else if (shape == PlanShape::kDecimal) {
          out = number_to_value(value, arena_);
        } else {
          out = Value::from_long(value.get_int64().value_unsafe());
        }
        return true;
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE:
        out = shape == PlanShape::kString ? Value::from_string(scalar_text(value, arena_))
                                          : number_to_value(value, arena_);
        return true;
      case dom::element_type::BOOL:
        out = shape == PlanShape::kString ? Value::from_string(scalar_text(value, arena_))
                                          : Value::from_bool(value.get_bool().value_unsafe());
        return true;
      case dom::element_type::NULL_VALUE:
        return false;  // never reached: callers skip nulls
      case dom::element_type::ARRAY:
      case dom::element_type::OBJECT:
        if (!enter(depth)) return false;
        if (shape == PlanShape::kString) {
          out = Value::from_string(arena_.copy(simdjson::minify(value)));  // a RawExtension
          return true;
        }
        if (value.type() == dom::element_type::ARRAY) {
          const bool is_set = shape == PlanShape::kSet || shape == PlanShape::kSetOrMap;
          return convert_array(as_array(value), is_set ? plan->element : nullptr, depth, out);
        }
        return convert_object(as_object(value), plan, parent, key, depth, out);
    }
    return false;
  }

  bool enter(uint32_t depth) {
    if (depth >= limits_.max_depth) {
      return limit(fmt::format("the object nests deeper than {} levels", limits_.max_depth));
    }
    return true;
  }

  bool convert_array(dom::array array, const PlanNode* item_plan, uint32_t depth, Value& out) {
    const size_t start = items_.size();
    for (dom::element item : array) {
      if (item.is_null()) continue;
      Value converted;
      if (!convert(item, item_plan, "", "", depth + 1, converted)) return false;
      items_.push_back(converted);
    }
    out = cedar::make_set(arena_, std::span<Value>(items_.data() + start, items_.size() - start));
    items_.resize(start);
    return true;
  }

  bool convert_object(dom::object object, const PlanNode* plan, std::string_view parent,
                      std::string_view key, uint32_t depth, Value& out) {
    switch (shape_of(plan)) {
      case PlanShape::kSetOrMap:
        return convert_map(object, plan->map_value, parent, key, depth, out);
      case PlanShape::kEmptyRecord:
        out = Value::from_canonical_record({});
        return true;
      default:
        break;
    }
    const PlanNode* record_plan = shape_of(plan) == PlanShape::kRecord ? plan : nullptr;
    const size_t start = entries_.size();
    for (dom::key_value_pair field : object) {
      if (field.value.is_null()) continue;
      const PlanNode* field_plan = record_plan != nullptr ? record_plan->field(field.key) : nullptr;
      Value converted;
      if (!convert(field.value, field_plan, key, field.key, depth + 1, converted)) return false;
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

  // A Kubernetes map as Set<{key, value}>, each value converted as `value_plan` says.
  bool convert_map(dom::object object, const PlanNode* value_plan, std::string_view parent,
                   std::string_view key, uint32_t depth, Value& out) {
    // Only the object's own labels (metadata.labels, depth 2), not a pod template's.
    const bool collect_labels =
        labels_ != nullptr && depth == 2 && parent == "metadata" && key == "labels";
    const size_t start = items_.size();
    for (dom::key_value_pair field : object) {
      if (field.value.is_null()) continue;
      std::array<RecordEntry, 2> pair{};
      pair[0] = RecordEntry{"key", Value::from_string(arena_.copy(field.key))};
      pair[1].key = "value";
      if (!convert(field.value, value_plan, key, field.key, depth + 1, pair[1].value)) {
        return false;
      }
      if (collect_labels && pair[1].value.is_string()) {
        labels_->push_back(Label{pair[0].value.as_string(), pair[1].value.as_string()});
      }
      items_.push_back(cedar::make_record(arena_, pair));
    }
    out = cedar::make_set(arena_, std::span<Value>(items_.data() + start, items_.size() - start));
    items_.resize(start);
    return true;
  }

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

Result<cedar::Value> object_to_value(simdjson::dom::element object, const PlanNode* plan,
                                     cedar::Arena& arena, const ObjectLimits& limits,
                                     std::vector<Label>* labels) {
  if (!object.is_object()) return fail("expected a JSON object");
  return Converter(arena, limits, labels).convert_root(object, plan);
}

}  // namespace eksguard::k8s_authz
