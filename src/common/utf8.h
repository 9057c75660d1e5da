// UTF-8 decoding for the output writers and the Cedar parsers: one character at a time, with
// ill-formed input reported the way Unicode recommends replacing it ("maximal subparts", each
// becoming one U+FFFD).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace eksguard {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

struct Utf8Char {
  char32_t code_point;  // U+FFFD when !valid
  uint8_t length;       // bytes consumed: the sequence, or the maximal ill-formed subpart
  bool valid;
};

// Decodes the character at `text[0]` (`size` >= 1). Accepts exactly the well-formed sequences
// of Unicode Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF.
inline Utf8Char decode_utf8(const char* text, size_t size) {
  const auto* p = reinterpret_cast<const unsigned char*>(text);
  const unsigned char lead = p[0];
  if (lead < 0x80) return {lead, 1, true};
  size_t trail = 0;
  char32_t code_point = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    trail = 1;
    code_point = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    trail = 2;
    code_point = lead & 0x0Fu;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    trail = 3;
    code_point = lead & 0x07u;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return {0xFFFD, 1, false};
  }
  for (size_t i = 1; i <= trail; ++i) {
    if (i >= size || p[i] < low || p[i] > high) {
      return {0xFFFD, static_cast<uint8_t>(i), false};
    }
    code_point = (code_point << 6) | (p[i] & 0x3Fu);
    low = 0x80;
    high = 0xBF;
  }
  return {code_point, static_cast<uint8_t>(trail + 1), true};
}

// Number of characters (code points, ill-formed subparts counting one each): the width of
// `text` on a terminal for the scripts Kubernetes names use.
inline size_t utf8_length(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size();) {
    i += decode_utf8(text.data() + i, text.size() - i).length;
    ++count;
  }
  return count;
}

// The loop every output escaper shares: copies runs of bytes that `special` leaves alone in
// one append, and hands each special byte's offset to `escape(out, text, offset)`, which appends
// its replacement and returns how many bytes it consumed (at least 1).
template <typename Escape>
void append_escaped_runs(std::string& out, std::string_view text,
                         const std::array<bool, 256>& special, Escape&& escape) {
  size_t run_start = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!special[static_cast<unsigned char>(text[i])]) {
      ++i;
      continue;
    }
    out.append(text.data() + run_start, i - run_start);
    i += escape(out, text, i);
    run_start = i;
  }
  out.append(text.data() + run_start, text.size() - run_start);
}

}  // namespace eksguard
