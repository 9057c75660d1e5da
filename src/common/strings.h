// Small string helpers shared by every component.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace eksguard {

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits on `separator`, trimming each part and dropping empty ones.
inline std::vector<std::string_view> split_list(std::string_view s, char separator = ',') {
  std::vector<std::string_view> parts;
  while (!s.empty()) {
    const size_t at = s.find(separator);
    const std::string_view part = trim(s.substr(0, at));
    if (!part.empty()) parts.push_back(part);
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + 1);
  }
  return parts;
}

}  // namespace eksguard
