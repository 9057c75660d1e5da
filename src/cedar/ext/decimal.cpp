// decimal: Cedar's rules (cedar-policy-core/src/extensions/decimal.rs): the text must match
// ^-?[0-9]+\.[0-9]+$, have at most four fraction digits, and the integer part times 10^4
// plus or minus the scaled fraction must fit an i64. The sign comes from the '-' itself, so
// "-0.5" is negative (Cedar fixed its sign-from-integer-part bug in #1964, backported to 4.x).
#include <charconv>
#include <limits>

#include "cedar/ext/extensions.h"

namespace eksguard::cedar::ext {
namespace {

constexpr size_t kFractionDigits = 4;
constexpr uint64_t kScale = 10000;
// The largest integer part whose scaled value still fits an i64: 922337203685477 * 10^4.
constexpr uint64_t kMaxIntegerPart = uint64_t{std::numeric_limits<int64_t>::max()} / kScale;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Length of the run of ASCII digits at the start of `s`.
size_t digit_run(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  return n;
}

// Integer part as a magnitude; leading zeros are fine (Rust's i64::from_str takes them).
std::optional<uint64_t> integer_part(std::string_view digits) {
  uint64_t value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > kMaxIntegerPart) return std::nullopt;  // checked before it can wrap
  }
  return value;
}

// "5" -> 5000, "05" -> 500, "1234" -> 1234: the fraction scaled to four digits.
uint64_t scaled_fraction(std::string_view digits) {
  uint64_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<uint64_t>(c - '0');
  for (size_t i = digits.size(); i < kFractionDigits; ++i) value *= 10;
  return value;
}

}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const size_t int_len = digit_run(text);
  if (int_len == 0 || int_len == text.size() || text[int_len] != '.') return std::nullopt;
  const std::string_view fraction = text.substr(int_len + 1);
  const size_t frac_len = digit_run(fraction);
  if (frac_len == 0 || frac_len != fraction.size() || frac_len > kFractionDigits) {
    return std::nullopt;
  }
  const auto integer = integer_part(text.substr(0, int_len));
  if (!integer) return std::nullopt;
  // Fits u64: at most 922337203685477 * 10^4 + 9999.
  const uint64_t magnitude = *integer * kScale + scaled_fraction(fraction);
  const uint64_t limit = uint64_t{std::numeric_limits<int64_t>::max()} + (negative ? 1 : 0);
  if (magnitude > limit) return std::nullopt;
  if (!negative) return Decimal(static_cast<int64_t>(magnitude));
  // -(magnitude) without overflow when magnitude is 2^63.
  return Decimal(magnitude == 0 ? 0 : -static_cast<int64_t>(magnitude - 1) - 1);
}

std::string Decimal::to_string() const {
  // Magnitude in u64 so that i64::MIN negates cleanly.
  const uint64_t magnitude =
      scaled_ < 0 ? uint64_t{0} - static_cast<uint64_t>(scaled_) : static_cast<uint64_t>(scaled_);
  char buf[32];
  char* out = buf;
  if (scaled_ < 0) *out++ = '-';
  out = std::to_chars(out, buf + sizeof(buf), magnitude / kScale).ptr;
  *out++ = '.';
  uint64_t fraction = magnitude % kScale;
  for (size_t i = kFractionDigits; i > 0; --i) {
    out[i - 1] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  out += kFractionDigits;
  return std::string(buf, out);
}

}  // namespace eksguard::cedar::ext
