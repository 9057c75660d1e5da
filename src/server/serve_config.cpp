#include "server/serve_config.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "common/strings.h"
#include "doc/loader.h"

namespace eksguard::server {
namespace {

using doc::MapEntry;
using doc::Node;

// A config file is small; anything bigger is a mistake.
constexpr size_t kMaxConfigBytes = size_t{1} << 20;

class ConfigReader {
 public:
  explicit ConfigReader(const std::string& file) : file_(file) {}

  Unexpected<Error> error(const Node& at, std::string_view what) const {
    return fail(fmt::format("{}:{}:{}: {}", file_, at.position().line, at.position().column, what),
                at.position().line, at.position().column);
  }

  Result<std::string> string(const Node& node, std::string_view key) const {
    const auto text = node.as_string();
    if (!text || text->empty())
      return error(node, fmt::format("{} must be a non-empty string", key));
    return std::string(*text);
  }

  Result<bool> boolean(const Node& node, std::string_view key) const {
    const auto value = node.as_bool();
    if (!value) return error(node, fmt::format("{} must be true or false", key));
    return *value;
  }

  Result<uint64_t> count(const Node& node, std::string_view key, uint64_t min, uint64_t max) const {
    const auto value = node.as_int();
    if (!value || *value < 0 || static_cast<uint64_t>(*value) < min ||
        static_cast<uint64_t>(*value) > max)
      return error(node, fmt::format("{} must be a whole number from {} to {}", key, min, max));
    return static_cast<uint64_t>(*value);
  }

  Result<std::chrono::milliseconds> duration(const Node& node, std::string_view key) const {
    const auto value = node.is_scalar() ? parse_duration(node.text()) : std::nullopt;
    if (!value)
      return error(node, fmt::format("{} must be a duration such as 250ms, 30s or 2m", key));
    return *value;
  }

  Result<std::vector<std::string>> strings(const Node& node, std::string_view key) const {
    if (!node.is_sequence() && !node.is_null())
      return error(node, fmt::format("{} must be a list of strings", key));
    std::vector<std::string> values;
    for (const Node* item : node.items()) {
      auto value = string(*item, fmt::format("each entry of {}", key));
      if (!value) return Unexpected(value.error());
      values.push_back(std::move(*value));
    }
    return values;
  }

  Result<bool> fail_closed(const Node& node, std::string_view key) const {
    if (node.text() == "closed") return true;
    if (node.text() == "open") return false;
    return error(node, fmt::format("{} must be open or closed", key));
  }

  Status mapping(const Node& node, std::string_view key) const {
    if (!node.is_mapping()) return error(node, fmt::format("{} must be a mapping", key));
    return Ok{};
  }

  Unexpected<Error> unknown(const MapEntry& entry, std::string_view where,
                            std::string_view expected) const {
    return error(*entry.value,
                 fmt::format("unknown key `{}`{} (expected {})", entry.key, where, expected));
  }

 private:
  const std::string& file_;
};

template <typename T, typename Target>
Status assign(Result<T> value, Target& target) {
  if (!value) return Unexpected(value.error());
  target = std::move(*value);
  return Ok{};
}

Status apply_tls(const ConfigReader& reader, const Node& node, ServeConfig& config) {
  if (Status ok = reader.mapping(node, "tls"); !ok) return ok;
  for (const MapEntry& entry : node.entries()) {
    const Node& value = *entry.value;
    Status status = Ok{};
    if (entry.key == "certFile")
      status = assign(reader.string(value, "tls.certFile"), config.server.tls_cert_file);
    else if (entry.key == "keyFile")
      status = assign(reader.string(value, "tls.keyFile"), config.server.tls_key_file);
    else if (entry.key == "reloadInterval")
      status =
          assign(reader.duration(value, "tls.reloadInterval"), config.server.tls_reload_interval);
    else
      return reader.unknown(entry, " in tls", "certFile, keyFile, reloadInterval");
    if (!status) return status;
  }
  return Ok{};
}

Status apply_timeouts(const ConfigReader& reader, const Node& node, ServeConfig& config) {
  if (Status ok = reader.mapping(node, "timeouts"); !ok) return ok;
  ServerOptions& server = config.server;
  for (const MapEntry& entry : node.entries()) {
    std::chrono::milliseconds* target = nullptr;
    if (entry.key == "handshake") target = &server.handshake_timeout;
    if (entry.key == "header") target = &server.header_timeout;
    if (entry.key == "body") target = &server.body_timeout;
    if (entry.key == "write") target = &server.write_timeout;
    if (entry.key == "idle") target = &server.idle_timeout;
    if (entry.key == "shutdown") target = &server.shutdown_timeout;
    if (target == nullptr)
      return reader.unknown(entry, " in timeouts",
                            "handshake, header, body, write, idle, shutdown");
    auto value = reader.duration(*entry.value, fmt::format("timeouts.{}", entry.key));
    if (!value) return Unexpected(value.error());
    if (value->count() <= 0)
      return reader.error(*entry.value, fmt::format("timeouts.{} must be positive", entry.key));
    *target = *value;
  }
  return Ok{};
}

Status apply_break_glass(const ConfigReader& reader, const Node& node, ServeConfig& config) {
  if (Status ok = reader.mapping(node, "breakGlass"); !ok) return ok;
  for (const MapEntry& entry : node.entries()) {
    Status status = Ok{};
    if (entry.key == "users")
      status = assign(reader.strings(*entry.value, "breakGlass.users"), config.break_glass_users);
    else if (entry.key == "groups")
      status = assign(reader.strings(*entry.value, "breakGlass.groups"), config.break_glass_groups);
    else
      return reader.unknown(entry, " in breakGlass", "users, groups");
    if (!status) return status;
  }
  return Ok{};
}

Status apply_authorization(const ConfigReader& reader, const Node& node, ServeConfig& config) {
  if (Status ok = reader.mapping(node, "authorization"); !ok) return ok;
  for (const MapEntry& entry : node.entries()) {
    const Node& value = *entry.value;
    if (entry.key == "default") {
      if (value.text() != "no-opinion" && value.text() != "deny")
        return reader.error(value, "authorization.default must be no-opinion or deny");
      config.authorization_default_deny = value.text() == "deny";
    } else if (entry.key == "failMode") {
      if (Status status = assign(reader.fail_closed(value, "authorization.failMode"),
                                 config.authorization_fail_closed);
          !status)
        return status;
    } else {
      return reader.unknown(entry, " in authorization", "default, failMode");
    }
  }
  return Ok{};
}

Status apply_admission(const ConfigReader& reader, const Node& node, ServeConfig& config) {
  if (Status ok = reader.mapping(node, "admission"); !ok) return ok;
  for (const MapEntry& entry : node.entries()) {
    if (entry.key != "failMode") return reader.unknown(entry, " in admission", "failMode");
    if (Status status = assign(reader.fail_closed(*entry.value, "admission.failMode"),
                               config.admission_fail_closed);
        !status)
      return status;
  }
  return Ok{};
}

Status apply_entry(const ConfigReader& reader, const MapEntry& entry, ServeConfig& config) {
  const Node& value = *entry.value;
  const std::string_view key = entry.key;
  ServerOptions& server = config.server;
  if (key == "listen") {
    auto text = reader.string(value, "listen");
    if (!text) return Unexpected(text.error());
    if (Status status = parse_listen_address(*text, server); !status)
      return reader.error(value, status.error().message);
    return Ok{};
  }
  if (key == "policies") return assign(reader.string(value, key), config.policy_dir);
  if (key == "tls") return apply_tls(reader, value, config);
  if (key == "threads") return assign(reader.count(value, key, 0, 1024), server.threads);
  if (key == "maxBodyBytes")
    return assign(reader.count(value, key, 1024, uint64_t{1} << 30), server.max_body_bytes);
  if (key == "maxHeaderBytes")
    return assign(reader.count(value, key, 1024, uint64_t{1} << 20), server.max_header_bytes);
  if (key == "maxConnections")
    return assign(reader.count(value, key, 1, 1'000'000), server.max_connections);
  if (key == "timeouts") return apply_timeouts(reader, value, config);
  if (key == "policyPollInterval")
    return assign(reader.duration(value, key), config.policy_poll_interval);
  if (key == "logLevel") {
    const auto level = parse_log_level(value.text());
    if (!level) return reader.error(value, "logLevel must be info, warn or error");
    config.log_level = *level;
    return Ok{};
  }
  if (key == "policyValidation") {
    if (value.text() != "strict" && value.text() != "warn" && value.text() != "off")
      return reader.error(value, "policyValidation must be strict, warn or off");
    config.policy_validation = std::string(value.text());
    return Ok{};
  }
  if (key == "validatePolicies") {  // deprecated: true = strict, false = off
    auto validate = reader.boolean(value, key);
    if (!validate) return Unexpected(validate.error());
    config.policy_validation = *validate ? "strict" : "off";
    return Ok{};
  }
  if (key == "schemaFiles") return assign(reader.strings(value, key), config.schema_files);
  if (key == "breakGlass") return apply_break_glass(reader, value, config);
  if (key == "authorization") return apply_authorization(reader, value, config);
  if (key == "admission") return apply_admission(reader, value, config);
  return reader.unknown(entry, "",
                        "listen, policies, tls, threads, maxBodyBytes, maxHeaderBytes, "
                        "maxConnections, timeouts, policyPollInterval, logLevel, "
                        "policyValidation, schemaFiles, validatePolicies, breakGlass, "
                        "authorization, admission");
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  text = trim(text);
  uint64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  const std::string_view unit = text.substr(static_cast<size_t>(end - text.data()));
  uint64_t scale = 0;
  if (unit == "ms") scale = 1;
  if (unit == "s") scale = 1000;
  if (unit == "m") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  // Up to a week: longer is surely a mistake, and the product cannot overflow.
  if (scale == 0 || number > 7 * 24 * 3'600'000 / scale) return std::nullopt;
  return std::chrono::milliseconds(number * scale);
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn" || text == "warning") return LogLevel::kWarn;
  if (text == "error") return LogLevel::kError;
  return std::nullopt;
}

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

Status apply_serve_config(std::string_view text, const std::string& file, ServeConfig& config) {
  doc::Limits limits;
  limits.max_input_bytes = kMaxConfigBytes;
  limits.max_document_bytes = kMaxConfigBytes;
  limits.max_depth = 16;
  auto documents = doc::load_all(text, file, limits);
  if (!documents) {
    return fail(fmt::format("{}:{}:{}: {}", file, documents.error().line, documents.error().column,
                            documents.error().message),
                documents.error().line, documents.error().column);
  }
  if (documents->empty()) return Ok{};
  if (documents->size() > 1) return fail(fmt::format("{}: expected one YAML document", file));
  const Node& root = *documents->front().root();
  if (root.is_null()) return Ok{};
  const ConfigReader reader(file);
  if (!root.is_mapping()) return reader.error(root, "the serve configuration must be a mapping");
  for (const MapEntry& entry : root.entries()) {
    if (Status status = apply_entry(reader, entry, config); !status) return status;
  }
  return Ok{};
}

Status load_serve_config(const std::string& path, ServeConfig& config) {
  doc::Limits limits;
  limits.max_input_bytes = kMaxConfigBytes;
  auto text = doc::read_input(path, limits);
  if (!text) return fail(fmt::format("{}: {}", path, text.error().message));
  return apply_serve_config(text->view(), path, config);
}

}  // namespace eksguard::server
