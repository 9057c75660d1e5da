#include "identity/iam_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "doc/loader.h"
#include "identity/arn.h"

namespace eksguard::identity {
namespace {

constexpr size_t kMaxDecodedPolicy = size_t{1} << 20;  // IAM's own limit is far lower

class PolicyReader {
 public:
  PolicyReader(std::string_view file, std::vector<InputError>& errors,
               std::optional<doc::Position> fixed)
      : file_(file), errors_(errors), fixed_(fixed) {}

  PolicyDocument read(const doc::Node& root, std::string_view path) {
    PolicyDocument policy;
    policy.origin = origin(root, std::string(path));
    if (!root.is_mapping()) {
      error(root, fmt::format("{} is {}, expected a policy object", display(path),
                              doc::describe(root.kind(), true)));
      return policy;
    }
    if (const doc::Node* version = root.get("Version"); version && version->is_string())
      policy.version = std::string(version->text());
    const doc::Node* statements = root.get("Statement");
    const std::string base = join(path, "Statement");
    if (statements == nullptr) {
      error(root, fmt::format("{} has no Statement", display(path)));
    } else if (statements->is_mapping()) {
      read_statement(*statements, base, policy);
    } else if (statements->is_sequence()) {
      size_t index = 0;
      for (const doc::Node* item : statements->items())
        read_statement(*item, fmt::format("{}[{}]", base, index++), policy);
    } else {
      error(*statements, fmt::format("{} is {}, expected an object or an array", base,
                                     doc::describe(statements->kind(), true)));
    }
    return policy;
  }

 private:
  static std::string join(std::string_view path, std::string_view field) {
    return path.empty() ? std::string(field) : fmt::format("{}.{}", path, field);
  }
  static std::string_view display(std::string_view path) { return path.empty() ? "$" : path; }

  Origin origin(const doc::Node& node, std::string path) const {
    return Origin{std::string(file_), fixed_.value_or(node.position()), std::move(path)};
  }

  void error(const doc::Node& at, std::string message) {
    const doc::Position position = fixed_.value_or(at.position());
    errors_.push_back(
        InputError{std::string(file_), position.line, position.column, std::move(message)});
  }

  // A string or an array of strings; anything else is an error.
  std::vector<PolicyValue> strings(const doc::Node& node, const std::string& path) {
    std::vector<PolicyValue> out;
    auto take = [&](const doc::Node& item, std::string item_path) {
      if (item.is_string()) {
        out.push_back(PolicyValue{std::string(item.text()), origin(item, std::move(item_path))});
      } else if (item.is_scalar()) {  // numbers and booleans in conditions: IAM reads them as text
        out.push_back(PolicyValue{std::string(item.text()), origin(item, std::move(item_path))});
      } else {
        error(item, fmt::format("{} is {}, expected a string", item_path,
                                doc::describe(item.kind(), true)));
      }
    };
    if (node.is_sequence()) {
      size_t index = 0;
      for (const doc::Node* item : node.items()) take(*item, fmt::format("{}[{}]", path, index++));
    } else {
      take(node, path);
    }
    return out;
  }

  void read_statement(const doc::Node& node, const std::string& path, PolicyDocument& policy) {
    if (!node.is_mapping()) {
      error(node, fmt::format("{} is {}, expected a statement object", path,
                              doc::describe(node.kind(), true)));
      return;
    }
    PolicyStatement statement;
    statement.origin = origin(node, path);
    statement.principal_origin = statement.origin;
    if (const doc::Node* sid = node.get("Sid"); sid && sid->is_string())
      statement.sid = std::string(sid->text());
    const std::string_view effect = node.string_at("Effect");
    if (effect != "Allow" && effect != "Deny") {
      const doc::Node* at = node.get("Effect");
      error(at ? *at : node,
            fmt::format("{}.Effect is `{}`, expected Allow or Deny", path, effect));
    }
    statement.allow = effect == "Allow";
    read_principal(node, path, statement);
    read_actions(node, path, statement);
    if (const doc::Node* condition = node.get("Condition"); condition && !condition->is_null())
      read_conditions(*condition, path + ".Condition", statement);
    policy.statements.push_back(std::move(statement));
  }

  void read_principal(const doc::Node& node, const std::string& path, PolicyStatement& statement) {
    const doc::Node* principal = node.get("Principal");
    std::string field = "Principal";
    if (principal == nullptr && (principal = node.get("NotPrincipal")) != nullptr) {
      statement.not_principal = true;
      field = "NotPrincipal";
    }
    if (principal == nullptr) return;  // identity policies have none
    const std::string at = join(path, field);
    statement.principal_origin = origin(*principal, at);
    if (principal->is_string()) {
      if (principal->text() == "*") {
        statement.any_principal = true;
      } else {
        error(*principal, fmt::format("{} is `{}`, expected \"*\" or an object of principal "
                                      "types",
                                      at, principal->text()));
      }
      return;
    }
    if (!principal->is_mapping()) {
      error(*principal, fmt::format("{} is {}, expected \"*\" or an object", at,
                                    doc::describe(principal->kind(), true)));
      return;
    }
    for (const doc::MapEntry& entry : principal->entries()) {
      const std::string entry_path = join(at, entry.key);
      std::vector<PolicyValue> values = strings(*entry.value, entry_path);
      if (entry.key == "AWS") {
        for (const PolicyValue& value : values) statement.any_principal |= value.text == "*";
        statement.aws = std::move(values);
      } else if (entry.key == "Federated") {
        statement.federated = std::move(values);
      } else if (entry.key == "Service") {
        statement.service = std::move(values);
      } else if (entry.key != "CanonicalUser") {
        error(*entry.value, fmt::format("{}: unknown principal type `{}` (expected AWS, Federated, "
                                        "Service or CanonicalUser)",
                                        at, entry.key));
      }
    }
  }

  void read_actions(const doc::Node& node, const std::string& path, PolicyStatement& statement) {
    const doc::Node* actions = node.get("Action");
    std::string field = "Action";
    if (actions == nullptr && (actions = node.get("NotAction")) != nullptr) {
      statement.not_action = true;
      field = "NotAction";
    }
    if (actions == nullptr) {
      error(node, fmt::format("{} has neither Action nor NotAction", path));
      return;
    }
    statement.actions = strings(*actions, join(path, field));
  }

  void read_conditions(const doc::Node& node, const std::string& path, PolicyStatement& statement) {
    if (!node.is_mapping()) {
      error(node, fmt::format("{} is {}, expected an object of condition operators", path,
                              doc::describe(node.kind(), true)));
      return;
    }
    for (const doc::MapEntry& op : node.entries()) {
      const std::string op_path = join(path, op.key);
      if (!op.value->is_mapping()) {
        error(*op.value, fmt::format("{} is {}, expected an object of condition keys", op_path,
                                     doc::describe(op.value->kind(), true)));
        continue;
      }
      for (const doc::MapEntry& key : op.value->entries()) {
        ConditionClause clause;
        clause.op = std::string(op.key);
        clause.base_op = base_operator(op.key);
        clause.key_as_written = std::string(key.key);
        clause.key = to_lower(key.key);
        const std::string key_path = fmt::format("{}[\"{}\"]", op_path, key.key);
        clause.origin = Origin{std::string(file_), fixed_.value_or(key.key_position), key_path};
        clause.values = strings(*key.value, key_path);
        statement.conditions.push_back(std::move(clause));
      }
    }
  }

  static std::string base_operator(std::string_view op) {
    for (std::string_view prefix : {"ForAnyValue:", "ForAllValues:"}) {
      if (op.size() > prefix.size() && iequals(op.substr(0, prefix.size()), prefix))
        op.remove_prefix(prefix.size());
    }
    if (op.ends_with("IfExists")) op.remove_suffix(8);
    return std::string(op);
  }

  std::string_view file_;
  std::vector<InputError>& errors_;
  std::optional<doc::Position> fixed_;
};

bool action_matches(std::string_view pattern, std::string_view action) {
  return iam_glob_match(pattern, action, /*ignore_case=*/true);
}

}  // namespace

bool ConditionClause::negated() const {
  return base_op.starts_with("StringNot") || base_op.starts_with("ArnNot");
}

bool ConditionClause::pattern() const {
  return base_op == "StringLike" || base_op == "StringNotLike" || base_op == "ArnLike" ||
         base_op == "ArnNotLike";
}

bool ConditionClause::positive_string() const {
  return base_op == "StringEquals" || base_op == "StringEqualsIgnoreCase" ||
         base_op == "StringLike" || base_op == "ArnEquals" || base_op == "ArnLike";
}

bool PolicyStatement::allows_action(std::string_view action) const {
  const bool listed = std::any_of(actions.begin(), actions.end(), [&](const PolicyValue& value) {
    return action_matches(value.text, action);
  });
  return not_action ? !listed : listed;
}

bool PolicyStatement::has_service(std::string_view name) const {
  return std::any_of(service.begin(), service.end(),
                     [&](const PolicyValue& value) { return iequals(value.text, name); });
}

PolicyDocument parse_policy(const doc::Node& root, std::string_view file, std::string_view path,
                            std::vector<InputError>& errors) {
  return PolicyReader(file, errors, std::nullopt).read(root, path);
}

std::optional<std::string> url_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex(text[i + 1]);
      const int low = hex(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return out;
}

std::optional<PolicyDocument> parse_policy_text(std::string_view text, const doc::Node& at,
                                                std::string_view file, std::string_view path,
                                                std::vector<InputError>& errors) {
  auto fail = [&](std::string message) {
    errors.push_back(InputError{std::string(file), at.position().line, at.position().column,
                                std::move(message)});
    return std::nullopt;
  };
  const std::string_view trimmed = trim(text);
  std::string decoded;
  if (trimmed.starts_with('%')) {
    auto plain = url_decode(trimmed);
    if (!plain)
      return fail(
          fmt::format("{}: malformed URL encoding (a `%` not followed by two "
                      "hex digits)",
                      path));
    decoded = std::move(*plain);
  } else {
    decoded = std::string(trimmed);
  }
  if (decoded.size() > kMaxDecodedPolicy)
    return fail(fmt::format("{}: policy text of {} bytes exceeds the limit of {}", path,
                            decoded.size(), kMaxDecodedPolicy));
  if (!trim(decoded).starts_with('{'))
    return fail(fmt::format("{}: expected a JSON policy object (or its URL encoding)", path));
  auto documents = doc::load_all(decoded, file);
  if (!documents)
    return fail(fmt::format(
        "{}: the policy text does not parse: {} (line {}, column {} of the "
        "decoded text)",
        path, documents.error().message, documents.error().line, documents.error().column));
  if (documents->size() != 1 || documents->front().root() == nullptr)
    return fail(fmt::format("{}: expected one policy document", path));
  return PolicyReader(file, errors, at.position()).read(*documents->front().root(), path);
}

bool iam_glob_match(std::string_view pattern, std::string_view value, bool ignore_case) {
  auto same = [&](char a, char b) {
    if (!ignore_case) return a == b;
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  // Iterative matching with one backtrack point: linear in practice, no recursion.
  size_t p = 0, v = 0, star = std::string_view::npos, resume = 0;
  while (v < value.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], value[v]))) {
      ++p;
      ++v;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool looks_like_policy(const doc::Node& root) {
  if (!root.is_mapping()) return false;
  const doc::Node* statement = root.get("Statement");
  if (statement == nullptr) return false;
  if (root.get("Version") != nullptr) return true;
  const doc::Node* first =
      statement->is_sequence() && statement->size() > 0 ? statement->items().front() : statement;
  return first->is_mapping() && first->get("Effect") != nullptr;
}

}  // namespace eksguard::identity
