// The table of Cedar extension functions (ip, decimal, datetime, duration and their methods):
// names, call style and arity for the parser, and one dispatch point for the evaluator and for
// `__extn` values in entity and context JSON. The value semantics live in cedar/ext/.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cedar/arena.h"
#include "cedar/value.h"

namespace eksguard::cedar {

enum class ExtensionFunctionId : uint8_t {
  kDecimal,
  kLessThan,
  kLessThanOrEqual,
  kGreaterThan,
  kGreaterThanOrEqual,
  kIp,
  kIsIpv4,
  kIsIpv6,
  kIsLoopback,
  kIsMulticast,
  kIsInRange,
  kDatetime,
  kDuration,
  kOffset,
  kDurationSince,
  kToDate,
  kToTime,
  kToMilliseconds,
  kToSeconds,
  kToMinutes,
  kToHours,
  kToDays,
};

struct ExtensionFunction {
  std::string_view name;
  ExtensionFunctionId id;
  bool method_style;  // `x.name(...)`: the receiver is the first argument
  uint8_t arity;      // including the receiver of a method
};

// Every extension function, constructors first.
std::span<const ExtensionFunction> extension_functions();
// The function or method called `name`, or nullptr.
const ExtensionFunction* find_extension_function(std::string_view name);
const ExtensionFunction& extension_function(ExtensionFunctionId id);

// Why a call failed: a type error, a wrong argument count, or the extension itself refusing
// (an unparsable literal, an overflow).
struct ExtensionCallError {
  enum class Kind : uint8_t { kTypeError, kWrongArity, kFailed } kind;
  std::string message;
};

// Applies `function` to `args`. On success writes the result (allocated in `arena` when it needs
// storage) and returns true; otherwise fills `error`.
bool call_extension_function(const ExtensionFunction& function, std::span<const Value> args,
                             Arena& arena, Value& result, ExtensionCallError& error);

}  // namespace eksguard::cedar
