#include "scan/exceptions.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>

#include "common/strings.h"

namespace eksguard::scan {
namespace {

int parse_int(std::string_view text) {
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : -1;
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view text) {
  if (patterns.empty()) return true;
  for (const std::string& pattern : patterns) {
    if (wildcard_match(pattern, text)) return true;
  }
  return false;
}

bool matches(const Exception& exception, const Finding& finding) {
  bool check_matches = exception.checks.empty();
  for (const std::string& check : exception.checks) {
    check_matches |= check == "*" || iequals(check, finding.info().id);
  }
  return check_matches && matches_any(exception.namespaces, finding.resource().namespace_) &&
         matches_any(exception.kinds, finding.resource().kind) &&
         matches_any(exception.names, finding.resource().name);
}

Finding config_finding(CheckId check, const Exception& exception, std::string message) {
  auto subject = std::make_shared<const Subject>(
      Subject{{"eksguard.io/v1", "Exception", "", fmt::format("exceptions[{}]", exception.index)},
              exception.file});
  Finding finding(check, std::move(subject));
  finding.message = std::move(message);
  finding.position = exception.position;
  finding.path = fmt::format("exceptions[{}]", exception.index);
  return finding;
}

std::string describe(const Exception& exception) {
  std::string text =
      exception.checks.empty() ? "all checks" : fmt::format("{}", fmt::join(exception.checks, ","));
  if (!exception.namespaces.empty())
    text += fmt::format(" in namespaces {}", fmt::join(exception.namespaces, ","));
  if (!exception.kinds.empty())
    text += fmt::format(" for kinds {}", fmt::join(exception.kinds, ","));
  if (!exception.names.empty()) text += fmt::format(" named {}", fmt::join(exception.names, ","));
  return text;
}

// An `eksguard.io/ignore` annotation: its node, the check ids and the reason (from
// `eksguard.io/ignore-reason`, or after a `;` in the value).
struct IgnoreAnnotation {
  const doc::Node* node = nullptr;
  std::string_view ids;
  std::string reason;
};

std::optional<IgnoreAnnotation> read_ignore(const doc::Node* metadata) {
  if (metadata == nullptr || !metadata->is_mapping()) return std::nullopt;
  const doc::Node* annotations = metadata->get("annotations");
  if (annotations == nullptr) return std::nullopt;
  const doc::Node* ignore = annotations->get(kIgnoreAnnotation);
  if (ignore == nullptr || !ignore->is_scalar()) return std::nullopt;
  IgnoreAnnotation out{ignore, ignore->text(),
                       std::string(trim(annotations->string_at(kIgnoreReasonAnnotation)))};
  if (const size_t semicolon = out.ids.find(';'); semicolon != std::string_view::npos) {
    if (out.reason.empty()) out.reason = std::string(trim(out.ids.substr(semicolon + 1)));
    out.ids = out.ids.substr(0, semicolon);
  }
  return out;
}

bool suppresses(const DeferredIgnore& ignore, const Finding& finding) {
  const k8s::ObjectRef& ref = finding.resource();
  // Roles and RoleBindings without a namespace live in `default` (as the RBAC model reads them).
  const bool same_namespace = ref.namespace_ == ignore.ref.namespace_ ||
                              (ignore.ref.namespace_.empty() && ref.namespace_ == "default");
  if (ref.kind != ignore.ref.kind || ref.name != ignore.ref.name || !same_namespace ||
      finding.file() != ignore.file)
    return false;
  return std::any_of(ignore.checks.begin(), ignore.checks.end(), [&](const std::string& id) {
    return id == "*" || iequals(id, "all") || iequals(id, finding.info().id);
  });
}

}  // namespace

std::optional<DeferredIgnore> defer_ignore_annotation(const k8s::Object& object) {
  const auto annotation = read_ignore(object.metadata);
  if (!annotation) return std::nullopt;
  DeferredIgnore out{object.ref, std::string(object.file), {}, {}};
  for (std::string_view id : split_list(annotation->ids)) out.checks.emplace_back(id);
  out.source = fmt::format("annotation {} at {}:{}{}", kIgnoreAnnotation, object.file,
                           annotation->node->position().line,
                           annotation->reason.empty() ? "" : ": " + annotation->reason);
  return out;
}

void apply_deferred_ignores(const std::vector<DeferredIgnore>& ignores,
                            std::vector<Finding>& findings, size_t first) {
  if (ignores.empty()) return;
  for (size_t i = first; i < findings.size(); ++i) {
    Finding& finding = findings[i];
    for (const DeferredIgnore& ignore : ignores) {
      if (finding.suppressed || !suppresses(ignore, finding)) continue;
      finding.suppressed = true;
      finding.set_suppression(ignore.source);
    }
  }
}

std::optional<Date> parse_date(std::string_view text) {
  text = trim(text);
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const Date date{parse_int(text.substr(0, 4)), parse_int(text.substr(5, 2)),
                  parse_int(text.substr(8, 2))};
  if (date.year < 1970 || date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31)
    return std::nullopt;
  return date;
}

Date today_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return Date{utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday};
}

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Iterative glob with '*' only; backtracks to the last star.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

void apply_annotations(const k8s::Object& object, const k8s::PodTemplate* pod,
                       std::vector<Finding>& findings, size_t first) {
  // For a Pod both are the same node; look at it once.
  const doc::Node* template_metadata = pod != nullptr ? pod->metadata : nullptr;
  const doc::Node* holders[2] = {
      object.metadata, template_metadata != object.metadata ? template_metadata : nullptr};
  for (const doc::Node* metadata : holders) {
    const auto annotation = read_ignore(metadata);
    if (!annotation) continue;
    const doc::Node* ignore = annotation->node;
    const std::string_view value = annotation->ids;
    const std::string& reason = annotation->reason;
    const std::string source =
        fmt::format("annotation {} at {}:{}{}", kIgnoreAnnotation, object.file,
                    ignore->position().line, reason.empty() ? "" : ": " + reason);
    const size_t end = findings.size();
    for (std::string_view id : split_list(value)) {
      const bool all = id == "*" || iequals(id, "all");
      if (!all && !find_check(id).has_value()) {
        Finding& unknown = findings.emplace_back(
            CheckId::kCfgExceptionUnused,
            std::make_shared<const Subject>(Subject{object.ref, std::string(object.file)}));
        unknown.message = fmt::format("{} names unknown check `{}`", kIgnoreAnnotation, id);
        unknown.position = ignore->position();
        unknown.path = "metadata.annotations";
        continue;
      }
      for (size_t i = first; i < end; ++i) {
        Finding& finding = findings[i];
        if (finding.suppressed || !(all || iequals(id, finding.info().id))) continue;
        finding.suppressed = true;
        finding.set_suppression(source);
      }
    }
  }
}

void apply_exceptions(const std::vector<Exception>& exceptions, Date today,
                      std::vector<Finding>& findings) {
  const size_t resource_findings = findings.size();
  for (const Exception& exception : exceptions) {
    if (exception.expires.has_value() && exception.expires->key() < today.key()) {
      findings.push_back(config_finding(
          CheckId::kCfgExceptionExpired, exception,
          fmt::format(
              "exception for {} expired on {:04}-{:02}-{:02}; its findings are reported again",
              describe(exception), exception.expires->year, exception.expires->month,
              exception.expires->day)));
      continue;
    }
    size_t used = 0;
    for (size_t i = 0; i < resource_findings; ++i) {
      Finding& finding = findings[i];
      if (finding.info().family == "config" || !matches(exception, finding)) continue;
      ++used;
      if (finding.suppressed) continue;
      finding.suppressed = true;
      finding.set_suppression(fmt::format("exception {}:{}{}", exception.file,
                                          exception.position.line,
                                          exception.reason.empty() ? "" : ": " + exception.reason));
    }
    if (used == 0) {
      findings.push_back(
          config_finding(CheckId::kCfgExceptionUnused, exception,
                         fmt::format("exception for {} matches no finding", describe(exception))));
    }
  }
}

}  // namespace eksguard::scan
