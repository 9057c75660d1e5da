// `eksguard scan --format junit`: JUnit XML as GitLab, Jenkins and the GitHub test-report
// actions read it. One <testsuite name="eksguard">; each finding is a <testcase> named after
// the check, with the resource as its class; suppressed findings are skipped; unreadable
// inputs are errors. A clean scan is one passing test case, so CI never sees "no tests". Notes
// (missing inputs, warnings about the inputs) go to the suite's system-out.
#include <charconv>
#include <ostream>
#include <unordered_map>
#include <unordered_set>

#include "report/formats.h"
#include "report/xml_escape.h"

namespace eksguard::report {
namespace {

class JunitWriter {
 public:
  JunitWriter(std::ostream& out, std::optional<Severity> fail_on) : out_(out), fail_on_(fail_on) {
    buffer_.reserve(size_t{1} << 17);
  }
  ~JunitWriter() { flush_if_large(out_, buffer_, 0); }
  JunitWriter(const JunitWriter&) = delete;
  JunitWriter& operator=(const JunitWriter&) = delete;

  void write(const ScanResult& result);

 private:
  void open_suites(const ScanResult& result, const Counts& counts);
  void properties(const ScanResult& result);
  void property(std::string_view name, std::string_view value);
  void finding(const Finding& finding);
  void failure_details(const Finding& finding);
  void input_error(const InputError& error);
  void clean_scan(const ScanResult& result);
  void notes(const std::vector<Note>& notes);
  void open_testcase(std::string_view classname, std::string_view name, std::string_view file,
                     uint32_t line);
  void counts_attributes(size_t tests, size_t failures, size_t errors, size_t skipped);
  void attribute(std::string_view name, std::string_view value);
  void attribute(std::string_view name, size_t value);
  static std::string name_key(const Finding& finding, const std::string& classname);
  void count_names(const std::vector<Finding>& findings);
  std::string test_name(const Finding& finding, const std::string& classname);

  bool fails(const Finding& finding) const {
    return !finding.suppressed && fail_on_.has_value() && finding.severity >= *fail_on_;
  }

  std::ostream& out_;
  std::optional<Severity> fail_on_;
  std::string buffer_;
  // Test cases per resource and check, and the names given where there are several.
  std::unordered_map<std::string, uint32_t> name_counts_;
  std::unordered_set<std::string> repeated_names_;
};

void JunitWriter::attribute(std::string_view name, std::string_view value) {
  buffer_.push_back(' ');
  buffer_.append(name).append("=\"");
  append_xml_attribute(buffer_, value);
  buffer_.push_back('"');
}

void JunitWriter::attribute(std::string_view name, size_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  attribute(name, std::string_view(digits, static_cast<size_t>(end - digits)));
}

void JunitWriter::counts_attributes(size_t tests, size_t failures, size_t errors, size_t skipped) {
  attribute("tests", tests);
  attribute("failures", failures);
  attribute("errors", errors);
  attribute("skipped", skipped);
  attribute("time", "0");
}

void JunitWriter::open_suites(const ScanResult& result, const Counts& counts) {
  const size_t errors = result.errors.size();
  size_t tests = result.findings.size() + errors;
  if (tests == 0) tests = 1;  // the clean-scan test case
  size_t failures = 0;
  for (const Finding& finding : result.findings) failures += fails(finding) ? 1 : 0;
  buffer_.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
  attribute("name", "eksguard");
  counts_attributes(tests, failures, errors, counts.suppressed);
  buffer_.append(">\n  <testsuite");
  attribute("name", "eksguard");
  counts_attributes(tests, failures, errors, counts.suppressed);
  buffer_.append(">\n");
}

void JunitWriter::property(std::string_view name, std::string_view value) {
  buffer_.append("      <property");
  attribute("name", name);
  attribute("value", value);
  buffer_.append("/>\n");
}

void JunitWriter::properties(const ScanResult& result) {
  buffer_.append("    <properties>\n");
  property("eksguard.version", EKSGUARD_VERSION);
  property("resources", std::to_string(result.resources));
  if (!result.pss_level.empty()) property("pss.level", result.pss_level);
  if (!result.pss_version.empty()) property("pss.version", result.pss_version);
  buffer_.append("    </properties>\n");
}

void JunitWriter::open_testcase(std::string_view classname, std::string_view name,
                                std::string_view file, uint32_t line) {
  buffer_.append("    <testcase");
  attribute("classname", classname);
  attribute("name", name);
  if (!file.empty()) attribute("file", file);
  if (line > 0) attribute("line", size_t{line});
  attribute("time", "0");
  buffer_.push_back('>');
}

std::string JunitWriter::name_key(const Finding& finding, const std::string& classname) {
  std::string key = classname;
  key.push_back('\n');
  key.append(finding.info().id);
  return key;
}

void JunitWriter::count_names(const std::vector<Finding>& findings) {
  std::string classname;
  for (const Finding& finding : findings) {
    classname.clear();
    append_resource_label(classname, finding.resource());
    ++name_counts_[name_key(finding, classname)];
  }
}

// "<CHECK-ID> <title>"; when the check fires more than once on a resource, every one of those
// test cases also names its field path (and, should that repeat too, a counter).
std::string JunitWriter::test_name(const Finding& finding, const std::string& classname) {
  const CheckInfo& info = finding.info();
  std::string name(info.id);
  name.append(" ").append(info.title);
  const std::string key = name_key(finding, classname);
  if (name_counts_[key] <= 1) return name;
  if (!finding.path.empty()) name.append(" (").append(finding.path).append(")");
  for (size_t n = 1;; ++n) {
    std::string candidate = name;
    if (n > 1) candidate.append(" #").append(std::to_string(n));
    std::string unique_key = key;
    unique_key.append("\n").append(candidate);
    if (repeated_names_.insert(std::move(unique_key)).second) return candidate;
  }
}

void JunitWriter::failure_details(const Finding& finding) {
  const CheckInfo& info = finding.info();
  std::string text;
  append_location(text, finding.file(), finding.position.line, finding.position.column);
  text.append("\nResource: ").append(finding.resource().api_version).append(" ");
  append_resource_label(text, finding.resource());
  if (!finding.path.empty()) text.append("\nField: ").append(finding.path);
  text.append("\nMessage: ").append(finding.message);
  if (!finding.note().empty()) text.append("\nNote: ").append(finding.note());
  text.append("\nRemediation: ").append(info.remediation);
  append_xml_text(buffer_, text);
}

void JunitWriter::finding(const Finding& finding) {
  std::string classname;
  append_resource_label(classname, finding.resource());
  const std::string name = test_name(finding, classname);
  open_testcase(classname, name, finding.file(), finding.position.line);
  if (finding.suppressed) {
    buffer_.append("<skipped");
    attribute("message", "suppressed: " + std::string(finding.suppression()));
    buffer_.append("/>");
  } else if (!fails(finding)) {
    // Below the run's failure threshold: a passed test case that still carries the details.
    buffer_.append("<system-out>");
    failure_details(finding);
    buffer_.append("</system-out>");
  } else {
    buffer_.append("<failure");
    attribute("message", finding.message);
    attribute("type", to_string(finding.severity));
    buffer_.push_back('>');
    failure_details(finding);
    buffer_.append("</failure>");
  }
  buffer_.append("</testcase>\n");
  flush_if_large(out_, buffer_);
}

void JunitWriter::input_error(const InputError& error) {
  std::string location;
  append_location(location, error.file, error.line, error.column);
  open_testcase("input", location, error.file, error.line);
  buffer_.append("<error");
  attribute("message", error.message);
  attribute("type", "input-error");
  buffer_.push_back('>');
  append_xml_text(buffer_, location + ": " + error.message);
  buffer_.append("</error></testcase>\n");
  flush_if_large(out_, buffer_);
}

void JunitWriter::clean_scan(const ScanResult& result) {
  const std::string name = "scan: " + std::to_string(result.resources) + " resources, no findings";
  open_testcase("eksguard", name, "", 0);
  buffer_.append("</testcase>\n");
}

// Notes are neither test cases nor failures: the suite's system-out lists them, one a line.
void JunitWriter::notes(const std::vector<Note>& notes) {
  if (notes.empty()) return;
  std::string text;
  for (const Note& note : notes) {
    text.append(to_string(note.kind)).append(": ");
    if (!note.file.empty()) {
      append_location(text, note.file, note.line, note.column);
      text.append(": ");
    }
    text.append(note.message).append("\n");
  }
  buffer_.append("    <system-out>");
  append_xml_text(buffer_, text);
  buffer_.append("</system-out>\n");
}

void JunitWriter::write(const ScanResult& result) {
  const Counts counts = count_findings(result.findings);
  open_suites(result, counts);
  properties(result);
  count_names(result.findings);
  for (const Finding& f : result.findings) finding(f);
  for (const InputError& error : result.errors) input_error(error);
  if (result.findings.empty() && result.errors.empty()) clean_scan(result);
  notes(result.notes);
  buffer_.append("  </testsuite>\n</testsuites>\n");
}

}  // namespace

void write_junit(std::ostream& out, const ScanResult& result, std::optional<Severity> fail_on) {
  JunitWriter(out, fail_on).write(result);
}

}  // namespace eksguard::report
