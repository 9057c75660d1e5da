// `eksguard scan --format json`: the shape PRODUCT.md fixes. Keys are written in the order the
// contract lists them; suppressed findings are included with "suppressed": true. "notes" (missing
// inputs, warnings about the inputs) is added to the contract, after "errors".
#include <ostream>

#include "report/formats.h"
#include "report/json_writer.h"

namespace eksguard::report {
namespace {

void write_standards(JsonWriter& json, const Standards& standards) {
  json.key("standards").begin_object();
  if (!standards.pss.empty()) json.member("pss", standards.pss);
  if (!standards.pss_level.empty()) json.member("pss_level", standards.pss_level);
  if (!standards.cis_eks.empty()) json.member("cis_eks", standards.cis_eks);
  if (!standards.eks_bpg.empty()) json.member("eks_bpg", standards.eks_bpg);
  json.end_object();
}

void write_finding(JsonWriter& json, const Finding& finding) {
  const CheckInfo& info = finding.info();
  json.begin_object();
  json.member("check_id", info.id).member("title", info.title);
  json.member("severity", to_string(finding.severity)).member("message", finding.message);
  json.key("resource").begin_object();
  json.member("apiVersion", finding.resource().api_version).member("kind", finding.resource().kind);
  json.member("namespace", finding.resource().namespace_).member("name", finding.resource().name);
  json.end_object();
  json.key("location").begin_object();
  json.member("file", finding.file()).member("line", finding.position.line);
  json.member("column", finding.position.column);
  json.end_object();
  json.member("path", finding.path);
  write_standards(json, info.standards);
  json.member("remediation", info.remediation).member("suppressed", finding.suppressed);
  if (finding.suppressed) json.member("suppression", finding.suppression());
  if (!finding.note().empty()) json.member("note", finding.note());
  json.end_object();
}

void write_error(JsonWriter& json, const InputError& error) {
  json.begin_object();
  json.member("file", error.file).member("line", error.line).member("column", error.column);
  json.member("message", error.message);
  json.end_object();
}

// Not in PRODUCT.md's contract: an added key, with the shape of an error plus its kind.
void write_note(JsonWriter& json, const Note& note) {
  json.begin_object().member("kind", to_string(note.kind));
  json.member("file", note.file).member("line", note.line).member("column", note.column);
  json.member("message", note.message);
  json.end_object();
}

void write_summary(JsonWriter& json, const ScanResult& result) {
  const Counts counts = count_findings(result.findings);
  json.key("summary").begin_object();
  json.member("resources", result.resources).member("findings", counts.findings);
  json.member("suppressed", counts.suppressed);
  json.key("by_severity").begin_object();
  for (Severity severity : kSeveritiesDescending) {
    json.member(to_string(severity), counts.at(severity));
  }
  json.end_object();
  json.end_object();
}

}  // namespace

void write_json(std::ostream& out, const ScanResult& result) {
  JsonWriter json(out, {.indent = 2});
  json.begin_object();
  json.key("tool").begin_object();
  json.member("name", "eksguard").member("version", EKSGUARD_VERSION);
  json.end_object();
  json.key("findings").begin_array();
  for (const Finding& finding : result.findings) write_finding(json, finding);
  json.end_array();
  json.key("errors").begin_array();
  for (const InputError& error : result.errors) write_error(json, error);
  json.end_array();
  json.key("notes").begin_array();
  for (const Note& note : result.notes) write_note(json, note);
  json.end_array();
  write_summary(json, result);
  json.end_object();
  json.end_line();
}

}  // namespace eksguard::report
