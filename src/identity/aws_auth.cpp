#include "identity/aws_auth.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "common/strings.h"
#include "identity/arn.h"

namespace eksguard::identity {
namespace {

constexpr std::array<std::string_view, 3> kSectionKeys{"mapRoles", "mapUsers", "mapAccounts"};

// Maps positions inside a section's text back to the ConfigMap's file. A block scalar
// (`mapRoles: |`) starts on the line after its indicator, shifted by the block's indentation;
// a quoted or JSON string has no such correspondence, so everything maps to the value itself.
class SectionLocator {
 public:
  SectionLocator(std::string file, const doc::Node& value, std::string path,
                 std::string_view source)
      : file_(std::move(file)), value_(value.position()), path_(std::move(path)) {
    find_block_indent(source);
  }

  Origin at(doc::Position inner, std::string_view suffix) const {
    Origin origin{file_, value_, path_ + std::string(suffix)};
    if (block_ && inner.line > 0) {
      origin.position = {value_.line + inner.line, inner.column + indent_};
    }
    return origin;
  }
  Origin whole() const { return Origin{file_, value_, path_}; }
  // "line N of the section" for messages when positions cannot point inside it.
  std::string where(doc::Position inner) const {
    return block_ ? std::string() : fmt::format(" (line {} of the text)", inner.line);
  }

 private:
  void find_block_indent(std::string_view source) {
    if (source.empty() || value_.line == 0) return;
    size_t offset = 0;
    for (uint32_t line = 1; line < value_.line; ++line) {
      offset = source.find('\n', offset);
      if (offset == std::string_view::npos) return;
      ++offset;
    }
    const size_t at = offset + value_.column - 1;
    if (at >= source.size() || (source[at] != '|' && source[at] != '>')) return;
    // The first non-blank line after the indicator sets the indentation.
    size_t line_start = source.find('\n', at);
    while (line_start != std::string_view::npos) {
      ++line_start;
      size_t column = 0;
      while (line_start + column < source.size() && source[line_start + column] == ' ') ++column;
      const size_t end = line_start + column;
      if (end >= source.size()) return;
      if (source[end] != '\n' && source[end] != '\r') {
        block_ = true;
        indent_ = static_cast<uint32_t>(column);
        return;
      }
      line_start = source.find('\n', end);
    }
  }

  std::string file_;
  doc::Position value_;
  std::string path_;
  bool block_ = false;
  uint32_t indent_ = 0;
};

class Parser {
 public:
  Parser(AwsAuth& out, const doc::Limits& limits) : out_(out), limits_(limits) {}

  void section(Section which, const doc::Node& value, const SectionLocator& locator);

 private:
  void diagnose(AwsAuthProblem problem, std::string_view code, std::string message, Origin origin) {
    out_.diagnostics.push_back(
        AwsAuthDiagnostic{problem, std::string(code), std::move(message), std::move(origin)});
  }
  void mapping_item(Section which, size_t index, const doc::Node& item,
                    const SectionLocator& locator);
  void account_item(size_t index, const doc::Node& item, const SectionLocator& locator);
  std::string string_field(const doc::Node& value, std::string_view what,
                           const SectionLocator& locator, const std::string& path);
  void groups_field(const doc::Node& value, std::string_view what, AwsAuthMapping& mapping,
                    const SectionLocator& locator, const std::string& path);
  std::optional<SsoMatcher> sso_field(const doc::Node& value, const SectionLocator& locator,
                                      const std::string& path);
  bool validate(const AwsAuthMapping& mapping, doc::Position item, const SectionLocator& locator);

  AwsAuth& out_;
  const doc::Limits& limits_;
};

// Go's encoding/json matches object keys to struct fields ignoring case; YAML→JSON conversion
// sorts the keys, so when two spellings of one field are present the one sorting last wins.
struct FieldPick {
  std::string_view field;
  const doc::MapEntry* entry = nullptr;
  std::vector<std::string_view> spellings;
};

std::string describe_node(const doc::Node& node) {
  return std::string(doc::describe(node.kind()));
}

bool is_skippable(std::string_view text) {
  const std::string_view trimmed = trim(text);
  return trimmed.empty() || trimmed == "``" || trimmed == "\"\"";
}

bool is_account_id(std::string_view text) {
  return text.size() == 12 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ^[\w+=,.@-]{1,32}$ as the authenticator validates permission set names.
bool is_permission_set_name(std::string_view text) {
  return !text.empty() && text.size() <= 32 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("_+=,.@-").find(c) != std::string_view::npos;
  });
}

std::string_view suggest_key(Section which, std::string_view key) {
  if (which == Section::kMapRoles && iequals(key, "userarn"))
    return " (mapRoles items take rolearn)";
  if (which == Section::kMapUsers && iequals(key, "rolearn"))
    return " (mapUsers items take userarn)";
  if (iequals(key, "group")) return " (did you mean groups?)";
  if (iequals(key, "user") || iequals(key, "user_name")) return " (did you mean username?)";
  if (iequals(key, "role_arn") || iequals(key, "arn")) return " (did you mean rolearn or userarn?)";
  return "";
}

void Parser::section(Section which, const doc::Node& value, const SectionLocator& locator) {
  const std::string name(section_name(which));
  if (!value.is_string()) {
    // A list written without `|` is not a string: the API server rejects the ConfigMap.
    diagnose(AwsAuthProblem::kSectionShape, "aws-auth.section.not-a-string",
             fmt::format("data.{} is {}, expected a string (write `{}: |` followed by the YAML "
                         "list); the API server rejects this ConfigMap",
                         name, describe_node(value), name),
             locator.whole());
    return;
  }
  const std::string_view text = value.text();
  if (is_skippable(text)) return;
  out_.has_section[static_cast<size_t>(which)] = true;
  auto documents = doc::load_all(text, "aws-auth", limits_);
  if (!documents) {
    const doc::Position inner{documents.error().line, documents.error().column};
    diagnose(AwsAuthProblem::kSectionSyntax, "aws-auth.section.syntax",
             fmt::format("{} does not parse{}: {}; the authenticator ignores the whole section, "
                         "so none of its mappings apply (lockout risk)",
                         name, locator.where(inner), documents.error().message),
             locator.at(inner, ""));
    return;
  }
  if (documents->empty()) return;
  if (documents->size() > 1) {
    diagnose(
        AwsAuthProblem::kFieldIgnored, "aws-auth.section.extra-document",
        fmt::format("{} holds {} YAML documents; only the first is read", name, documents->size()),
        locator.whole());
  }
  const doc::Node& root = *documents->front().root();
  if (root.is_null()) return;
  if (!root.is_sequence()) {
    diagnose(AwsAuthProblem::kSectionShape, "aws-auth.section.not-a-list",
             fmt::format("{} is {}, expected a list of mappings; the authenticator ignores the "
                         "whole section",
                         name, describe_node(root)),
             locator.at(root.position(), ""));
    return;
  }
  size_t index = 0;
  for (const doc::Node* item : root.items()) {
    if (which == Section::kMapAccounts) {
      account_item(index++, *item, locator);
    } else {
      mapping_item(which, index++, *item, locator);
    }
  }
}

std::string Parser::string_field(const doc::Node& value, std::string_view what,
                                 const SectionLocator& locator, const std::string& path) {
  if (value.is_string()) return std::string(value.text());
  if (value.is_null()) return {};
  diagnose(AwsAuthProblem::kFieldIgnored, "aws-auth.field.ignored",
           fmt::format("{} is {}, expected a string; the authenticator reads it as empty{}", what,
                       describe_node(value), locator.where(value.position())),
           locator.at(value.position(), path));
  return {};
}

void Parser::groups_field(const doc::Node& value, std::string_view what, AwsAuthMapping& mapping,
                          const SectionLocator& locator, const std::string& path) {
  if (value.is_null()) return;
  if (!value.is_sequence()) {
    diagnose(AwsAuthProblem::kFieldIgnored, "aws-auth.field.ignored",
             fmt::format("{} is {}, expected a list; the authenticator ignores it, so this "
                         "principal gets no groups{}",
                         what, describe_node(value), locator.where(value.position())),
             locator.at(value.position(), path));
    return;
  }
  size_t index = 0;
  for (const doc::Node* group : value.items()) {
    const std::string group_path = fmt::format("{}[{}]", path, index++);
    mapping.groups.push_back(
        string_field(*group, fmt::format("{}[{}]", what, index - 1), locator, group_path));
    mapping.group_origins.push_back(locator.at(group->position(), group_path));
  }
}

std::optional<SsoMatcher> Parser::sso_field(const doc::Node& value, const SectionLocator& locator,
                                            const std::string& path) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_mapping()) {
    diagnose(AwsAuthProblem::kFieldIgnored, "aws-auth.field.ignored",
             fmt::format("sso is {}, expected a mapping; the authenticator ignores it{}",
                         describe_node(value), locator.where(value.position())),
             locator.at(value.position(), path));
    return std::nullopt;
  }
  SsoMatcher sso;
  for (const doc::MapEntry& entry : value.entries()) {
    const std::string field_path = path + "." + std::string(entry.key);
    std::string* target = iequals(entry.key, "permissionSetName") ? &sso.permission_set_name
                          : iequals(entry.key, "accountID")       ? &sso.account_id
                          : iequals(entry.key, "partition")       ? &sso.partition
                                                                  : nullptr;
    if (target == nullptr) {
      diagnose(AwsAuthProblem::kIgnoredKey, "aws-auth.key.unknown",
               fmt::format("sso key `{}` is not read by the authenticator (keys: "
                           "permissionSetName, accountID, partition){}",
                           entry.key, locator.where(entry.key_position)),
               locator.at(entry.key_position, field_path));
      continue;
    }
    *target = string_field(*entry.value, "sso." + std::string(entry.key), locator, field_path);
  }
  return sso;
}

bool Parser::validate(const AwsAuthMapping& mapping, doc::Position item,
                      const SectionLocator& locator) {
  std::string problem;
  if (mapping.section == Section::kMapUsers) {
    if (mapping.arn.empty()) problem = "it has no userarn";
  } else if (mapping.arn.empty() && !mapping.sso) {
    problem = "it has neither rolearn nor sso";
  } else if (!mapping.arn.empty() && mapping.sso) {
    problem = "it has both rolearn and sso";
  } else if (mapping.sso) {
    if (!is_account_id(mapping.sso->account_id)) {
      problem =
          fmt::format("sso.accountID `{}` is not a 12-digit account id", mapping.sso->account_id);
    } else if (!is_permission_set_name(mapping.sso->permission_set_name)) {
      problem = fmt::format("sso.permissionSetName `{}` is not a permission set name",
                            mapping.sso->permission_set_name);
    } else if (!mapping.sso->partition.empty() && !is_known_partition(mapping.sso->partition)) {
      problem = fmt::format("sso.partition `{}` is not an AWS partition", mapping.sso->partition);
    }
  }
  if (problem.empty()) return true;
  diagnose(AwsAuthProblem::kItemDropped, "aws-auth.item.dropped",
           fmt::format("{} item {} is ignored by the authenticator: {}{}",
                       section_name(mapping.section), mapping.index, problem, locator.where(item)),
           mapping.origin);
  return false;
}

void Parser::mapping_item(Section which, size_t index, const doc::Node& item,
                          const SectionLocator& locator) {
  const std::string path = fmt::format("[{}]", index);
  AwsAuthMapping mapping;
  mapping.section = which;
  mapping.index = index;
  mapping.origin = locator.at(item.position(), path);
  mapping.arn_origin = mapping.username_origin = mapping.origin;
  if (!item.is_mapping() && !item.is_null()) {
    diagnose(AwsAuthProblem::kItemDropped, "aws-auth.item.dropped",
             fmt::format("{} item {} is {}, expected a mapping; the authenticator ignores it{}",
                         section_name(which), index, describe_node(item),
                         locator.where(item.position())),
             mapping.origin);
    return;
  }
  const bool roles = which == Section::kMapRoles;
  std::array<FieldPick, 5> fields;
  const std::array<std::string_view, 5> names{roles ? "rolearn" : "userarn", "username", "groups",
                                              "userid", roles ? "sso" : ""};
  for (size_t i = 0; i < fields.size(); ++i) fields[i].field = names[i];
  for (const doc::MapEntry& entry : item.entries()) {
    FieldPick* pick = nullptr;
    for (FieldPick& field : fields)
      if (!field.field.empty() && iequals(field.field, entry.key)) pick = &field;
    if (pick == nullptr) {
      diagnose(AwsAuthProblem::kIgnoredKey, "aws-auth.key.unknown",
               fmt::format("{} item {}: key `{}` is not read by the authenticator{}{}",
                           section_name(which), index, entry.key, suggest_key(which, entry.key),
                           locator.where(entry.key_position)),
               locator.at(entry.key_position, path + "." + std::string(entry.key)));
      continue;
    }
    pick->spellings.push_back(entry.key);
    if (pick->entry == nullptr || entry.key > pick->entry->key) pick->entry = &entry;
  }
  for (const FieldPick& field : fields) {
    if (field.spellings.size() < 2) continue;
    diagnose(AwsAuthProblem::kIgnoredKey, "aws-auth.key.repeated",
             fmt::format("{} item {} sets {} {} times with different spellings; only `{}` is "
                         "used{}",
                         section_name(which), index, field.field, field.spellings.size(),
                         field.entry->key, locator.where(field.entry->key_position)),
             locator.at(field.entry->key_position, path));
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    const doc::MapEntry* entry = fields[i].entry;
    if (entry == nullptr) continue;
    const std::string field_path = path + "." + std::string(entry->key);
    const std::string what = fmt::format("{} item {}: {}", section_name(which), index, entry->key);
    const Origin origin = locator.at(entry->value->position(), field_path);
    switch (i) {
      case 0:
        mapping.arn = string_field(*entry->value, what, locator, field_path);
        mapping.arn_origin = origin;
        break;
      case 1:
        mapping.username = string_field(*entry->value, what, locator, field_path);
        mapping.username_origin = origin;
        break;
      case 2:
        groups_field(*entry->value, what, mapping, locator, field_path);
        break;
      case 3:
        (void)string_field(*entry->value, what, locator, field_path);
        break;
      default:
        mapping.sso = sso_field(*entry->value, locator, field_path);
        if (mapping.sso) mapping.arn_origin = origin;
        break;
    }
  }
  if (!validate(mapping, item.position(), locator)) return;
  if (mapping.sso) {
    const std::string partition = mapping.sso->partition.empty() ? "aws" : mapping.sso->partition;
    mapping.key = to_lower(fmt::format("arn:{}:iam::{}:role/AWSReservedSSO_{}_*", partition,
                                       mapping.sso->account_id, mapping.sso->permission_set_name));
  } else {
    mapping.key = roles ? to_lower(mapping.arn) : mapping.arn;
  }
  (roles ? out_.roles : out_.users).push_back(std::move(mapping));
}

void Parser::account_item(size_t index, const doc::Node& item, const SectionLocator& locator) {
  const std::string path = fmt::format("[{}]", index);
  // yaml.v2 decodes any scalar into a string by its text (an unquoted 12-digit id works).
  if (!item.is_scalar() || item.is_null()) {
    if (!item.is_null()) {
      diagnose(AwsAuthProblem::kFieldIgnored, "aws-auth.field.ignored",
               fmt::format("mapAccounts item {} is {}, expected an account id{}", index,
                           describe_node(item), locator.where(item.position())),
               locator.at(item.position(), path));
    }
    return;
  }
  out_.accounts.push_back(
      AccountMapping{std::string(item.text()), locator.at(item.position(), path)});
}

// A later role mapping with the same key replaces an earlier one (a map keyed by the
// lower-cased ARN); user mappings are keyed by the ARN as written.
void mark_replaced(std::vector<AwsAuthMapping>& mappings) {
  std::map<std::string, size_t> last;
  for (size_t i = 0; i < mappings.size(); ++i) last[mappings[i].key] = i;
  for (size_t i = 0; i < mappings.size(); ++i) mappings[i].effective = last[mappings[i].key] == i;
}

}  // namespace

std::string_view section_name(Section section) {
  return kSectionKeys[static_cast<size_t>(section)];
}

bool is_aws_auth(const k8s::Object& object) {
  return object.ref.kind == "ConfigMap" && object.ref.name == "aws-auth" &&
         (object.ref.namespace_ == "kube-system" || object.ref.namespace_.empty());
}

AwsAuth parse_aws_auth(const k8s::Object& object, std::string_view source,
                       const doc::Limits& limits) {
  AwsAuth out;
  out.ref = object.ref;
  out.origin = Origin{std::string(object.file), object.root->position(), object.path_prefix};
  const doc::Node* data = object.root->get("data");
  if (data == nullptr || data->is_null()) return out;
  const std::string data_path = k8s::join_path(object.path_prefix, "data");
  if (!data->is_mapping()) {
    out.diagnostics.push_back(AwsAuthDiagnostic{
        AwsAuthProblem::kSectionShape, "aws-auth.data.not-a-mapping",
        fmt::format("data is {}, expected a mapping of strings", describe_node(*data)),
        Origin{std::string(object.file), data->position(), data_path}});
    return out;
  }
  Parser parser(out, limits);
  for (const doc::MapEntry& entry : data->entries()) {
    const std::string path = data_path + "." + std::string(entry.key);
    bool known = false;
    for (size_t i = 0; i < kSectionKeys.size(); ++i) {
      if (entry.key == kSectionKeys[i]) {
        known = true;
        parser.section(static_cast<Section>(i), *entry.value,
                       SectionLocator(std::string(object.file), *entry.value, path, source));
      } else if (iequals(entry.key, kSectionKeys[i])) {
        known = true;
        out.diagnostics.push_back(AwsAuthDiagnostic{
            AwsAuthProblem::kIgnoredKey, "aws-auth.key.case",
            fmt::format("data key `{}` is ignored: the authenticator reads only `{}` (data keys "
                        "are case-sensitive), so these mappings do not apply",
                        entry.key, kSectionKeys[i]),
            Origin{std::string(object.file), entry.key_position, path}});
      }
    }
    // A misspelt section (mapRole, map_roles) is as silent as a wrong case.
    if (!known && (entry.key.starts_with("map") || entry.key.starts_with("Map"))) {
      out.diagnostics.push_back(AwsAuthDiagnostic{
          AwsAuthProblem::kIgnoredKey, "aws-auth.key.unknown",
          fmt::format("data key `{}` is not read by the authenticator (it reads mapRoles, "
                      "mapUsers and mapAccounts)",
                      entry.key),
          Origin{std::string(object.file), entry.key_position, path}});
    }
  }
  mark_replaced(out.roles);
  mark_replaced(out.users);
  return out;
}

}  // namespace eksguard::identity
