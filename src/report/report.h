// Scan reports: one ScanResult rendered as a text table, JSON (the contract in PRODUCT.md),
// SARIF 2.1.0 (code scanning) or JUnit XML (CI test reports).
#pragma once

#include <array>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "findings/finding.h"
#include "findings/severity.h"

namespace eksguard::report {

enum class Format { kText, kJson, kSarif, kJunit };

// text | json | sarif | junit (any case); nullopt otherwise.
std::optional<Format> parse_format(std::string_view name);
std::string_view to_string(Format format);

// Something the report should tell besides findings and input errors: an input the checks
// needed but did not get, or a warning about the inputs (a duplicate RBAC object). Notes never
// change the exit code.
enum class NoteKind : uint8_t { kMissingInput, kWarning };
std::string_view to_string(NoteKind kind);  // "missing-input" | "warning"

struct Note {
  NoteKind kind = NoteKind::kWarning;
  std::string file;  // "" (and line 0) for a missing input
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
};

// Everything a report shows.
struct ScanResult {
  std::vector<Finding> findings;  // already sorted by the scanner (file, line, column, check)
  std::vector<InputError> errors;
  std::vector<Note> notes;  // missing inputs first, then warnings by file and line
  size_t resources = 0;     // objects scanned
  std::string pss_level;    // e.g. "restricted", for the report header
  std::string pss_version;  // e.g. "v1.37"
};

struct ReportOptions {
  // JUnit: a finding is a failed test case when it is unsuppressed and at or above this
  // severity (the run's --fail-on), and a passed one otherwise; nullopt: nothing fails.
  std::optional<Severity> fail_on = Severity::kInfo;
  // Text:
  bool color = false;            // ANSI colours (the CLI decides: terminal, NO_COLOR)
  bool show_suppressed = false;  // suppressed findings are always counted, shown only on request
  // Findings below this severity are counted but not listed (info findings, such as those of
  // known EKS system components, would otherwise drown the rest).
  Severity min_severity = Severity::kInfo;
};

// Finding counts as every report's summary shows them.
struct Counts {
  std::array<size_t, 5> by_severity{};  // unsuppressed findings, indexed by Severity
  size_t findings = 0;                  // unsuppressed
  size_t suppressed = 0;

  size_t at(Severity severity) const { return by_severity[static_cast<size_t>(severity)]; }
};
Counts count_findings(const std::vector<Finding>& findings);

// Writes the whole report; stream errors are left in the stream's state for the caller.
void write_report(std::ostream& out, Format format, const ScanResult& result,
                  const ReportOptions& report_options = {});

}  // namespace eksguard::report
