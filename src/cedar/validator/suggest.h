// "Did you mean ...?" suggestions for validator messages.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace eksguard::cedar::validation {

// The candidate closest to `key` by edit distance (the first one on ties), as Cedar's
// fuzzy_search picks it; nullopt when `key` or `candidates` is empty.
std::optional<std::string_view> closest_match(std::string_view key,
                                              std::span<const std::string_view> candidates);

}  // namespace eksguard::cedar::validation
