// Internal to src/report: one writer per format, and the helpers they share.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "k8s/object.h"
#include "report/report.h"

namespace eksguard::report {

void write_text(std::ostream& out, const ScanResult& result, const ReportOptions& options);
void write_json(std::ostream& out, const ScanResult& result);
void write_sarif(std::ostream& out, const ScanResult& result);
// Findings at or above `fail_on` (unsuppressed) are failures; the rest pass with their details.
void write_junit(std::ostream& out, const ScanResult& result, std::optional<Severity> fail_on);

// Severities from the most to the least severe, the order every summary lists them in.
inline constexpr Severity kSeveritiesDescending[] = {
    Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo};

// "Kind/namespace/name", or "Kind/name" when the namespace is empty.
void append_resource_label(std::string& out, const k8s::ObjectRef& resource);

// "file:line:column", "file:line" when the column is unknown, "file" when the line is.
void append_location(std::string& out, std::string_view file, uint32_t line, uint32_t column);

// Hands `buffer` to `out` once it has grown past `threshold` bytes (and always when 0).
void flush_if_large(std::ostream& out, std::string& buffer, size_t threshold = size_t{1} << 16);

}  // namespace eksguard::report
