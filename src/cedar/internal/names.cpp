#include "cedar/internal/names.h"

#include <array>

namespace eksguard::cedar::internal {
namespace {

bool is_identifier_start(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

// Calls `visit` on each `::`-separated segment; false if a segment is empty.
template <typename Visit>
bool for_each_segment(std::string_view name, Visit visit) {
  while (true) {
    const size_t separator = name.find("::");
    const std::string_view segment = name.substr(0, separator);
    if (segment.empty() || !visit(segment)) return false;
    if (separator == std::string_view::npos) return true;
    name.remove_prefix(separator + 2);
  }
}

}  // namespace

bool is_identifier(std::string_view text) {
  if (text.empty() || !is_identifier_start(text[0])) return false;
  for (const char ch : text) {
    if (!is_identifier_start(ch) && !(ch >= '0' && ch <= '9')) return false;
  }
  return true;
}

bool is_reserved_identifier(std::string_view text) {
  static constexpr std::array<std::string_view, 9> kReserved{"true", "false", "if",  "then", "else",
                                                             "in",   "is",    "has", "like"};
  for (std::string_view word : kReserved) {
    if (word == text) return true;
  }
  return false;
}

bool has_reserved_namespace(std::string_view name) {
  bool reserved = false;
  for_each_segment(name, [&reserved](std::string_view segment) {
    reserved = reserved || segment == "__cedar";
    return true;
  });
  return reserved;
}

bool is_valid_entity_type_name(std::string_view name) {
  return for_each_segment(name,
                          [](std::string_view segment) {
                            return is_identifier(segment) && !is_reserved_identifier(segment);
                          }) &&
         !has_reserved_namespace(name);
}

bool is_action_type(std::string_view type) {
  constexpr std::string_view kAction = "Action";
  if (type == kAction) return true;
  return type.size() > kAction.size() + 2 && type.ends_with("::Action");
}

}  // namespace eksguard::cedar::internal
