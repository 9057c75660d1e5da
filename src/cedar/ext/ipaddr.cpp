// ipaddr: Cedar's rules (cedar-policy-core/src/extensions/ipaddr.rs). The address is parsed by
// Rust's std::net::IpAddr (core/src/net/parser.rs), the optional "/prefix" by Cedar itself:
//   - at most 43 bytes in all (the longest valid form, 8 groups of 4 hex digits plus "/128");
//   - rejected when the text has two or more ':' and two or more '.': Cedar refuses IPv4
//     embedded in IPv6 ("::ffff:1.2.3.4"), so IPv6 here is hex groups only;
//   - IPv4: four decimal octets of 1-3 digits, no leading zeros ("01" is refused), <= 255;
//   - IPv6: 1-4 hex digits a group (either case, leading zeros fine), eight groups or one "::"
//     standing for at least one zero group; no zone ids ("%eth0"), no brackets;
//   - prefix: split at the first '/', 1-2 digits (IPv4) or 1-3 (IPv6), no leading zeros, at
//     most 32 or 128; without one the prefix is the full width.
// The address keeps its host bits (Cedar stopped normalising in cedar#348).
#include <algorithm>
#include <charconv>
#include <cstddef>

#include "cedar/ext/extensions.h"

namespace eksguard::cedar::ext {
namespace {

constexpr size_t kMaxTextLength = 43;
constexpr uint8_t kV4Width = 32;
constexpr uint8_t kV6Width = 128;

using Bytes = std::array<uint8_t, 16>;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One IPv4 octet at the front of `s`, consuming it: Rust's read_number(10, Some(3), false).
std::optional<uint8_t> read_octet(std::string_view& s) {
  size_t n = 0;
  unsigned value = 0;
  while (n < s.size() && is_digit(s[n])) value = value * 10 + static_cast<unsigned>(s[n++] - '0');
  if (n == 0 || n > 3 || (n > 1 && s[0] == '0') || value > 255) return std::nullopt;
  s.remove_prefix(n);
  return static_cast<uint8_t>(value);
}

bool parse_v4(std::string_view s, Bytes& out) {
  for (size_t i = 0; i < 4; ++i) {
    if (i > 0) {
      if (s.empty() || s.front() != '.') return false;
      s.remove_prefix(1);
    }
    const auto octet = read_octet(s);
    if (!octet) return false;
    out[i] = *octet;
  }
  return s.empty();
}

// One group of 1-4 hex digits at the front of `s`; a longer run never parses as a whole (Rust
// fails the group and nothing else can consume the digits), so it fails here directly.
std::optional<uint16_t> read_group(std::string_view s, size_t& len) {
  len = 0;
  unsigned value = 0;
  while (len < s.size() && hex_value(s[len]) >= 0) {
    value = value * 16 + static_cast<unsigned>(hex_value(s[len++]));
  }
  if (len == 0 || len > 4) return std::nullopt;
  return static_cast<uint16_t>(value);
}

// Up to `limit` ':'-separated groups from `pos`. A ':' is taken only together with a group
// after it, so "1::2" stops after "1" and leaves "::" to the caller (Rust's read_groups).
size_t read_groups(std::string_view s, size_t& pos, uint16_t* out, size_t limit) {
  size_t count = 0;
  while (count < limit) {
    size_t at = pos;
    if (count > 0) {
      if (at >= s.size() || s[at] != ':') break;
      ++at;
    }
    size_t len = 0;
    const auto group = read_group(s.substr(at), len);
    if (!group) break;
    out[count++] = *group;
    pos = at + len;
  }
  return count;
}

bool parse_v6(std::string_view s, Bytes& out) {
  std::array<uint16_t, 8> groups{};
  size_t pos = 0;
  const size_t head = read_groups(s, pos, groups.data(), 8);
  if (head < 8) {
    if (s.substr(pos, 2) != "::") return false;
    pos += 2;
    // "::" stands for at least one zero group, so the tail has at most 7 - head groups.
    std::array<uint16_t, 7> tail{};
    const size_t tail_count = read_groups(s, pos, tail.data(), 7 - head);
    std::copy_n(tail.begin(), tail_count, groups.end() - static_cast<ptrdiff_t>(tail_count));
  }
  if (pos != s.size()) return false;
  for (size_t i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(groups[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(groups[i] & 0xff);
  }
  return true;
}

// Cedar's parse_prefix: digits only, no leading zeros, bounded length and value.
std::optional<uint8_t> parse_prefix(std::string_view s, uint8_t width) {
  const size_t max_len = width == kV4Width ? 2 : 3;
  if (s.empty() || s.size() > max_len || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  unsigned value = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > width) return std::nullopt;
  return static_cast<uint8_t>(value);
}

// Cedar's check against IPv4-in-IPv6: at least two of each of ':' and '.'.
bool mixes_colons_and_dots(std::string_view s) {
  return std::count(s.begin(), s.end(), ':') >= 2 && std::count(s.begin(), s.end(), '.') >= 2;
}

// The lowest and highest address of a range, over the type's width in bytes.
struct Span {
  Bytes low{};
  Bytes high{};
};

Span span_of(const Bytes& addr, uint8_t prefix, size_t width_bytes) {
  Span span;
  for (size_t i = 0; i < width_bytes; ++i) {
    // Leading bits of this byte that belong to the network part.
    const size_t bit = i * 8;
    const size_t keep = prefix >= bit + 8 ? 8 : (prefix > bit ? prefix - bit : 0);
    const auto net_mask = static_cast<uint8_t>(0xff00u >> keep);
    span.low[i] = addr[i] & net_mask;
    span.high[i] = addr[i] | static_cast<uint8_t>(~net_mask);
  }
  return span;
}

// Rust's Ipv6Addr Display (RFC 5952): lowercase hex without leading zeros, the longest run
// of two or more zero groups (the first on a tie) written "::". Rust writes IPv4-mapped
// addresses as "::ffff:1.2.3.4", which Cedar's own parser refuses; hex keeps to_string()
// parseable.
char* write_v6(const Bytes& b, char* out) {
  uint16_t groups[8];
  for (size_t i = 0; i < 8; ++i) groups[i] = static_cast<uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);
  size_t best_start = 0;
  size_t best_len = 0;
  for (size_t i = 0; i < 8; ++i) {
    size_t j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    if (j > i) i = j;  // skip the run; the loop's ++i steps over the nonzero group after it
  }
  const bool compress = best_len > 1;
  for (size_t i = 0; i < 8; ++i) {
    if (compress && i == best_start) {
      *out++ = ':';
      *out++ = ':';
      i += best_len - 1;
      continue;
    }
    if (i > 0 && !(compress && i == best_start + best_len)) *out++ = ':';
    out = std::to_chars(out, out + 4, groups[i], 16).ptr;
  }
  return out;
}

}  // namespace

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  if (text.size() > kMaxTextLength || mixes_colons_and_dots(text)) return std::nullopt;
  const size_t slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  IpAddr ip;
  if (parse_v4(address, ip.bytes_)) {
    ip.v6_ = false;
  } else if (parse_v6(address, ip.bytes_)) {
    ip.v6_ = true;
  } else {
    return std::nullopt;
  }
  const uint8_t width = ip.v6_ ? kV6Width : kV4Width;
  ip.prefix_ = width;
  if (slash != std::string_view::npos) {
    const auto prefix = parse_prefix(text.substr(slash + 1), width);
    if (!prefix) return std::nullopt;
    ip.prefix_ = *prefix;
  }
  return ip;
}

bool IpAddr::is_in_range(const IpAddr& range) const {
  if (v6_ != range.v6_) return false;
  const size_t width_bytes = v6_ ? 16 : 4;
  const Span inner = span_of(bytes_, prefix_, width_bytes);
  const Span outer = span_of(range.bytes_, range.prefix_, width_bytes);
  // Unused trailing bytes of IPv4 are zero on both sides, so whole-array order is numeric.
  return outer.low <= inner.low && inner.high <= outer.high;
}

bool IpAddr::is_loopback() const {
  // 127.0.0.0/8, or exactly ::1/128 (a shorter prefix would take in other addresses).
  if (!v6_) return bytes_[0] == 127 && prefix_ >= 8;
  Bytes one{};
  one[15] = 1;
  return bytes_ == one && prefix_ == kV6Width;
}

bool IpAddr::is_multicast() const {
  // 224.0.0.0/4 or ff00::/8, with the range no wider than those.
  if (!v6_) return (bytes_[0] & 0xf0) == 0xe0 && prefix_ >= 4;
  return bytes_[0] == 0xff && prefix_ >= 8;
}

std::string IpAddr::to_string() const {
  char buf[48];  // 39 for the address, 4 for "/128"
  char* out = buf;
  if (v6_) {
    out = write_v6(bytes_, out);
  } else {
    for (size_t i = 0; i < 4; ++i) {
      if (i > 0) *out++ = '.';
      out = std::to_chars(out, out + 3, bytes_[i]).ptr;
    }
  }
  *out++ = '/';
  out = std::to_chars(out, out + 3, prefix_).ptr;
  return std::string(buf, out);
}

}  // namespace eksguard::cedar::ext
