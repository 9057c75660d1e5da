#include "report/report.h"

#include <charconv>
#include <ostream>

#include "common/strings.h"
#include "report/formats.h"

namespace eksguard::report {
namespace {

constexpr Format kFormats[] = {Format::kText, Format::kJson, Format::kSarif, Format::kJunit};

void append_uint(std::string& out, uint32_t number) {
  char digits[16];
  const auto result = std::to_chars(digits, digits + sizeof digits, number);
  out.append(digits, result.ptr);
}

}  // namespace

std::string_view to_string(Format format) {
  switch (format) {
    case Format::kText:
      return "text";
    case Format::kJson:
      return "json";
    case Format::kSarif:
      return "sarif";
    case Format::kJunit:
      return "junit";
  }
  return "text";
}

std::string_view to_string(NoteKind kind) {
  return kind == NoteKind::kMissingInput ? "missing-input" : "warning";
}

std::optional<Format> parse_format(std::string_view name) {
  for (Format format : kFormats) {
    if (iequals(name, to_string(format))) return format;
  }
  return std::nullopt;
}

Counts count_findings(const std::vector<Finding>& findings) {
  Counts counts;
  for (const Finding& finding : findings) {
    if (finding.suppressed) {
      ++counts.suppressed;
      continue;
    }
    ++counts.findings;
    ++counts.by_severity[static_cast<size_t>(finding.severity)];
  }
  return counts;
}

void write_report(std::ostream& out, Format format, const ScanResult& result,
                  const ReportOptions& report_options) {
  switch (format) {
    case Format::kText:
      write_text(out, result, report_options);
      return;
    case Format::kJson:
      write_json(out, result);
      return;
    case Format::kSarif:
      write_sarif(out, result);
      return;
    case Format::kJunit:
      write_junit(out, result, report_options.fail_on);
      return;
  }
}

void append_resource_label(std::string& out, const k8s::ObjectRef& resource) {
  out.append(resource.kind);
  out.push_back('/');
  if (!resource.namespace_.empty()) {
    out.append(resource.namespace_);
    out.push_back('/');
  }
  out.append(resource.name);
}

void append_location(std::string& out, std::string_view file, uint32_t line, uint32_t column) {
  out.append(file);
  if (line == 0) return;
  out.push_back(':');
  append_uint(out, line);
  if (column == 0) return;
  out.push_back(':');
  append_uint(out, column);
}

void flush_if_large(std::ostream& out, std::string& buffer, size_t threshold) {
  if (buffer.size() < threshold || buffer.empty()) return;
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  buffer.clear();
}

}  // namespace eksguard::report
