#include "cedar/diagnostic.h"

#include <algorithm>
#include <string>

#include "common/utf8.h"

namespace eksguard::cedar {
namespace {

// Finds the 1-based `line` of `text`, without its line break; false when there is no such line.
bool find_line(std::string_view text, uint32_t line, std::string_view& out) {
  if (line == 0) return false;
  size_t start = 0;
  for (uint32_t current = 1; current < line; ++current) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return false;
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  out = text.substr(start, end - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return true;
}

// Blanks that keep a caret under the right character: one space per character of `prefix`,
// except that tabs stay tabs so terminals expand both lines alike.
std::string caret_padding(std::string_view prefix) {
  std::string padding;
  for (size_t i = 0; i < prefix.size();) {
    padding.push_back(prefix[i] == '\t' ? '\t' : ' ');
    i += decode_utf8(prefix.data() + i, prefix.size() - i).length;
  }
  return padding;
}

}  // namespace

std::string_view severity_name(Severity severity) {
  return severity == Severity::kWarning ? "warning" : "error";
}

std::string Diagnostic::render() const {
  std::string out;
  if (!file.empty()) out += file + ":";
  if (line > 0) {
    out += std::to_string(line) + ":";
    if (column > 0) out += std::to_string(column) + ":";
  }
  if (!out.empty()) out += " ";
  out += std::string(severity_name(severity)) + ": " + message;
  if (!code.empty()) out += " [" + code + "]";
  return out;
}

std::string Diagnostic::render_with_snippet(std::string_view source_text) const {
  std::string out = render();
  std::string_view text;
  if (!find_line(source_text, line, text)) return out;
  const std::string number = std::to_string(line);
  const std::string gutter(number.size(), ' ');
  out += "\n " + number + " | " + std::string(text) + "\n " + gutter + " | ";
  const size_t start = std::min<size_t>(column > 0 ? column - 1 : 0, text.size());
  const size_t end = std::min<size_t>(start + std::max<uint32_t>(length, 1), text.size());
  out += caret_padding(text.substr(0, start));
  out += '^';
  // One tilde per further character of the range, so wide ranges read as underlines.
  const size_t extra = utf8_length(text.substr(start, end - start));
  if (extra > 1) out.append(extra - 1, '~');
  return out;
}

bool has_errors(const Diagnostics& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

std::string render_all(const Diagnostics& diagnostics, std::string_view source_text) {
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics) {
    out += diagnostic.render_with_snippet(source_text);
    out += '\n';
  }
  return out;
}

Diagnostic make_diagnostic(std::string code, std::string message, std::string_view file,
                           uint32_t line, uint32_t column, uint32_t length, Severity severity) {
  return Diagnostic{std::move(code), severity, std::move(message), std::string(file), line,
                    column,          length};
}

}  // namespace eksguard::cedar
