// Diagnostics shared by every Cedar component (schema, policy parser, validator): a stable code,
// a severity, a message and a source range, rendered as `file:line:column: error: ...` followed
// by the offending source line and a caret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eksguard::cedar {

enum class Severity : uint8_t { kError, kWarning };

std::string_view severity_name(Severity severity);

// Positions follow the document model (doc::Position): 1-based line, 1-based byte column; 0 means
// unknown. `length` is the byte length of the highlighted range (0 or 1 for a single point).
struct Diagnostic {
  std::string code;  // stable and machine-readable, e.g. "schema.parse.unexpected-token"
  Severity severity = Severity::kError;
  std::string message;  // lowercase, no final period, user input in backticks
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t length = 0;

  // `file:line:column: error: message [code]` (the location parts that are known).
  std::string render() const;
  // render() plus the source line and a caret line under the range; `source_text` is the whole
  // text the positions refer to. Falls back to render() when the line is not in `source_text`.
  std::string render_with_snippet(std::string_view source_text) const;
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diagnostics);

// Every diagnostic rendered with its snippet, one after another.
std::string render_all(const Diagnostics& diagnostics, std::string_view source_text);

// Builds a diagnostic; keeps call sites in the parsers short.
Diagnostic make_diagnostic(std::string code, std::string message, std::string_view file,
                           uint32_t line, uint32_t column, uint32_t length = 1,
                           Severity severity = Severity::kError);

}  // namespace eksguard::cedar
