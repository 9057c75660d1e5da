// libFuzzer target for Cedar's extension types. Every parser takes any bytes without crashing,
// and every value it accepts must survive to_string() -> parse() unchanged; the methods must
// keep their documented invariants. The input is also split at its first '|' so that the
// two-operand methods see pairs of values.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cedar/ext/extensions.h"

namespace {

using eksguard::cedar::ext::Datetime;
using eksguard::cedar::ext::Decimal;
using eksguard::cedar::ext::Duration;
using eksguard::cedar::ext::IpAddr;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// parse(v.to_string()) must give back v.
template <typename T>
void round_trips(const T& value) {
  const auto again = T::parse(value.to_string());
  check(again.has_value() && *again == value);
}

void fuzz_decimal(std::string_view text) {
  const auto d = Decimal::parse(text);
  if (!d) return;
  round_trips(*d);
}

void fuzz_ip(std::string_view text) {
  const auto ip = IpAddr::parse(text);
  if (!ip) return;
  round_trips(*ip);
  check(ip->is_ipv4() != ip->is_ipv6());
  check(ip->prefix_len() <= (ip->is_ipv4() ? 32 : 128));
  check(ip->is_in_range(*ip));  // every range contains itself
  (void)ip->is_loopback();
  (void)ip->is_multicast();
}

void fuzz_duration(std::string_view text) {
  const auto d = Duration::parse(text);
  if (!d) return;
  round_trips(*d);
  // Rust converts step by step (toMinutes is toSeconds / 60, ...); truncating division
  // composes, so the direct divisions must agree.
  check(d->to_minutes() == d->to_seconds() / 60);
  check(d->to_hours() == d->to_minutes() / 60);
  check(d->to_days() == d->to_hours() / 24);
}

void fuzz_datetime(std::string_view text) {
  const auto dt = Datetime::parse(text);
  if (!dt) return;
  check(dt->to_literal().has_value());  // every parsed value has a spelling
  round_trips(*dt);
  const auto date = dt->to_date();
  check(date.has_value());  // parsed values are far from the i64 limits
  check(date->millis() + dt->to_time().millis() == dt->millis());
  check(dt->to_time().millis() >= 0 && dt->to_time().millis() < 86400000);
  check(date->to_date() == date);
}

// The canonical spelling is unique: equal values, and only they, print the same.
template <typename T>
void canonical_pair(std::string_view left, std::string_view right) {
  const auto a = T::parse(left);
  const auto b = T::parse(right);
  if (a && b) check((*a == *b) == (a->to_string() == b->to_string()));
}

// Pairs: the binary methods, with their algebraic invariants.
void fuzz_pair(std::string_view left, std::string_view right) {
  canonical_pair<Decimal>(left, right);
  canonical_pair<IpAddr>(left, right);
  canonical_pair<Duration>(left, right);
  canonical_pair<Datetime>(left, right);
  const auto a = IpAddr::parse(left);
  const auto b = IpAddr::parse(right);
  if (a && b) {
    // Containment both ways means the same range (the addresses may still differ in host bits).
    if (a->is_in_range(*b) && b->is_in_range(*a)) check(a->prefix_len() == b->prefix_len());
    if (a->is_ipv4() != b->is_ipv4()) check(!a->is_in_range(*b));
  }
  const auto t = Datetime::parse(left);
  const auto u = Datetime::parse(right);
  const auto d = Duration::parse(right);
  if (t && u) {
    const auto since = t->duration_since(*u);
    check(since.has_value() && u->offset(*since) == t);
  }
  if (t && d) {
    if (const auto moved = t->offset(*d)) check(moved->duration_since(*t) == d);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_decimal(text);
  fuzz_ip(text);
  fuzz_duration(text);
  fuzz_datetime(text);
  if (const size_t bar = text.find('|'); bar != std::string_view::npos) {
    const std::string_view left = text.substr(0, bar);
    const std::string_view right = text.substr(bar + 1);
    for (std::string_view part : {left, right}) {
      fuzz_decimal(part);
      fuzz_ip(part);
      fuzz_duration(part);
      fuzz_datetime(part);
    }
    fuzz_pair(left, right);
  }
  return 0;
}
