#include "scan/config.h"

#include <fmt/format.h>

#include <charconv>

#include "common/strings.h"
#include "doc/loader.h"
#include "k8s/image_ref.h"

namespace eksguard::scan {
namespace {

Unexpected<Error> config_error(const std::string& file, const doc::Node& at,
                               std::string_view what) {
  return fail(fmt::format("{}:{}:{}: {}", file, at.position().line, at.position().column, what),
              at.position().line, at.position().column);
}

// A string or a list of strings.
Result<std::vector<std::string>> string_list(const std::string& file, const doc::Node& node,
                                             std::string_view key) {
  std::vector<std::string> values;
  if (node.is_scalar()) {
    for (std::string_view part : split_list(node.text())) values.emplace_back(part);
    return values;
  }
  if (!node.is_sequence())
    return config_error(file, node, fmt::format("{} must be a string or a list of strings", key));
  for (const doc::Node* item : node.items()) {
    if (!item->is_scalar() || item->is_null()) {
      return config_error(file, *item, fmt::format("{} entries must be strings", key));
    }
    values.emplace_back(item->text());
  }
  return values;
}

Result<Exception> parse_exception(const std::string& file, const doc::Node& node, size_t index) {
  if (!node.is_mapping()) return config_error(file, node, "each exception must be a mapping");
  Exception exception;
  exception.file = file;
  exception.position = node.position();
  exception.index = index;
  for (const doc::MapEntry& entry : node.entries()) {
    const std::string_view key = entry.key;
    std::vector<std::string>* list = nullptr;
    if (key == "checks" || key == "check")
      list = &exception.checks;
    else if (key == "namespaces" || key == "namespace")
      list = &exception.namespaces;
    else if (key == "kinds" || key == "kind")
      list = &exception.kinds;
    else if (key == "names" || key == "name")
      list = &exception.names;
    if (list != nullptr) {
      auto values = string_list(file, *entry.value, key);
      if (!values) return Unexpected(values.error());
      *list = std::move(*values);
    } else if (key == "reason") {
      exception.reason = std::string(entry.value->text());
    } else if (key == "expires") {
      exception.expires = parse_date(entry.value->text());
      if (!exception.expires)
        return config_error(file, *entry.value, "expires must be a date YYYY-MM-DD");
    } else {
      return config_error(
          file, *entry.value,
          fmt::format("unknown exception key `{}` (expected checks, namespaces, kinds, names, "
                      "reason, expires)",
                      key));
    }
  }
  for (const std::string& check : exception.checks) {
    if (check != "*" && !find_check(check)) {
      return config_error(file, node, fmt::format("unknown check id `{}` in exception", check));
    }
  }
  return exception;
}

// rbac: {rolesPerSubject: N, subjectsPerNamespace: N}, each a whole number from 1 to 100000.
Status parse_rbac(const std::string& file, const doc::Node& value, Config& config) {
  if (!value.is_mapping())
    return config_error(file, value,
                        "rbac must be a mapping with rolesPerSubject and "
                        "subjectsPerNamespace");
  for (const doc::MapEntry& item : value.entries()) {
    std::optional<size_t>* target = item.key == "rolesPerSubject" ? &config.rbac_roles_per_subject
                                    : item.key == "subjectsPerNamespace"
                                        ? &config.rbac_subjects_per_namespace
                                        : nullptr;
    if (target == nullptr)
      return config_error(file, *item.value,
                          fmt::format("unknown rbac key `{}` (expected rolesPerSubject, "
                                      "subjectsPerNamespace)",
                                      item.key));
    const std::string_view text = item.value->text();
    size_t number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (!item.value->is_number() || ec != std::errc() || end != text.data() + text.size() ||
        number < 1 || number > 100000)
      return config_error(file, *item.value,
                          fmt::format("rbac.{} must be a whole number from 1 to 100000", item.key));
    *target = number;
  }
  return Ok{};
}

Status parse_top_level(const std::string& file, const doc::MapEntry& entry, Config& config) {
  const doc::Node& value = *entry.value;
  const std::string_view key = entry.key;
  if (key == "pss") {
    if (!value.is_mapping())
      return config_error(file, value, "pss must be a mapping with level and version");
    for (const doc::MapEntry& item : value.entries()) {
      if (item.key == "level") {
        config.pss_level = pss::parse_level(item.value->text());
        if (!config.pss_level)
          return config_error(file, *item.value, "pss.level must be baseline or restricted");
      } else if (item.key == "version") {
        config.pss_version = pss::parse_version(item.value->text());
        if (!config.pss_version)
          return config_error(file, *item.value, "pss.version must be v1.N or latest");
      } else {
        return config_error(file, *item.value, fmt::format("unknown pss key `{}`", item.key));
      }
    }
  } else if (key == "failOn") {
    config.fail_on = parse_fail_on(value.text());
    if (!config.fail_on)
      return config_error(file, value, "failOn must be critical, high, medium, low, info or none");
  } else if (key == "allowedRegistries") {
    auto values = string_list(file, value, key);
    if (!values) return Unexpected(values.error());
    for (const std::string& pattern : *values) {
      if (std::string why = k8s::registry_pattern_error(pattern); !why.empty()) {
        return config_error(file, value,
                            fmt::format("allowedRegistries entry `{}`: {}", pattern, why));
      }
    }
    config.allowed_registries = std::move(*values);
  } else if (key == "systemComponents") {
    if (value.text() != "inform" && value.text() != "enforce") {
      return config_error(file, value, "systemComponents must be inform or enforce");
    }
    config.enforce_system_components = value.text() == "enforce";
  } else if (key == "rbac") {
    if (Status status = parse_rbac(file, value, config); !status) return status;
  } else if (key == "exceptions") {
    if (!value.is_sequence() && !value.is_null())
      return config_error(file, value, "exceptions must be a list");
    for (const doc::Node* item : value.items()) {
      auto exception = parse_exception(file, *item, config.exceptions.size());
      if (!exception) return Unexpected(exception.error());
      config.exceptions.push_back(std::move(*exception));
    }
  } else {
    return config_error(file, value,
                        fmt::format("unknown key `{}` (expected pss, failOn, allowedRegistries, "
                                    "systemComponents, rbac, exceptions)",
                                    key));
  }
  return Ok{};
}

}  // namespace

std::optional<FailOn> parse_fail_on(std::string_view text) {
  if (iequals(text, "none") || iequals(text, "never")) return FailOn{false, Severity::kHigh};
  if (auto severity = parse_severity(text)) return FailOn{true, *severity};
  return std::nullopt;
}

Result<Config> parse_config(std::string_view text, const std::string& file) {
  auto documents = doc::load_all(text, file);
  if (!documents) {
    return fail(fmt::format("{}:{}:{}: {}", file, documents.error().line, documents.error().column,
                            documents.error().message),
                documents.error().line, documents.error().column);
  }
  Config config;
  if (documents->empty()) return config;
  if (documents->size() > 1) return fail(fmt::format("{}: expected one YAML document", file));
  const doc::Node& root = *documents->front().root();
  if (!root.is_mapping()) return config_error(file, root, "the config must be a mapping");
  for (const doc::MapEntry& entry : root.entries()) {
    if (Status status = parse_top_level(file, entry, config); !status)
      return Unexpected(status.error());
  }
  // The nodes die with the document: everything kept above is a copy.
  return config;
}

Result<Config> load_config(const std::string& path) {
  auto text = doc::read_input(path, doc::Limits{});
  if (!text) return fail(fmt::format("{}: {}", path, text.error().message));
  return parse_config(text->view(), path);
}

}  // namespace eksguard::scan
