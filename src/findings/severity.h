#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace eksguard {

enum class Severity : uint8_t { kInfo, kLow, kMedium, kHigh, kCritical };

std::string_view to_string(Severity severity);
// Accepts info|low|medium|high|critical (any case).
std::optional<Severity> parse_severity(std::string_view text);

}  // namespace eksguard
