// A value-or-error result for host failures (unreadable files, malformed input).
// std::expected is C++23; this is the small subset we need, with the same spelling.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace eksguard {

// An error a caller can show to a user: what went wrong, and where (1-based; 0 when unknown).
struct Error {
  std::string message;
  uint32_t line = 0;
  uint32_t column = 0;
  // A stable code for the few errors callers tell apart (a static string; empty for the rest).
  std::string_view code{};
};

template <typename E>
class Unexpected {
 public:
  explicit Unexpected(E error) : error_(std::move(error)) {}
  E& error() & { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_;
};

inline Unexpected<Error> fail(std::string message, uint32_t line = 0, uint32_t column = 0) {
  return Unexpected<Error>(Error{std::move(message), line, column});
}

template <typename T, typename E = Error>
class Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Unexpected<E> error)                                            // NOLINT: implicit
      : state_(std::in_place_index<1>, std::move(error).error()) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const E& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, E> state_;
};

// Result<void>: success or an error.
struct Ok {};
using Status = Result<Ok>;

}  // namespace eksguard
