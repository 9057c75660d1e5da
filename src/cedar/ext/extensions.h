// Cedar's extension types: ipaddr, decimal, datetime and duration. Plain value classes with
// exact Cedar 4 semantics (parsing, equality, ordering, methods); the evaluator wraps them in
// its Value and turns a nullopt into an evaluation error.
//
// Equality and ordering are by value, as Cedar's are: the text a value was parsed from is not
// kept (decimal("1.0") == decimal("1.0000"), duration("1h") == duration("60m")). Cedar itself
// prints a constructed value with its original argument; to_string() gives one canonical
// spelling instead, which the same type's parse() maps back to an equal value.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eksguard::cedar::ext {

// decimal("1.2345"): a signed fixed-point number with four fraction digits, stored scaled by
// 10^4 in an int64 (range -922337203685477.5808 .. 922337203685477.5807).
class Decimal {
 public:
  // Accepts -?[0-9]+\.[0-9]{1,4} (ASCII digits, no '+', no spaces) within range.
  static std::optional<Decimal> parse(std::string_view text);
  int64_t scaled() const { return scaled_; }
  // "-12.3400": sign only when negative, all four fraction digits (the Lean spec's toString).
  std::string to_string() const;
  // lessThan, lessThanOrEqual, greaterThan and greaterThanOrEqual are these comparisons.
  auto operator<=>(const Decimal&) const = default;

 private:
  explicit Decimal(int64_t scaled) : scaled_(scaled) {}
  int64_t scaled_ = 0;
};

// ip("10.0.0.1"), ip("10.0.0.0/24"), ip("::1"): an IPv4 or IPv6 address with a prefix length.
// The address keeps its host bits: ip("10.0.0.1/24") != ip("10.0.0.0/24"), while
// ip("10.0.0.1") == ip("10.0.0.1/32").
class IpAddr {
 public:
  static std::optional<IpAddr> parse(std::string_view text);
  bool is_ipv4() const { return !v6_; }
  bool is_ipv6() const { return v6_; }
  uint8_t prefix_len() const { return prefix_; }
  // Network byte order; an IPv4 address uses the first 4 bytes, the rest are zero.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  // Whether the whole range lies in 127.0.0.0/8 or is ::1/128.
  bool is_loopback() const;
  // Whether the whole range lies in 224.0.0.0/4 or ff00::/8.
  bool is_multicast() const;
  // Whether every address of this range lies in `range` (Cedar's isInRange); false when one
  // side is IPv4 and the other IPv6.
  bool is_in_range(const IpAddr& range) const;
  // "10.0.0.1/32", "ffee::11/128": address (IPv6 per RFC 5952) and prefix, always.
  std::string to_string() const;
  // The order of Rust's derived Ord: every IPv4 value before every IPv6 one, then address,
  // then prefix length.
  auto operator<=>(const IpAddr&) const = default;

 private:
  IpAddr() = default;
  bool v6_ = false;
  std::array<uint8_t, 16> bytes_{};
  uint8_t prefix_ = 0;
};

// duration("1d2h3m4s5ms"): a signed number of milliseconds.
class Duration {
 public:
  static std::optional<Duration> parse(std::string_view text);
  static Duration from_millis(int64_t ms) { return Duration(ms); }
  int64_t millis() const { return ms_; }  // toMilliseconds
  // Truncation toward zero, as Rust's integer division.
  int64_t to_seconds() const { return ms_ / 1000; }
  int64_t to_minutes() const { return ms_ / 60000; }
  int64_t to_hours() const { return ms_ / 3600000; }
  int64_t to_days() const { return ms_ / 86400000; }
  // "-90000ms": Cedar's own canonical spelling of a duration.
  std::string to_string() const;
  auto operator<=>(const Duration&) const = default;

 private:
  explicit Duration(int64_t ms) : ms_(ms) {}
  int64_t ms_ = 0;
};

// datetime("2024-10-15T11:35:00Z"): milliseconds since the Unix epoch (no leap seconds).
class Datetime {
 public:
  static std::optional<Datetime> parse(std::string_view text);
  static Datetime from_millis(int64_t ms) { return Datetime(ms); }
  int64_t millis() const { return ms_; }
  // nullopt on overflow (an evaluation error in Cedar).
  std::optional<Datetime> offset(Duration d) const;
  // this - other.
  std::optional<Duration> duration_since(Datetime other) const;
  // Midnight UTC of the same day (rounding down for times before the epoch); nullopt when that
  // midnight is below the int64 range.
  std::optional<Datetime> to_date() const;
  Duration to_time() const;  // milliseconds since that midnight, always in [0, 1 day)
  // A datetime() argument that parses back to this value: "2024-10-15T11:35:00Z", with
  // ".SSS" only when the milliseconds are not zero; times just outside years 0000..9999 that
  // an offset can still spell get the smallest such offset ("0000-01-01T00:30:00+0100").
  // nullopt when no argument can spell the value (only offset() reaches those); Cedar writes
  // such a value as datetime("1970-01-01").offset(duration("<millis>ms")).
  std::optional<std::string> to_literal() const;
  // to_literal(), or for values it cannot spell an ISO 8601 expanded-year form
  // ("+10000-01-02T00:00:00Z") that is readable but not a datetime() argument.
  std::string to_string() const;
  auto operator<=>(const Datetime&) const = default;

 private:
  explicit Datetime(int64_t ms) : ms_(ms) {}
  int64_t ms_ = 0;
};

}  // namespace eksguard::cedar::ext
