#include "cedar/extension_functions.h"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <type_traits>

namespace eksguard::cedar {
namespace {

using Id = ExtensionFunctionId;

constexpr std::array<ExtensionFunction, 22> kFunctions{{
    {"decimal", Id::kDecimal, false, 1},
    {"ip", Id::kIp, false, 1},
    {"datetime", Id::kDatetime, false, 1},
    {"duration", Id::kDuration, false, 1},
    {"lessThan", Id::kLessThan, true, 2},
    {"lessThanOrEqual", Id::kLessThanOrEqual, true, 2},
    {"greaterThan", Id::kGreaterThan, true, 2},
    {"greaterThanOrEqual", Id::kGreaterThanOrEqual, true, 2},
    {"isIpv4", Id::kIsIpv4, true, 1},
    {"isIpv6", Id::kIsIpv6, true, 1},
    {"isLoopback", Id::kIsLoopback, true, 1},
    {"isMulticast", Id::kIsMulticast, true, 1},
    {"isInRange", Id::kIsInRange, true, 2},
    {"offset", Id::kOffset, true, 2},
    {"durationSince", Id::kDurationSince, true, 2},
    {"toDate", Id::kToDate, true, 1},
    {"toTime", Id::kToTime, true, 1},
    {"toMilliseconds", Id::kToMilliseconds, true, 1},
    {"toSeconds", Id::kToSeconds, true, 1},
    {"toMinutes", Id::kToMinutes, true, 1},
    {"toHours", Id::kToHours, true, 1},
    {"toDays", Id::kToDays, true, 1},
}};

// Checks argument types in order and reports the first mismatch as Cedar does.
class Call {
 public:
  Call(const ExtensionFunction& function, std::span<const Value> args, Arena& arena, Value& result,
       ExtensionCallError& error)
      : function_(function), args_(args), arena_(arena), result_(result), error_(error) {}

  bool run();

 private:
  bool type_error(std::string_view expected, const Value& actual) {
    error_ = {ExtensionCallError::Kind::kTypeError,
              fmt::format("type error: expected {}, got {}", expected, type_name(actual))};
    return false;
  }
  bool failed(std::string message) {
    error_ = {
        ExtensionCallError::Kind::kFailed,
        fmt::format("error while evaluating `{}` extension function: {}", function_.name, message)};
    return false;
  }
  bool string_arg(size_t index, std::string_view& out) {
    if (!args_[index].is_string()) return type_error("string", args_[index]);
    out = args_[index].as_string();
    return true;
  }
  // The argument as a T, or nullptr after reporting a type error.
  template <typename T>
  const T* extension_arg(size_t index) {
    const Value& arg = args_[index];
    const T* out = arg.is_extension() ? std::get_if<T>(&arg.as_extension().value) : nullptr;
    if (out == nullptr) type_error(extension_type_name(kind_of<T>()), arg);
    return out;
  }
  template <typename T>
  static constexpr ExtensionKind kind_of() {
    if constexpr (std::is_same_v<T, ext::Decimal>) return ExtensionKind::kDecimal;
    if constexpr (std::is_same_v<T, ext::IpAddr>) return ExtensionKind::kIpAddr;
    if constexpr (std::is_same_v<T, ext::Datetime>) return ExtensionKind::kDatetime;
    return ExtensionKind::kDuration;
  }
  bool set_bool(bool flag) {
    result_ = Value::from_bool(flag);
    return true;
  }
  bool set_long(int64_t number) {
    result_ = Value::from_long(number);
    return true;
  }
  template <typename T>
  bool set_extension(const T& value) {
    result_ = make_extension(arena_, ExtensionValue{value});
    return true;
  }
  template <typename T>
  bool construct(std::string_view what) {
    std::string_view text;
    if (!string_arg(0, text)) return false;
    const std::optional<T> parsed = T::parse(text);
    if (!parsed) return failed(fmt::format("{} is not a valid {}", quote_string(text), what));
    return set_extension(*parsed);
  }
  bool compare_decimals();
  bool ip_method();
  bool datetime_method();
  bool duration_method();

  const ExtensionFunction& function_;
  std::span<const Value> args_;
  Arena& arena_;
  Value& result_;
  ExtensionCallError& error_;
};

bool Call::compare_decimals() {
  const auto* left = extension_arg<ext::Decimal>(0);
  if (left == nullptr) return false;
  const auto* right = extension_arg<ext::Decimal>(1);
  if (right == nullptr) return false;
  switch (function_.id) {
    case Id::kLessThan:
      return set_bool(*left < *right);
    case Id::kLessThanOrEqual:
      return set_bool(*left <= *right);
    case Id::kGreaterThan:
      return set_bool(*left > *right);
    default:
      return set_bool(*left >= *right);
  }
}

bool Call::ip_method() {
  const auto* address = extension_arg<ext::IpAddr>(0);
  if (address == nullptr) return false;
  switch (function_.id) {
    case Id::kIsIpv4:
      return set_bool(address->is_ipv4());
    case Id::kIsIpv6:
      return set_bool(address->is_ipv6());
    case Id::kIsLoopback:
      return set_bool(address->is_loopback());
    case Id::kIsMulticast:
      return set_bool(address->is_multicast());
    default: {
      const auto* range = extension_arg<ext::IpAddr>(1);
      if (range == nullptr) return false;
      return set_bool(address->is_in_range(*range));
    }
  }
}

bool Call::datetime_method() {
  const auto* datetime = extension_arg<ext::Datetime>(0);
  if (datetime == nullptr) return false;
  switch (function_.id) {
    case Id::kOffset: {
      const auto* duration = extension_arg<ext::Duration>(1);
      if (duration == nullptr) return false;
      const auto shifted = datetime->offset(*duration);
      if (!shifted) return failed("overflow when adding a duration to a datetime");
      return set_extension(*shifted);
    }
    case Id::kDurationSince: {
      const auto* other = extension_arg<ext::Datetime>(1);
      if (other == nullptr) return false;
      const auto difference = datetime->duration_since(*other);
      if (!difference) return failed("overflow when computing the duration between datetimes");
      return set_extension(*difference);
    }
    case Id::kToDate: {
      const auto date = datetime->to_date();
      if (!date) return failed("overflow when computing the date of a datetime");
      return set_extension(*date);
    }
    default:
      return set_extension(datetime->to_time());
  }
}

bool Call::duration_method() {
  const auto* duration = extension_arg<ext::Duration>(0);
  if (duration == nullptr) return false;
  switch (function_.id) {
    case Id::kToMilliseconds:
      return set_long(duration->millis());
    case Id::kToSeconds:
      return set_long(duration->to_seconds());
    case Id::kToMinutes:
      return set_long(duration->to_minutes());
    case Id::kToHours:
      return set_long(duration->to_hours());
    default:
      return set_long(duration->to_days());
  }
}

bool Call::run() {
  if (args_.size() != function_.arity) {
    error_ = {ExtensionCallError::Kind::kWrongArity,
              fmt::format("wrong number of arguments provided to extension function `{}`: "
                          "expected {}, got {}",
                          function_.name, function_.arity, args_.size())};
    return false;
  }
  switch (function_.id) {
    case Id::kDecimal:
      return construct<ext::Decimal>("decimal");
    case Id::kIp:
      return construct<ext::IpAddr>("IP address");
    case Id::kDatetime:
      return construct<ext::Datetime>("datetime");
    case Id::kDuration:
      return construct<ext::Duration>("duration");
    case Id::kLessThan:
    case Id::kLessThanOrEqual:
    case Id::kGreaterThan:
    case Id::kGreaterThanOrEqual:
      return compare_decimals();
    case Id::kIsIpv4:
    case Id::kIsIpv6:
    case Id::kIsLoopback:
    case Id::kIsMulticast:
    case Id::kIsInRange:
      return ip_method();
    case Id::kOffset:
    case Id::kDurationSince:
    case Id::kToDate:
    case Id::kToTime:
      return datetime_method();
    case Id::kToMilliseconds:
    case Id::kToSeconds:
    case Id::kToMinutes:
    case Id::kToHours:
    case Id::kToDays:
      return duration_method();
  }
  return failed("unknown function");
}

}  // namespace

std::span<const ExtensionFunction> extension_functions() {
  return kFunctions;
}

const ExtensionFunction* find_extension_function(std::string_view name) {
  for (const ExtensionFunction& function : kFunctions) {
    if (function.name == name) return &function;
  }
  return nullptr;
}

const ExtensionFunction& extension_function(ExtensionFunctionId id) {
  for (const ExtensionFunction& function : kFunctions) {
    if (function.id == id) return function;
  }
  return kFunctions[0];
}

bool call_extension_function(const ExtensionFunction& function, std::span<const Value> args,
                             Arena& arena, Value& result, ExtensionCallError& error) {
  return Call(function, args, arena, result, error).run();
}

}  // namespace eksguard::cedar
