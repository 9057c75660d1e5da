#include "cedar/validator/suggest.h"

#include <algorithm>
#include <numeric>
#include <vector>

namespace eksguard::cedar::validation {
namespace {

// Levenshtein distance over bytes, with one row of memory.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string_view> closest_match(std::string_view key,
                                              std::span<const std::string_view> candidates) {
  if (key.empty() || candidates.empty()) return std::nullopt;
  std::string_view best = candidates.front();
  size_t best_distance = edit_distance(key, best);
  for (std::string_view candidate : candidates.subspan(1)) {
    const size_t distance = edit_distance(key, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace eksguard::cedar::validation
