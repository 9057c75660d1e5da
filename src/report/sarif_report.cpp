// `eksguard scan --format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. One run; its
// rules are the checks that produced results (in catalog order, so ruleIndex is stable for a
// given set of checks); input errors and notes (missing inputs, warnings about the inputs)
// become tool execution notifications.
#include <array>
#include <cctype>
#include <ostream>

#include "common/strings.h"
#include "report/formats.h"
#include "report/json_writer.h"

namespace eksguard::report {
namespace {

constexpr std::string_view kSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kSourceRoot = "%SRCROOT%";
constexpr std::string_view kFingerprintKey = "eksguardFinding/v1";
// run.tool.driver.informationUri: written once the project has a public home.
constexpr std::string_view kInformationUri = "";

constexpr size_t kCheckCount = static_cast<size_t>(CheckId::kCount);

// Checks that appear in the results, in catalog order, and each one's index in that list.
struct Rules {
  std::vector<CheckId> checks;
  std::array<int, kCheckCount> index{};
};

Rules collect_rules(const std::vector<Finding>& findings) {
  std::array<bool, kCheckCount> used{};
  for (const Finding& finding : findings) used[static_cast<size_t>(finding.check)] = true;
  Rules rules;
  rules.index.fill(-1);
  for (size_t i = 0; i < kCheckCount; ++i) {
    if (!used[i]) continue;
    rules.index[i] = static_cast<int>(rules.checks.size());
    rules.checks.push_back(static_cast<CheckId>(i));
  }
  return rules;
}

std::string_view sarif_level(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    case Severity::kLow:
    case Severity::kInfo:
      return "note";
  }
  return "warning";
}

// GitHub's security-severity scale (0.0-10.0): >9 critical, >=7 high, >=4 medium, else low.
std::string_view security_severity(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "9.5";
    case Severity::kHigh:
      return "8.0";
    case Severity::kMedium:
      return "5.5";
    case Severity::kLow:
      return "3.0";
    case Severity::kInfo:
      return "1.0";
  }
  return "5.5";
}

// "Container may run as root" -> "ContainerMayRunAsRoot" (SARIF's friendly rule name).
std::string pascal_case(std::string_view title) {
  std::string name;
  bool word_start = true;
  for (char c : title) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\'') continue;  // "node's" -> "Nodes"
    if (!std::isalnum(byte)) {
      word_start = true;
      continue;
    }
    name.push_back(word_start ? static_cast<char>(std::toupper(byte)) : c);
    word_start = false;
  }
  return name;
}

std::string standards_sentence(const Standards& standards) {
  std::string text;
  auto add = [&text](std::string_view a, std::string_view b, std::string_view c) {
    if (!text.empty()) text.append("; ");
    text.append(a).append(b).append(c);
  };
  if (!standards.pss.empty()) {
    add("Pod Security Standards ", standards.pss_level, " profile, check ");
    text.append(standards.pss);
  }
  if (!standards.cis_eks.empty()) add("CIS Amazon EKS Benchmark ", standards.cis_eks, "");
  if (!standards.eks_bpg.empty()) add("EKS Best Practices Guide: ", standards.eks_bpg, "");
  return text;
}

std::string full_description(const CheckInfo& info) {
  std::string text(info.title);
  text.append(".");
  const std::string standards = standards_sentence(info.standards);
  if (!standards.empty()) text.append(" Standards: ").append(standards).append(".");
  return text;
}

std::string help_markdown(const CheckInfo& info) {
  std::string text("**Remediation:** ");
  text.append(info.remediation);
  const Standards& standards = info.standards;
  if (standards.pss.empty() && standards.cis_eks.empty() && standards.eks_bpg.empty()) return text;
  text.append("\n\n| Standard | Reference |\n| --- | --- |\n");
  if (!standards.pss.empty()) {
    text.append("| Pod Security Standards (").append(standards.pss_level).append(") | `");
    text.append(standards.pss).append("` |\n");
  }
  if (!standards.cis_eks.empty()) {
    text.append("| CIS Amazon EKS Benchmark | ").append(standards.cis_eks).append(" |\n");
  }
  if (!standards.eks_bpg.empty()) {
    text.append("| EKS Best Practices Guide | ").append(standards.eks_bpg).append(" |\n");
  }
  return text;
}

void write_rule(JsonWriter& json, const CheckInfo& info) {
  json.begin_object();
  json.member("id", info.id).member("name", pascal_case(info.title));
  json.key("shortDescription").begin_object().member("text", info.title).end_object();
  json.key("fullDescription").begin_object().member("text", full_description(info)).end_object();
  json.key("help").begin_object();
  json.member("text", info.remediation).member("markdown", help_markdown(info));
  json.end_object();
  json.key("defaultConfiguration").begin_object();
  json.member("level", sarif_level(info.severity)).end_object();
  json.key("properties").begin_object();
  json.key("tags").begin_array().value("security").value(info.family);
  if (!info.standards.pss_level.empty()) {
    json.value(std::string("pss-").append(info.standards.pss_level));
  }
  json.end_array();
  json.member("security-severity", security_severity(info.severity));
  json.member("precision", "high");
  json.end_object();
  json.end_object();
}

void write_tool(JsonWriter& json, const Rules& rules) {
  json.key("tool").begin_object().key("driver").begin_object();
  json.member("name", "eksguard").member("version", EKSGUARD_VERSION);
  json.member("semanticVersion", EKSGUARD_VERSION);
  if (!kInformationUri.empty()) json.member("informationUri", kInformationUri);
  json.key("rules").begin_array();
  for (CheckId check : rules.checks) write_rule(json, check_info(check));
  json.end_array();
  json.end_object().end_object();
}

bool is_uri_safe(unsigned char c) {
  if (std::isalnum(c)) return true;
  return std::string_view("-._~/!$&'()*+,;=@").find(static_cast<char>(c)) != std::string_view::npos;
}

void append_percent_encoded(std::string& out, std::string_view path) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c == '\\' ? '/' : c);
    if (is_uri_safe(byte)) {
      out.push_back(static_cast<char>(byte));
    } else {
      const char escape[3] = {'%', kHex[byte >> 4], kHex[byte & 0xF]};
      out.append(escape, 3);
    }
  }
}

struct ArtifactUri {
  std::string uri;
  bool relative;  // resolved against %SRCROOT%
};

bool is_stdin(std::string_view file) {
  return file.empty() || file == "-" || file == "<stdin>";
}

bool is_windows_absolute(std::string_view file) {
  return file.size() >= 3 && std::isalpha(static_cast<unsigned char>(file[0])) && file[1] == ':' &&
         (file[2] == '/' || file[2] == '\\');
}

// The file as given, as a URI: relative paths stay relative (forward slashes, "./" dropped,
// percent-encoded); absolute paths become file: URIs; standard input is "stdin".
ArtifactUri artifact_uri(std::string_view file) {
  if (is_stdin(file)) return {"stdin", false};
  ArtifactUri result{{}, true};
  if (is_windows_absolute(file)) {
    result = {"file:///", false};
    result.uri.append(file.substr(0, 2));
    file.remove_prefix(2);
  } else if (file.front() == '/' || file.front() == '\\') {
    result = {"file://", false};
  } else {
    while (file.starts_with("./") || file.starts_with(".\\")) file.remove_prefix(2);
  }
  append_percent_encoded(result.uri, file);
  return result;
}

void write_physical_location(JsonWriter& json, std::string_view file, uint32_t line,
                             uint32_t column) {
  const ArtifactUri artifact = artifact_uri(file);
  json.key("physicalLocation").begin_object();
  json.key("artifactLocation").begin_object().member("uri", artifact.uri);
  if (artifact.relative) json.member("uriBaseId", kSourceRoot);
  json.end_object();
  if (line > 0) {
    json.key("region").begin_object().member("startLine", line);
    if (column > 0) json.member("startColumn", column);
    json.end_object();
  }
  json.end_object();
}

void write_logical_location(JsonWriter& json, const k8s::ObjectRef& resource) {
  std::string qualified;
  append_resource_label(qualified, resource);
  json.key("logicalLocations").begin_array().begin_object();
  json.member("name", resource.name).member("fullyQualifiedName", qualified);
  json.member("kind", "resource");
  json.end_object().end_array();
}

// FNV-1a over the check, the resource's kind/namespace/name and the field path: stable while
// lines move, distinct for each place a check fires.
std::string fingerprint(const Finding& finding) {
  uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&hash](std::string_view part) {
    for (char c : part) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ull;
    }
    hash ^= 0xFF;  // separator: ("ab","c") and ("a","bc") differ
    hash *= 0x100000001b3ull;
  };
  mix(finding.info().id);
  mix(finding.resource().kind);
  mix(finding.resource().namespace_);
  mix(finding.resource().name);
  mix(finding.path);
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string text(16, '0');
  for (size_t i = 0; i < 16; ++i) text[15 - i] = kHex[(hash >> (4 * i)) & 0xF];
  return text;
}

// A suppression written in the manifest itself (an annotation on the object) is "inSource";
// one from an exceptions file or the command line is "external". The scanner spells annotation
// suppressions starting with the word "annotation".
std::string_view suppression_kind(const Finding& finding) {
  const std::string_view source = finding.suppression();
  constexpr std::string_view kAnnotation = "annotation";
  if (source.size() >= kAnnotation.size() &&
      iequals(source.substr(0, kAnnotation.size()), kAnnotation)) {
    return "inSource";
  }
  return "external";
}

void write_suppressions(JsonWriter& json, const Finding& finding) {
  json.key("suppressions").begin_array().begin_object();
  json.member("kind", suppression_kind(finding)).member("status", "accepted");
  if (!finding.suppression().empty()) json.member("justification", finding.suppression());
  json.end_object().end_array();
}

void write_result(JsonWriter& json, const Finding& finding, const Rules& rules) {
  const CheckInfo& info = finding.info();
  json.begin_object();
  json.member("ruleId", info.id);
  json.member("ruleIndex", rules.index[static_cast<size_t>(finding.check)]);
  json.member("level", sarif_level(finding.severity));
  json.key("message").begin_object();
  json.member("text", finding.message.empty() ? info.title : std::string_view(finding.message));
  json.end_object();
  json.key("locations").begin_array().begin_object();
  write_physical_location(json, finding.file(), finding.position.line, finding.position.column);
  write_logical_location(json, finding.resource());
  json.end_object().end_array();
  json.key("partialFingerprints").begin_object();
  json.member(kFingerprintKey, fingerprint(finding)).end_object();
  if (finding.suppressed) write_suppressions(json, finding);
  json.key("properties").begin_object();
  json.member("severity", to_string(finding.severity)).member("path", finding.path);
  if (!finding.note().empty()) json.member("note", finding.note());
  json.end_object();
  json.end_object();
}

void write_notification(JsonWriter& json, const InputError& error) {
  json.begin_object();
  json.member("level", "error");
  json.key("message").begin_object().member("text", error.message).end_object();
  if (!error.file.empty()) {
    json.key("locations").begin_array().begin_object();
    write_physical_location(json, error.file, error.line, error.column);
    json.end_object().end_array();
  }
  json.end_object();
}

// A missing input is a "note", a warning about the inputs a "warning"; neither makes the run
// unsuccessful.
void write_notification(JsonWriter& json, const Note& note) {
  json.begin_object();
  json.member("level", note.kind == NoteKind::kMissingInput ? "note" : "warning");
  json.key("message").begin_object().member("text", note.message).end_object();
  if (!note.file.empty()) {
    json.key("locations").begin_array().begin_object();
    write_physical_location(json, note.file, note.line, note.column);
    json.end_object().end_array();
  }
  json.key("properties").begin_object().member("kind", to_string(note.kind)).end_object();
  json.end_object();
}

void write_invocation(JsonWriter& json, const ScanResult& result) {
  json.key("invocations").begin_array().begin_object();
  json.member("executionSuccessful", result.errors.empty());
  if (!result.errors.empty() || !result.notes.empty()) {
    json.key("toolExecutionNotifications").begin_array();
    for (const InputError& error : result.errors) write_notification(json, error);
    for (const Note& note : result.notes) write_notification(json, note);
    json.end_array();
  }
  json.end_object().end_array();
}

}  // namespace

void write_sarif(std::ostream& out, const ScanResult& result) {
  const Rules rules = collect_rules(result.findings);
  JsonWriter json(out, {.indent = 2});
  json.begin_object();
  json.member("$schema", kSchemaUri).member("version", "2.1.0");
  json.key("runs").begin_array().begin_object();
  write_tool(json, rules);
  write_invocation(json, result);
  json.key("results").begin_array();
  for (const Finding& finding : result.findings) write_result(json, finding, rules);
  json.end_array();
  json.end_object().end_array();
  json.end_object();
  json.end_line();
}

}  // namespace eksguard::report
