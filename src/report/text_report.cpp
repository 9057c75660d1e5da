// `eksguard scan` on a terminal: one aligned row per finding, grouped by file,
//
//   k8s/web.yaml:12:7  CRITICAL  PSS-PRIVILEGED  Deployment/default/web  container "app" is ...
//       fix: Remove securityContext.privileged or set it to false; ...
//
// then the input errors, then notes (missing inputs, warnings about the inputs), then a one-line
// summary. Colours (severity labels, dimmed details) only when asked for.
#include <algorithm>
#include <array>
#include <ostream>

#include "common/utf8.h"
#include "report/formats.h"

namespace eksguard::report {
namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kDim = "\x1b[2m";
constexpr size_t kSeverityWidth = 8;      // "CRITICAL"
constexpr size_t kMaxResourceWidth = 48;  // longer names break the alignment, not the line

std::string_view severity_label(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "CRITICAL";
    case Severity::kHigh:
      return "HIGH";
    case Severity::kMedium:
      return "MEDIUM";
    case Severity::kLow:
      return "LOW";
    case Severity::kInfo:
      return "INFO";
  }
  return "UNKNOWN";
}

std::string_view severity_color(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "\x1b[1;31m";  // bold red
    case Severity::kHigh:
      return "\x1b[31m";  // red
    case Severity::kMedium:
      return "\x1b[33m";  // yellow
    case Severity::kLow:
      return "\x1b[36m";  // cyan
    case Severity::kInfo:
      return "\x1b[90m";  // grey
  }
  return "";
}

// Bytes that need a look before they reach a terminal: C0 controls, DEL, and every non-ASCII
// byte (ill-formed UTF-8, C1 controls, bidirectional overrides).
constexpr std::array<bool, 256> make_special_table() {
  std::array<bool, 256> table{};
  for (size_t c = 0; c < 256; ++c) table[c] = c < 0x20 || c >= 0x7F;
  return table;
}
constexpr std::array<bool, 256> kSpecial = make_special_table();

bool is_hidden_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

void append_escaped_code_point(std::string& out, char32_t c) {
  constexpr std::string_view kHex = "0123456789abcdef";
  switch (c) {
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    default:
      break;
  }
  if (c <= 0xFF) {
    const char escape[4] = {'\\', 'x', kHex[(c >> 4) & 0xF], kHex[c & 0xF]};
    out.append(escape, 4);
    return;
  }
  const char escape[6] = {
      '\\', 'u', kHex[(c >> 12) & 0xF], kHex[(c >> 8) & 0xF], kHex[(c >> 4) & 0xF], kHex[c & 0xF]};
  out.append(escape, 6);
}

// Appends text from the inputs so that it cannot drive the terminal: controls (escape
// sequences, newlines) and bidirectional overrides are shown escaped, ill-formed UTF-8 as U+FFFD.
void append_terminal_safe(std::string& out, std::string_view text) {
  append_escaped_runs(out, text, kSpecial,
                      [](std::string& o, std::string_view t, size_t at) -> size_t {
                        const Utf8Char c = decode_utf8(t.data() + at, t.size() - at);
                        if (!c.valid) {
                          o.append(kReplacementCharacter);
                        } else if (is_hidden_control(c.code_point)) {
                          append_escaped_code_point(o, c.code_point);
                        } else {
                          o.append(t.data() + at, c.length);
                        }
                        return c.length;
                      });
}

struct Row {
  const Finding* finding;
  std::string location;
  std::string resource;
};

struct Widths {
  size_t location = 0;
  size_t check = 0;
  size_t resource = 0;
};

class TextWriter {
 public:
  TextWriter(std::ostream& out, const ReportOptions& options) : out_(out), options_(options) {
    buffer_.reserve(size_t{1} << 17);
  }
  ~TextWriter() { flush_if_large(out_, buffer_, 0); }
  TextWriter(const TextWriter&) = delete;
  TextWriter& operator=(const TextWriter&) = delete;

  void write(const ScanResult& result);

 private:
  void header(const ScanResult& result);
  void findings(const std::vector<Finding>& findings);
  void group(const std::vector<Row>& rows);
  void row(const Row& row, const Widths& widths);
  void details(const Finding& finding);
  void errors(const std::vector<InputError>& errors);
  void notes(const std::vector<Note>& notes);
  void summary(const ScanResult& result);
  void severity_count(size_t count, Severity severity);

  void styled(std::string_view style, std::string_view text);
  void padded(std::string_view text, size_t width);
  void count(size_t n, std::string_view singular, std::string_view plural);

  std::ostream& out_;
  const ReportOptions& options_;
  std::string buffer_;
};

void TextWriter::styled(std::string_view style, std::string_view text) {
  if (!options_.color || style.empty()) {
    buffer_.append(text);
    return;
  }
  buffer_.append(style).append(text).append(kReset);
}

void TextWriter::padded(std::string_view text, size_t width) {
  buffer_.append(text);
  const size_t length = utf8_length(text);
  buffer_.append(width > length ? width - length : 0, ' ');
}

void TextWriter::count(size_t n, std::string_view singular, std::string_view plural) {
  buffer_.append(std::to_string(n)).append(" ").append(n == 1 ? singular : plural);
}

void TextWriter::header(const ScanResult& result) {
  styled(kBold, "eksguard " EKSGUARD_VERSION);
  if (!result.pss_level.empty()) {
    buffer_.append("  Pod Security Standards: ").append(result.pss_level);
    if (!result.pss_version.empty()) buffer_.append(" (").append(result.pss_version).append(")");
  }
  buffer_.append("\n");
}

void TextWriter::row(const Row& row, const Widths& widths) {
  const Finding& finding = *row.finding;
  const bool dim = finding.suppressed && options_.color;
  if (dim) buffer_.append(kDim);
  padded(row.location, widths.location);
  buffer_.append("  ");
  const std::string_view label = severity_label(finding.severity);
  if (dim) {
    buffer_.append(label);
  } else {
    styled(severity_color(finding.severity), label);
  }
  buffer_.append(kSeverityWidth - label.size() + 2, ' ');
  padded(finding.info().id, widths.check);
  buffer_.append("  ");
  padded(row.resource, widths.resource);
  buffer_.append("  ");
  append_terminal_safe(buffer_, finding.message);
  if (finding.suppressed) buffer_.append("  [suppressed]");
  if (dim) buffer_.append(kReset);
  buffer_.append("\n");
  details(finding);
}

void TextWriter::details(const Finding& finding) {
  std::string line;
  if (!finding.note().empty()) {
    line.append("    note: ");
    append_terminal_safe(line, finding.note());
    styled(kDim, line);
    buffer_.append("\n");
    line.clear();
  }
  if (finding.suppressed) {
    line.append("    suppressed: ");
    append_terminal_safe(line, finding.suppression());
  } else {
    line.append("    fix: ").append(finding.info().remediation);
  }
  styled(kDim, line);
  buffer_.append("\n");
}

void TextWriter::group(const std::vector<Row>& rows) {
  Widths widths;
  for (const Row& r : rows) {
    widths.location = std::max(widths.location, utf8_length(r.location));
    widths.check = std::max(widths.check, r.finding->info().id.size());
    widths.resource = std::max(widths.resource, utf8_length(r.resource));
  }
  widths.resource = std::min(widths.resource, kMaxResourceWidth);
  for (const Row& r : rows) row(r, widths);
  flush_if_large(out_, buffer_);
}

void TextWriter::findings(const std::vector<Finding>& findings) {
  std::vector<Row> rows;
  std::string raw;
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& finding = findings[i];
    if (finding.suppressed && !options_.show_suppressed) continue;
    if (!finding.suppressed && finding.severity < options_.min_severity) continue;
    if (!rows.empty() && rows.back().finding->file() != finding.file()) {
      buffer_.append("\n");
      group(rows);
      rows.clear();
    }
    Row& r = rows.emplace_back(Row{&finding, {}, {}});
    raw.clear();
    append_location(raw, finding.file(), finding.position.line, finding.position.column);
    append_terminal_safe(r.location, raw);
    raw.clear();
    append_resource_label(raw, finding.resource());
    append_terminal_safe(r.resource, raw);
  }
  if (rows.empty()) return;
  buffer_.append("\n");
  group(rows);
}

void TextWriter::errors(const std::vector<InputError>& errors) {
  if (errors.empty()) return;
  buffer_.append("\n");
  styled(kBold, "Input errors");
  buffer_.append("\n");
  std::vector<std::string> locations;
  size_t width = 0;
  for (const InputError& error : errors) {
    std::string raw;
    append_location(raw, error.file, error.line, error.column);
    std::string& location = locations.emplace_back();
    append_terminal_safe(location, raw);
    width = std::max(width, utf8_length(location));
  }
  for (size_t i = 0; i < errors.size(); ++i) {
    buffer_.append("  ");
    padded(locations[i], width);
    buffer_.append("  ");
    styled(severity_color(Severity::kHigh), "ERROR");
    buffer_.append("  ");
    append_terminal_safe(buffer_, errors[i].message);
    buffer_.append("\n");
    flush_if_large(out_, buffer_);
  }
}

// Missing inputs ("needs: …") and warnings about the inputs, after the table and the errors.
void TextWriter::notes(const std::vector<Note>& notes) {
  if (notes.empty()) return;
  buffer_.append("\n");
  styled(kBold, "Notes");
  buffer_.append("\n");
  for (const Note& note : notes) {
    buffer_.append("  ");
    if (note.kind == NoteKind::kMissingInput) {
      styled(kDim, "missing input");
    } else {
      std::string raw;
      append_location(raw, note.file, note.line, note.column);
      append_terminal_safe(buffer_, raw);
      buffer_.append("  ");
      styled(severity_color(Severity::kMedium), "WARNING");
    }
    buffer_.append("  ");
    append_terminal_safe(buffer_, note.message);
    buffer_.append("\n");
    flush_if_large(out_, buffer_);
  }
}

void TextWriter::severity_count(size_t n, Severity severity) {
  std::string text = std::to_string(n);
  text.append(" ").append(to_string(severity));
  styled(n > 0 ? severity_color(severity) : std::string_view(), text);
}

void TextWriter::summary(const ScanResult& result) {
  const Counts counts = count_findings(result.findings);
  buffer_.append("\n");
  count(counts.findings, "finding", "findings");
  const char* separator = " (";
  for (Severity severity : kSeveritiesDescending) {
    buffer_.append(separator);
    severity_count(counts.at(severity), severity);
    separator = ", ";
  }
  buffer_.append(")");
  if (counts.suppressed > 0) {
    buffer_.append(", ");
    count(counts.suppressed, "suppressed", "suppressed");
    if (!options_.show_suppressed) buffer_.append(" (hidden)");
  }
  size_t below = 0;
  for (size_t i = 0; i < static_cast<size_t>(options_.min_severity); ++i)
    below += counts.by_severity[i];
  if (below > 0) {
    buffer_.append(", ");
    buffer_.append(std::to_string(below));
    buffer_.append(" below ");
    buffer_.append(to_string(options_.min_severity));
    buffer_.append(" not listed (--min-severity ");
    buffer_.append(to_string(static_cast<Severity>(static_cast<int>(options_.min_severity) - 1)));
    buffer_.append(")");
  }
  if (!result.errors.empty()) {
    buffer_.append(", ");
    count(result.errors.size(), "input error", "input errors");
  }
  if (!result.notes.empty()) {
    buffer_.append(", ");
    count(result.notes.size(), "note", "notes");
  }
  buffer_.append(", ");
  count(result.resources, "resource scanned", "resources scanned");
  buffer_.append("\n");
}

void TextWriter::write(const ScanResult& result) {
  header(result);
  findings(result.findings);
  errors(result.errors);
  notes(result.notes);
  summary(result);
}

}  // namespace

void write_text(std::ostream& out, const ScanResult& result, const ReportOptions& options) {
  TextWriter(out, options).write(result);
}

}  // namespace eksguard::report
