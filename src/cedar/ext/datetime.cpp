// datetime and duration: Cedar's rules (cedar-policy-core/src/extensions/datetime.rs, RFC 80).
//
// datetime: "YYYY-MM-DD", then optionally "Thh:mm:ss", an optional ".SSS" (exactly three
// digits) and "Z" or "+hhmm"/"-hhmm". Uppercase 'T' and 'Z' only, ASCII digits, nothing after.
// Dates are chrono's proleptic Gregorian NaiveDate (year 0000 exists and is a leap year);
// hh < 24, mm < 60, ss < 60 (so no leap second "23:59:60"); offsets need hh < 24 and mm < 60.
// "+hhmm" means local time ahead of UTC: 12:00+0100 is 11:00Z. The value is milliseconds
// since the Unix epoch.
//
// duration: ^-?(N d)?(N h)?(N m)?(N s)?(N ms)?$ with N any run of ASCII digits (leading zeros
// fine), at least one unit, units in that order and each at most once. The value is the sum in
// milliseconds, negated after a '-', and must fit an i64: Rust sums the terms with checked
// arithmetic and reads the ms count through i128 when negative, so exactly the totals in
// [i64::MIN, i64::MAX] are accepted ("-9223372036854775808ms" included).
#include <charconv>
#include <limits>

#include "cedar/ext/extensions.h"

namespace eksguard::cedar::ext {
namespace {

constexpr int64_t kMillisPerSecond = 1000;
constexpr int64_t kMillisPerMinute = 60 * kMillisPerSecond;
constexpr int64_t kMillisPerDay = 24 * 60 * kMillisPerMinute;
constexpr int64_t kMaxOffsetMinutes = 23 * 60 + 59;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// ---- calendar (proleptic Gregorian, days since 1970-01-01; H. Hinnant's algorithms) ----

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

constexpr Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

constexpr bool is_leap(int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr unsigned days_in_month(int64_t y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// The UTC instants a datetime() argument can spell without an offset: years 0000..9999.
constexpr int64_t kMinUtcMillis = days_from_civil(0, 1, 1) * kMillisPerDay;
constexpr int64_t kMaxUtcMillis = days_from_civil(10000, 1, 1) * kMillisPerDay - 1;
static_assert(kMinUtcMillis == -62167219200000);

// Division rounding down and its remainder in [0, b): days before the epoch count backward
// from the previous midnight. Neither multiplies back, which could overflow near i64::MIN.
int64_t floor_div(int64_t a, int64_t b) {
  return a / b - (a % b < 0 ? 1 : 0);
}
int64_t floor_mod(int64_t a, int64_t b) {
  const int64_t rem = a % b;
  return rem < 0 ? rem + b : rem;
}

// ---- datetime parsing ----

// Exactly `n` ASCII digits at s[pos], as a number.
bool fixed_digits(std::string_view s, size_t pos, size_t n, unsigned& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    value = value * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

bool char_at(std::string_view s, size_t pos, char c) {
  return pos < s.size() && s[pos] == c;
}

struct Fields {
  unsigned year = 0, month = 0, day = 0;
  unsigned hour = 0, minute = 0, second = 0, milli = 0;
  int offset_sign = 0;  // +1 for "+hhmm", -1 for "-hhmm", 0 for "Z" or a date alone
  unsigned offset_hour = 0, offset_minute = 0;
};

// "YYYY-MM-DD" at the start of `s`.
bool read_date(std::string_view s, Fields& f) {
  return fixed_digits(s, 0, 4, f.year) && char_at(s, 4, '-') && fixed_digits(s, 5, 2, f.month) &&
         char_at(s, 7, '-') && fixed_digits(s, 8, 2, f.day);
}

// "Thh:mm:ss" at s[10].
bool read_time(std::string_view s, Fields& f) {
  return char_at(s, 10, 'T') && fixed_digits(s, 11, 2, f.hour) && char_at(s, 13, ':') &&
         fixed_digits(s, 14, 2, f.minute) && char_at(s, 16, ':') &&
         fixed_digits(s, 17, 2, f.second);
}

// "(.SSS)?(Z|[+-]hhmm)" and nothing after it.
bool read_millis_and_offset(std::string_view rest, Fields& f) {
  if (!rest.empty() && rest.front() == '.') {
    if (!fixed_digits(rest, 1, 3, f.milli)) return false;
    rest.remove_prefix(4);
  }
  if (rest == "Z") return true;
  if (rest.size() != 5 || (rest[0] != '+' && rest[0] != '-')) return false;
  f.offset_sign = rest[0] == '+' ? 1 : -1;
  return fixed_digits(rest, 1, 2, f.offset_hour) && fixed_digits(rest, 3, 2, f.offset_minute);
}

std::optional<Fields> read_fields(std::string_view s) {
  Fields f;
  if (!read_date(s, f)) return std::nullopt;
  if (s.size() == 10) return f;
  if (!read_time(s, f) || !read_millis_and_offset(s.substr(19), f)) return std::nullopt;
  return f;
}

// The semantic checks chrono's from_ymd_opt / from_hms_milli_opt and Cedar's offset make.
bool valid(const Fields& f) {
  return f.month >= 1 && f.month <= 12 && f.day >= 1 && f.day <= days_in_month(f.year, f.month) &&
         f.hour < 24 && f.minute < 60 && f.second < 60 && f.offset_hour < 24 &&
         f.offset_minute < 60;
}

// Cannot overflow: years 0..9999 and offsets under a day are far inside the i64 range.
int64_t epoch_millis(const Fields& f) {
  const int64_t days = days_from_civil(f.year, f.month, f.day);
  const int64_t seconds = (int64_t{f.hour} * 60 + f.minute) * 60 + f.second;
  const int64_t offset_minutes = int64_t{f.offset_hour} * 60 + f.offset_minute;
  return days * kMillisPerDay + seconds * kMillisPerSecond + f.milli -
         f.offset_sign * offset_minutes * kMillisPerMinute;
}

// ---- datetime formatting ----

// `value` as exactly `width` digits, zero-padded.
char* write_padded(char* out, uint64_t value, size_t width) {
  for (size_t i = width; i > 0; --i) {
    out[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// "YYYY-MM-DDThh:mm:ss[.SSS]" for `ms` read as a local time. Years outside 0..9999 get the
// ISO 8601 expanded form: a sign and at least four digits.
char* write_local(char* out, int64_t ms) {
  const int64_t days = floor_div(ms, kMillisPerDay);
  const int64_t in_day = floor_mod(ms, kMillisPerDay);
  const Civil c = civil_from_days(days);
  if (c.year < 0 || c.year > 9999) {
    *out++ = c.year < 0 ? '-' : '+';
    const uint64_t magnitude =
        c.year < 0 ? static_cast<uint64_t>(-c.year) : static_cast<uint64_t>(c.year);
    out = magnitude < 10000 ? write_padded(out, magnitude, 4)
                            : std::to_chars(out, out + 20, magnitude).ptr;
  } else {
    out = write_padded(out, static_cast<uint64_t>(c.year), 4);
  }
  *out++ = '-';
  out = write_padded(out, c.month, 2);
  *out++ = '-';
  out = write_padded(out, c.day, 2);
  *out++ = 'T';
  const auto seconds = static_cast<uint64_t>(in_day / kMillisPerSecond);
  out = write_padded(out, seconds / 3600, 2);
  *out++ = ':';
  out = write_padded(out, seconds / 60 % 60, 2);
  *out++ = ':';
  out = write_padded(out, seconds % 60, 2);
  if (const auto milli = static_cast<uint64_t>(in_day % kMillisPerSecond); milli != 0) {
    *out++ = '.';
    out = write_padded(out, milli, 3);
  }
  return out;
}

// "+hhmm" / "-hhmm" for an offset of `minutes` (its sign included).
char* write_offset(char* out, int64_t minutes) {
  *out++ = minutes < 0 ? '-' : '+';
  const auto magnitude = static_cast<uint64_t>(minutes < 0 ? -minutes : minutes);
  out = write_padded(out, magnitude / 60, 2);
  return write_padded(out, magnitude % 60, 2);
}

// Whole minutes, rounded up, that cover `gap` milliseconds (gap > 0).
int64_t minutes_covering(int64_t gap) {
  return (gap + kMillisPerMinute - 1) / kMillisPerMinute;
}

std::string format_literal(int64_t local_ms, int64_t offset_minutes) {
  char buf[64];
  char* out = write_local(buf, local_ms);
  if (offset_minutes == 0) {
    *out++ = 'Z';
  } else {
    out = write_offset(out, offset_minutes);
  }
  return std::string(buf, out);
}

// ---- duration parsing ----

constexpr int64_t kUnitMillis[] = {kMillisPerDay, 60 * kMillisPerMinute, kMillisPerMinute,
                                   kMillisPerSecond, 1};  // d, h, m, s, ms

// The digits at the front of `s`, consumed; nullopt when there are none or the number alone
// already exceeds `limit` (then so would the total).
std::optional<uint64_t> read_quantity(std::string_view& s, uint64_t limit) {
  size_t n = 0;
  uint64_t value = 0;
  for (; n < s.size() && is_digit(s[n]); ++n) {
    const auto digit = static_cast<uint64_t>(s[n] - '0');
    if (value > (limit - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (n == 0) return std::nullopt;
  s.remove_prefix(n);
  return value;
}

// The unit at the front of `s`, consumed, as an index into kUnitMillis. "ms" wins over "m":
// a minutes quantity can only be followed by digits or the end.
std::optional<size_t> read_unit(std::string_view& s) {
  if (s.starts_with("ms")) {
    s.remove_prefix(2);
    return 4;
  }
  constexpr std::string_view kSingleLetterUnits = "dhms";  // indexes 0..3 of kUnitMillis
  const size_t index = s.empty() ? std::string_view::npos : kSingleLetterUnits.find(s.front());
  if (index == std::string_view::npos) return std::nullopt;
  s.remove_prefix(1);
  return index;
}

}  // namespace

// ---- Duration ----

std::optional<Duration> Duration::parse(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  // The magnitude may reach 2^63 only when it is negated.
  const uint64_t limit = uint64_t{std::numeric_limits<int64_t>::max()} + (negative ? 1 : 0);
  uint64_t total = 0;
  size_t next_unit = 0;
  while (!text.empty()) {
    const auto quantity = read_quantity(text, limit);
    if (!quantity) return std::nullopt;
    const auto unit = read_unit(text);
    if (!unit || *unit < next_unit) return std::nullopt;  // out of order, or repeated
    next_unit = *unit + 1;
    const auto per_unit = static_cast<uint64_t>(kUnitMillis[*unit]);
    if (*quantity > limit / per_unit) return std::nullopt;
    const uint64_t term = *quantity * per_unit;
    if (term > limit - total) return std::nullopt;
    total += term;
  }
  if (!negative) return Duration(static_cast<int64_t>(total));
  return Duration(total == 0 ? 0 : -static_cast<int64_t>(total - 1) - 1);
}

std::string Duration::to_string() const {
  char buf[24];
  char* out = std::to_chars(buf, buf + sizeof(buf), ms_).ptr;
  std::string result(buf, out);
  result += "ms";
  return result;
}

// ---- Datetime ----

std::optional<Datetime> Datetime::parse(std::string_view text) {
  const auto fields = read_fields(text);
  if (!fields || !valid(*fields)) return std::nullopt;
  return Datetime(epoch_millis(*fields));
}

std::optional<Datetime> Datetime::offset(Duration d) const {
  int64_t result = 0;
  if (__builtin_add_overflow(ms_, d.millis(), &result)) return std::nullopt;
  return Datetime(result);
}

std::optional<Duration> Datetime::duration_since(Datetime other) const {
  int64_t result = 0;
  if (__builtin_sub_overflow(ms_, other.ms_, &result)) return std::nullopt;
  return Duration::from_millis(result);
}

std::optional<Datetime> Datetime::to_date() const {
  // ms - rem_euclid(ms, day), which only overflows within a day of i64::MIN.
  const int64_t since_midnight = to_time().millis();
  if (ms_ < std::numeric_limits<int64_t>::min() + since_midnight) return std::nullopt;
  return Datetime(ms_ - since_midnight);
}

Duration Datetime::to_time() const {
  return Duration::from_millis(floor_mod(ms_, kMillisPerDay));
}

std::optional<std::string> Datetime::to_literal() const {
  if (ms_ >= kMinUtcMillis && ms_ <= kMaxUtcMillis) return format_literal(ms_, 0);
  const int64_t reach = kMaxOffsetMinutes * kMillisPerMinute;
  if (ms_ < kMinUtcMillis) {
    // Before 0000-01-01Z: write the local time of the smallest eastern offset that reaches
    // year 0000; parsing subtracts the offset again.
    if (ms_ < kMinUtcMillis - reach) return std::nullopt;
    const int64_t minutes = minutes_covering(kMinUtcMillis - ms_);
    return format_literal(ms_ + minutes * kMillisPerMinute, minutes);
  }
  if (ms_ > kMaxUtcMillis + reach) return std::nullopt;
  const int64_t minutes = minutes_covering(ms_ - kMaxUtcMillis);
  return format_literal(ms_ - minutes * kMillisPerMinute, -minutes);
}

std::string Datetime::to_string() const {
  if (auto literal = to_literal()) return *literal;
  return format_literal(ms_, 0);
}

}  // namespace eksguard::cedar::ext
