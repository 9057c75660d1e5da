#include "cedar/est/est_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "cedar/extension_functions.h"
#include "cedar/internal/expr_builder.h"
#include "cedar/internal/names.h"
#include "cedar/internal/stack.h"
#include "cedar/value_json.h"
#include "doc/loader.h"
#include "report/json_writer.h"

namespace eksguard::cedar::est {
namespace {

using Keys = std::initializer_list<std::string_view>;

constexpr std::string_view kPolicyKeys[] = {"effect",   "principal",  "action",
                                            "resource", "conditions", "annotations"};

bool is_policy_key(std::string_view key) {
  return std::find(std::begin(kPolicyKeys), std::end(kPolicyKeys), key) != std::end(kPolicyKeys);
}

std::string quoted_list(Keys keys) {
  std::string out;
  size_t i = 0;
  for (std::string_view key : keys) {
    if (i > 0) out += (i + 1 == keys.size()) ? " or " : ", ";
    out += fmt::format("`{}`", key);
    ++i;
  }
  return out;
}

bool contains(Keys keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

struct BinaryOperator {
  std::string_view key;
  ExprKind kind;
};

constexpr BinaryOperator kBinaryOperators[] = {
    {"==", ExprKind::kEq},
    {"!=", ExprKind::kNotEq},
    {"in", ExprKind::kIn},
    {"<", ExprKind::kLess},
    {"<=", ExprKind::kLessEq},
    {">", ExprKind::kGreater},
    {">=", ExprKind::kGreaterEq},
    {"&&", ExprKind::kAnd},
    {"||", ExprKind::kOr},
    {"+", ExprKind::kAdd},
    {"-", ExprKind::kSub},
    {"*", ExprKind::kMul},
    {"contains", ExprKind::kContains},
    {"containsAll", ExprKind::kContainsAll},
    {"containsAny", ExprKind::kContainsAny},
    {"getTag", ExprKind::kGetTag},
    {"hasTag", ExprKind::kHasTag},
};

std::optional<ExprKind> binary_operator(std::string_view key) {
  for (const BinaryOperator& op : kBinaryOperators) {
    if (op.key == key) return op.kind;
  }
  return std::nullopt;
}

std::optional<ExprKind> unary_operator(std::string_view key) {
  if (key == "!") return ExprKind::kNot;
  if (key == "neg") return ExprKind::kNeg;
  if (key == "isEmpty") return ExprKind::kIsEmpty;
  return std::nullopt;
}

enum class Section : uint8_t { kStatic, kTemplates, kEither };

class Reader {
 public:
  Reader(std::string_view source, std::string_view file, Arena& arena, const ParseOptions& options,
         std::vector<ParseError>& errors)
      : source_(source), file_(file), arena_(arena), builder_(arena, options), errors_(errors) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < source.size(); ++i) {
      if (source[i] == '\n') line_starts_.push_back(static_cast<uint32_t>(i + 1));
    }
  }

  void read_root(const doc::Node& root, std::vector<Policy>& policies,
                 std::vector<TemplateLink>& links);
  // A JSON array of links (or an object with `templateLinks`), shape only.
  bool read_links_file(const doc::Node& root, std::vector<TemplateLink>& links);

 private:
  // Extends the JSON path for the lifetime of the scope.
  class Scope {
   public:
    Scope(Reader& reader, std::string_view key) : reader_(reader), size_(reader.path_.size()) {
      if (internal::is_identifier(key)) {
        reader.path_ += '.';
        reader.path_ += key;
      } else {
        reader.path_ += '[';
        report::append_json_string(reader.path_, key);
        reader.path_ += ']';
      }
    }
    Scope(Reader& reader, size_t index) : reader_(reader), size_(reader.path_.size()) {
      reader.path_ += fmt::format("[{}]", index);
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    ~Scope() { reader_.path_.resize(size_); }

   private:
    Reader& reader_;
    size_t size_;
  };

  // ---- errors and positions
  bool fail(std::string_view error_code, doc::Position at, std::string message);
  std::nullptr_t fail_expr(std::string_view error_code, doc::Position at, std::string message) {
    fail(error_code, at, std::move(message));
    return nullptr;
  }
  uint32_t offset_of(doc::Position at) const {
    if (at.line == 0 || at.line > line_starts_.size()) return 0;
    const size_t offset = size_t{line_starts_[at.line - 1]} + (at.column > 0 ? at.column - 1 : 0);
    return static_cast<uint32_t>(std::min(offset, source_.size()));
  }
  SourceSpan span_of(const doc::Node& node) const {
    return SourceSpan{offset_of(node.position()), 0};
  }
  // nullptr from the builder means the expression got too deep.
  const Expr* built(const Expr* expr, const doc::Node& node);

  // ---- JSON shapes
  bool expect(const doc::Node& node, bool ok, std::string_view what);
  bool expect_object(const doc::Node& node, std::string_view what) {
    return expect(node, node.is_mapping(), fmt::format("{} (a JSON object)", what));
  }
  bool check_keys(const doc::Node& node, std::string_view what, Keys allowed, Keys required);
  std::optional<std::string_view> string_at(const doc::Node& object, std::string_view key,
                                            std::string_view what);
  const EntityUid* read_uid(const doc::Node& node);

  // ---- policies
  void read_section(const doc::Node& node, Section section, std::vector<Policy>& out);
  bool read_policy(const doc::Node& node, std::string_view id, Section section, Policy& policy);
  bool read_scope(const doc::Node& node, Var var, ScopeConstraint& out);
  bool read_target(const doc::Node& node, SlotId wanted, Var var, ScopeConstraint& out);
  bool read_action(const doc::Node& node, ActionConstraint& out);
  bool read_conditions(const doc::Node& node, std::vector<Condition>& out);
  bool read_annotations(const doc::Node& node, std::vector<PolicyAnnotation>& out);
  bool read_link(const doc::Node& node, TemplateLink& link);
  void check_link(const doc::Node& node, const TemplateLink& link,
                  const std::vector<Policy>& templates);

  // ---- expressions
  const Expr* read_expr(const doc::Node& node);
  const Expr* read_operator(std::string_view key, const doc::Node& body, const doc::Node& node);
  const Expr* read_operand(const doc::Node& body, std::string_view key) {
    const Scope scope(*this, key);
    return read_expr(*body.get(key));
  }
  const Expr* read_unary(ExprKind kind, std::string_view key, const doc::Node& body,
                         const doc::Node& node);
  const Expr* read_binary(ExprKind kind, std::string_view key, const doc::Node& body,
                          const doc::Node& node);
  const Expr* read_attribute_access(std::string_view key, const doc::Node& body,
                                    const doc::Node& node);
  const Expr* read_like(const doc::Node& body, const doc::Node& node);
  const Expr* read_is(const doc::Node& body, const doc::Node& node);
  const Expr* read_if(const doc::Node& body, const doc::Node& node);
  const Expr* read_call(const ExtensionFunction& function, const doc::Node& body,
                        const doc::Node& node, bool values);
  const Expr* read_set(const doc::Node& body, const doc::Node& node, bool values);
  const Expr* read_record(const doc::Node& body, const doc::Node& node, bool values);
  // A `Value`: Cedar's JSON value syntax, as an expression (an `__extn` escape is a call).
  const Expr* read_value(const doc::Node& node);

  std::string_view source_;
  std::string_view file_;
  std::vector<uint32_t> line_starts_;
  Arena& arena_;
  internal::ExprBuilder builder_;
  std::vector<ParseError>& errors_;
  std::string path_ = "$";
  std::optional<bool> condition_kind_;  // set while reading a condition: is it `when`?
};

bool Reader::fail(std::string_view error_code, doc::Position at, std::string message) {
  ParseError error;
  error.diagnostic = make_diagnostic(std::string(error_code), fmt::format("{}: {}", path_, message),
                                     file_, at.line, at.column, 1);
  error.offset = offset_of(at);
  errors_.push_back(std::move(error));
  return false;
}

const Expr* Reader::built(const Expr* expr, const doc::Node& node) {
  if (expr != nullptr) return expr;
  return fail_expr(code::kTooDeep, node.position(),
                   fmt::format("expression is nested too deeply: the limit is {} levels",
                               builder_.options().max_depth));
}

bool Reader::expect(const doc::Node& node, bool ok, std::string_view what) {
  if (ok) return true;
  return fail(code::kWrongType, node.position(),
              fmt::format("expected {}, found {}", what, doc::describe(node.kind(), true)));
}

bool Reader::check_keys(const doc::Node& node, std::string_view what, Keys allowed, Keys required) {
  for (const doc::MapEntry& entry : node.entries()) {
    if (!contains(allowed, entry.key)) {
      return fail(code::kUnexpectedKey, entry.key_position,
                  fmt::format("unexpected key `{}` in {}; expected {}", entry.key, what,
                              quoted_list(allowed)));
    }
  }
  for (std::string_view key : required) {
    if (node.get(key) == nullptr) {
      return fail(code::kMissingKey, node.position(),
                  fmt::format("{} is missing the key `{}`", what, key));
    }
  }
  return true;
}

std::optional<std::string_view> Reader::string_at(const doc::Node& object, std::string_view key,
                                                  std::string_view what) {
  const doc::Node& node = *object.get(key);
  const Scope scope(*this, key);
  if (!expect(node, node.is_string(), fmt::format("{} (a string)", what))) return std::nullopt;
  return node.text();
}

const EntityUid* Reader::read_uid(const doc::Node& node) {
  auto uid = entity_uid_from_json(node, arena_);
  if (uid) return *uid;
  const doc::Position at =
      uid.error().line > 0 ? doc::Position{uid.error().line, uid.error().column} : node.position();
  fail(code::kInvalidEntity, at, uid.error().message);
  return nullptr;
}

// ------------------------------------------------------------------------------------------------
// Policies

void Reader::read_root(const doc::Node& root, std::vector<Policy>& policies,
                       std::vector<TemplateLink>& links) {
  if (!expect_object(root, "a policy set or a policy")) return;
  const bool single = std::any_of(root.entries().begin(), root.entries().end(),
                                  [](const doc::MapEntry& e) { return is_policy_key(e.key); });
  if (single) {
    Policy policy;
    if (read_policy(root, "policy0", Section::kEither, policy)) policies.push_back(policy);
    return;
  }
  if (!check_keys(root, "a policy set", {"staticPolicies", "templates", "templateLinks"}, {})) {
    return;
  }
  std::vector<Policy> templates;
  if (const doc::Node* node = root.get("staticPolicies")) {
    const Scope scope(*this, "staticPolicies");
    read_section(*node, Section::kStatic, policies);
  }
  if (const doc::Node* node = root.get("templates")) {
    const Scope scope(*this, "templates");
    read_section(*node, Section::kTemplates, templates);
  }
  // Ids are unique across both sections.
  std::set<std::string_view> ids;
  for (const Policy& policy : policies) ids.insert(policy.id);
  for (const Policy& policy : templates) {
    if (ids.insert(policy.id).second) continue;
    const Scope scope(*this, "templates");
    const Scope id_scope(*this, policy.id);
    fail(code::kDuplicateId, doc::Position{policy.line, policy.column},
         fmt::format("`{}` is the id of a static policy and of a template", policy.id));
  }
  if (const doc::Node* node = root.get("templateLinks")) {
    const Scope scope(*this, "templateLinks");
    if (expect(*node, node->is_sequence(), "template links (a JSON array)")) {
      const auto items = node->items();
      for (size_t i = 0; i < items.size(); ++i) {
        const Scope item_scope(*this, i);
        TemplateLink link;
        if (!read_link(*items[i], link)) continue;
        const size_t errors_before = errors_.size();
        check_link(*items[i], link, templates);
        if (errors_.size() == errors_before && ids.insert(arena_.copy(link.new_id)).second) {
          links.push_back(std::move(link));
        } else if (errors_.size() == errors_before) {
          fail(code::kDuplicateId, items[i]->position(),
               fmt::format("the new id `{}` is already the id of a policy", link.new_id));
        }
      }
    }
  }
  policies.insert(policies.end(), templates.begin(), templates.end());
}

void Reader::read_section(const doc::Node& node, Section section, std::vector<Policy>& out) {
  if (!expect_object(node,
                     section == Section::kStatic ? "static policies by id" : "templates by id")) {
    return;
  }
  for (const doc::MapEntry& entry : node.entries()) {
    const Scope scope(*this, entry.key);
    Policy policy;
    if (read_policy(*entry.value, entry.key, section, policy)) out.push_back(policy);
  }
}

bool Reader::read_policy(const doc::Node& node, std::string_view id, Section section,
                         Policy& policy) {
  if (!expect_object(node, "a policy") ||
      !check_keys(node, "a policy",
                  {"effect", "principal", "action", "resource", "conditions", "annotations"},
                  {"effect", "principal", "action", "resource", "conditions"})) {
    return false;
  }
  const auto effect = string_at(node, "effect", "the effect");
  if (!effect) return false;
  if (*effect != "permit" && *effect != "forbid") {
    const Scope scope(*this, "effect");
    return fail(code::kInvalidVariant, node.get("effect")->position(),
                fmt::format("unknown effect `{}`; expected `permit` or `forbid`", *effect));
  }
  policy.effect = *effect == "permit" ? Effect::kPermit : Effect::kForbid;
  {
    const Scope scope(*this, "principal");
    if (!read_scope(*node.get("principal"), Var::kPrincipal, policy.principal)) return false;
  }
  {
    const Scope scope(*this, "action");
    if (!read_action(*node.get("action"), policy.action)) return false;
  }
  {
    const Scope scope(*this, "resource");
    if (!read_scope(*node.get("resource"), Var::kResource, policy.resource)) return false;
  }
  std::vector<Condition> conditions;
  {
    const Scope scope(*this, "conditions");
    if (!read_conditions(*node.get("conditions"), conditions)) return false;
  }
  std::vector<PolicyAnnotation> annotations;
  if (const doc::Node* annotation_node = node.get("annotations")) {
    const Scope scope(*this, "annotations");
    if (!read_annotations(*annotation_node, annotations)) return false;
  }
  policy.conditions = arena_.copy(std::span<const Condition>(conditions));
  policy.annotations = arena_.copy(std::span<const PolicyAnnotation>(annotations));
  policy.id = arena_.copy(id);
  policy.explicit_id = true;
  policy.span = span_of(node);
  policy.line = node.position().line;
  policy.column = node.position().column;
  policy.is_template = policy.principal.slot.has_value() || policy.resource.slot.has_value();
  if (section == Section::kTemplates && !policy.is_template) {
    return fail(code::kNotATemplate, node.position(),
                "a template needs a slot (`?principal` or `?resource`) in its scope; put a "
                "policy without slots under `staticPolicies`");
  }
  if (section == Section::kStatic && policy.is_template) {
    return fail(code::kNotStatic, node.position(),
                "a static policy cannot have slots; put a policy with slots under `templates`");
  }
  return true;
}

bool Reader::read_scope(const doc::Node& node, Var var, ScopeConstraint& out) {
  const std::string what = fmt::format("the {} scope", to_string(var));
  if (!expect_object(node, what) ||
      !check_keys(node, what, {"op", "entity", "slot", "entity_type", "in"}, {"op"})) {
    return false;
  }
  const auto op = string_at(node, "op", "the scope operator");
  if (!op) return false;
  out.span = span_of(node);
  const SlotId wanted = var == Var::kPrincipal ? SlotId::kPrincipal : SlotId::kResource;
  if (*op == "All" || *op == "all") {
    out.op = ScopeConstraint::Op::kAny;
    return check_keys(node, what, {"op"}, {});
  }
  if (*op == "==" || *op == "in") {
    out.op = *op == "==" ? ScopeConstraint::Op::kEq : ScopeConstraint::Op::kIn;
    return check_keys(node, what, {"op", "entity", "slot"}, {}) &&
           read_target(node, wanted, var, out);
  }
  if (*op == "is") {
    if (!check_keys(node, what, {"op", "entity_type", "in"}, {"entity_type"})) return false;
    const auto type = string_at(node, "entity_type", "an entity type");
    if (!type) return false;
    if (!internal::is_valid_entity_type_name(*type)) {
      const Scope scope(*this, "entity_type");
      return fail(code::kInvalidEntityType, node.get("entity_type")->position(),
                  fmt::format("`{}` is not a valid entity type", *type));
    }
    out.entity_type = arena_.copy(*type);
    out.op = ScopeConstraint::Op::kIs;
    const doc::Node* in = node.get("in");
    if (in == nullptr) return true;
    out.op = ScopeConstraint::Op::kIsIn;
    const Scope scope(*this, "in");
    return expect_object(*in, "the `in` of an `is` scope") &&
           check_keys(*in, "the `in` of an `is` scope", {"entity", "slot"}, {}) &&
           read_target(*in, wanted, var, out);
  }
  const Scope scope(*this, "op");
  return fail(code::kInvalidVariant, node.get("op")->position(),
              fmt::format("unknown scope operator `{}`; expected `All`, `==`, `in` or `is`", *op));
}

// {"entity": uid} or {"slot": "?principal"}: what a scope constraint compares with.
bool Reader::read_target(const doc::Node& node, SlotId wanted, Var var, ScopeConstraint& out) {
  const doc::Node* entity = node.get("entity");
  const doc::Node* slot = node.get("slot");
  if ((entity == nullptr) == (slot == nullptr)) {
    return fail(
        entity == nullptr ? code::kMissingKey : code::kUnexpectedKey, node.position(),
        fmt::format("the {} scope needs exactly one of `entity` and `slot`", to_string(var)));
  }
  if (entity != nullptr) {
    const Scope scope(*this, "entity");
    out.entity = read_uid(*entity);
    return out.entity != nullptr;
  }
  const auto name = string_at(node, "slot", "a slot");
  if (!name) return false;
  if (*name != to_string(wanted)) {
    const Scope scope(*this, "slot");
    return fail(code::kInvalidSlot, slot->position(),
                fmt::format("`{}` cannot be used in the {} scope; the slot there is `{}`", *name,
                            to_string(var), to_string(wanted)));
  }
  out.slot = wanted;
  return true;
}

bool Reader::read_action(const doc::Node& node, ActionConstraint& out) {
  constexpr std::string_view kWhat = "the action scope";
  if (!expect_object(node, kWhat) ||
      !check_keys(node, kWhat, {"op", "entity", "entities", "slot"}, {"op"})) {
    return false;
  }
  const auto op = string_at(node, "op", "the scope operator");
  if (!op) return false;
  out.span = span_of(node);
  if (const doc::Node* slot = node.get("slot")) {
    const Scope scope(*this, "slot");
    return fail(code::kInvalidSlot, slot->position(), "the action scope cannot have a slot");
  }
  std::vector<const EntityUid*> entities;
  if (*op == "All" || *op == "all") {
    out.op = ActionConstraint::Op::kAny;
    return check_keys(node, kWhat, {"op"}, {});
  }
  if (*op == "==") {
    out.op = ActionConstraint::Op::kEq;
    if (!check_keys(node, kWhat, {"op", "entity"}, {"entity"})) return false;
  } else if (*op == "in") {
    out.op = ActionConstraint::Op::kIn;
    if (!check_keys(node, kWhat, {"op", "entity", "entities"}, {})) return false;
    if ((node.get("entity") == nullptr) == (node.get("entities") == nullptr)) {
      return fail(node.get("entity") == nullptr ? code::kMissingKey : code::kUnexpectedKey,
                  node.position(),
                  "`in` in the action scope needs exactly one of `entity` and "
                  "`entities`");
    }
  } else {
    const Scope scope(*this, "op");
    return fail(
        code::kInvalidVariant, node.get("op")->position(),
        fmt::format("unknown action scope operator `{}`; expected `All`, `==` or `in`", *op));
  }
  if (const doc::Node* entity = node.get("entity")) {
    const Scope scope(*this, "entity");
    entities.push_back(read_uid(*entity));
    if (entities.back() == nullptr) return false;
  } else {
    const doc::Node& list = *node.get("entities");
    const Scope scope(*this, "entities");
    if (!expect(list, list.is_sequence(), "action entities (a JSON array)")) return false;
    const auto items = list.items();
    for (size_t i = 0; i < items.size(); ++i) {
      const Scope item_scope(*this, i);
      entities.push_back(read_uid(*items[i]));
      if (entities.back() == nullptr) return false;
    }
  }
  for (const EntityUid* uid : entities) {
    if (!internal::is_action_type(uid->type)) {
      return fail(code::kInvalidActionType, node.position(),
                  fmt::format("expected an entity uid with type `Action` but got `{}`",
                              to_cedar_string(*uid)));
    }
  }
  out.entities = arena_.copy(std::span<const EntityUid* const>(entities));
  return true;
}

bool Reader::read_conditions(const doc::Node& node, std::vector<Condition>& out) {
  if (!expect(node, node.is_sequence(), "conditions (a JSON array)")) return false;
  const auto items = node.items();
  for (size_t i = 0; i < items.size(); ++i) {
    const Scope scope(*this, i);
    const doc::Node& item = *items[i];
    if (!expect_object(item, "a condition") ||
        !check_keys(item, "a condition", {"kind", "body"}, {"kind", "body"})) {
      return false;
    }
    const auto kind = string_at(item, "kind", "the kind of a condition");
    if (!kind) return false;
    if (*kind != "when" && *kind != "unless") {
      const Scope kind_scope(*this, "kind");
      return fail(code::kInvalidVariant, item.get("kind")->position(),
                  fmt::format("unknown condition kind `{}`; expected `when` or `unless`", *kind));
    }
    Condition condition;
    condition.is_when = *kind == "when";
    condition.span = span_of(item);
    condition_kind_ = condition.is_when;
    {
      const Scope body_scope(*this, "body");
      condition.expr = read_expr(*item.get("body"));
    }
    condition_kind_.reset();
    if (condition.expr == nullptr) return false;
    out.push_back(condition);
  }
  return true;
}

bool Reader::read_annotations(const doc::Node& node, std::vector<PolicyAnnotation>& out) {
  if (!expect_object(node, "annotations")) return false;
  for (const doc::MapEntry& entry : node.entries()) {
    const Scope scope(*this, entry.key);
    if (!internal::is_identifier(entry.key)) {
      return fail(code::kInvalidAnnotation, entry.key_position,
                  fmt::format("`{}` is not a valid annotation name (an identifier)", entry.key));
    }
    const doc::Node& value = *entry.value;
    if (!expect(value, value.is_string() || value.is_null(),
                "an annotation value (a string or null)")) {
      return false;
    }
    PolicyAnnotation annotation;
    annotation.key = arena_.copy(entry.key);
    annotation.value = arena_.copy(value.text());
    annotation.has_value = value.is_string();
    annotation.span = span_of(value);
    out.push_back(annotation);
  }
  return true;
}

bool Reader::read_link(const doc::Node& node, TemplateLink& link) {
  constexpr std::string_view kWhat = "a template link";
  if (!expect_object(node, kWhat) || !check_keys(node, kWhat, {"templateId", "newId", "values"},
                                                 {"templateId", "newId", "values"})) {
    return false;
  }
  const auto template_id = string_at(node, "templateId", "a template id");
  const auto new_id = template_id ? string_at(node, "newId", "a policy id") : std::nullopt;
  if (!new_id) return false;
  link.template_id = std::string(*template_id);
  link.new_id = std::string(*new_id);
  const doc::Node& values = *node.get("values");
  const Scope scope(*this, "values");
  if (!expect_object(values, "slot values")) return false;
  for (const doc::MapEntry& entry : values.entries()) {
    const Scope slot_scope(*this, entry.key);
    if (entry.key != "?principal" && entry.key != "?resource") {
      return fail(
          code::kInvalidSlot, entry.key_position,
          fmt::format("unknown slot `{}`; expected `?principal` or `?resource`", entry.key));
    }
    const EntityUid* uid = read_uid(*entry.value);
    if (uid == nullptr) return false;
    auto& slot = entry.key == "?principal" ? link.principal : link.resource;
    slot = std::pair{std::string(uid->type), std::string(uid->id)};
  }
  return true;
}

// The link against the templates of the same file: the template exists and takes exactly the
// values given.
void Reader::check_link(const doc::Node& node, const TemplateLink& link,
                        const std::vector<Policy>& templates) {
  const auto it = std::find_if(templates.begin(), templates.end(),
                               [&](const Policy& policy) { return policy.id == link.template_id; });
  if (it == templates.end()) {
    fail(code::kInvalidLink, node.position(),
         fmt::format("no template with id `{}`", link.template_id));
    return;
  }
  const std::pair<const ScopeConstraint*, const std::optional<std::pair<std::string, std::string>>*>
      slots[] = {{&it->principal, &link.principal}, {&it->resource, &link.resource}};
  for (const auto& [constraint, value] : slots) {
    const std::string_view name = constraint == &it->principal ? "?principal" : "?resource";
    if (constraint->slot.has_value() && !value->has_value()) {
      fail(code::kInvalidLink, node.position(),
           fmt::format("the link gives no value for `{}`, which template `{}` needs", name,
                       link.template_id));
      return;
    }
    if (!constraint->slot.has_value() && value->has_value()) {
      fail(code::kInvalidLink, node.position(),
           fmt::format("the link gives a value for `{}`, which template `{}` does not have", name,
                       link.template_id));
      return;
    }
  }
}

bool Reader::read_links_file(const doc::Node& root, std::vector<TemplateLink>& links) {
  const doc::Node* list = &root;
  std::optional<Scope> scope;
  if (root.is_mapping()) {
    if (!check_keys(root, "template links", {"templateLinks"}, {"templateLinks"})) return false;
    list = root.get("templateLinks");
    scope.emplace(*this, "templateLinks");
  }
  if (!expect(*list, list->is_sequence(), "template links (a JSON array)")) return false;
  const auto items = list->items();
  for (size_t i = 0; i < items.size(); ++i) {
    const Scope item_scope(*this, i);
    TemplateLink link;
    if (read_link(*items[i], link)) links.push_back(std::move(link));
  }
  return errors_.empty();
}

// ------------------------------------------------------------------------------------------------
// Expressions

const Expr* Reader::read_expr(const doc::Node& node) {
  if (internal::stack_is_low()) {
    return fail_expr(code::kTooDeep, node.position(), "expression is nested too deeply");
  }
  if (!expect(node, node.is_mapping(), "an expression (a JSON object with one key)")) {
    return nullptr;
  }
  if (node.size() != 1) {
    if (node.size() == 0) {
      return fail_expr(code::kInvalidExpression, node.position(),
                       "an empty object is not an expression");
    }
    return fail_expr(code::kInvalidExpression, node.entries()[1].key_position,
                     fmt::format("an expression has one key, but this one has `{}` and `{}`",
                                 node.entries()[0].key, node.entries()[1].key));
  }
  const doc::MapEntry& entry = node.entries()[0];
  const Scope scope(*this, entry.key);
  return read_operator(entry.key, *entry.value, node);
}

const Expr* Reader::read_operator(std::string_view key, const doc::Node& body,
                                  const doc::Node& node) {
  if (const ExtensionFunction* function = find_extension_function(key)) {
    return read_call(*function, body, node, /*values=*/false);
  }
  if (const auto kind = binary_operator(key)) return read_binary(*kind, key, body, node);
  if (const auto kind = unary_operator(key)) return read_unary(*kind, key, body, node);
  if (key == "Value") return read_value(body);
  if (key == "." || key == "has") return read_attribute_access(key, body, node);
  if (key == "like") return read_like(body, node);
  if (key == "is") return read_is(body, node);
  if (key == "if-then-else") return read_if(body, node);
  if (key == "Set") return read_set(body, node, /*values=*/false);
  if (key == "Record") return read_record(body, node, /*values=*/false);
  if (key == "Var") {
    if (!expect(body, body.is_string(), "a variable (a string)")) return nullptr;
    for (const Var var : {Var::kPrincipal, Var::kAction, Var::kResource, Var::kContext}) {
      if (body.text() == to_string(var)) return built(builder_.var(var, span_of(node)), node);
    }
    return fail_expr(code::kInvalidVariant, body.position(),
                     fmt::format("unknown variable `{}`; expected `principal`, `action`, "
                                 "`resource` or `context`",
                                 body.text()));
  }
  if (key == "Slot") {
    if (!expect(body, body.is_string(), "a slot (a string)")) return nullptr;
    if (body.text() != "?principal" && body.text() != "?resource") {
      return fail_expr(
          code::kInvalidSlot, body.position(),
          fmt::format("`{}` is not a slot; expected `?principal` or `?resource`", body.text()));
    }
    if (condition_kind_) {
      return fail_expr(code::kSlotInCondition, body.position(),
                       fmt::format("found template slot {} in a `{}` clause", body.text(),
                                   *condition_kind_ ? "when" : "unless"));
    }
    const SlotId slot = body.text() == "?principal" ? SlotId::kPrincipal : SlotId::kResource;
    return built(builder_.slot(slot, span_of(node)), node);
  }
  return fail_expr(code::kUnknownExpression, node.entries()[0].key_position,
                   fmt::format("unknown expression `{}`; expected `Value`, `Var`, `Slot`, an "
                               "operator (`!`, `neg`, `==`, `&&`, `.`, `has`, `like`, `is`, "
                               "`if-then-else`, ...), `Set`, `Record` or an extension function",
                               key));
}

const Expr* Reader::read_unary(ExprKind kind, std::string_view key, const doc::Node& body,
                               const doc::Node& node) {
  const std::string what = fmt::format("the operand of `{}`", key);
  if (!expect_object(body, what) || !check_keys(body, what, {"arg"}, {"arg"})) return nullptr;
  const Expr* arg = read_operand(body, "arg");
  return arg != nullptr ? built(builder_.unary(kind, arg, span_of(node)), node) : nullptr;
}

const Expr* Reader::read_binary(ExprKind kind, std::string_view key, const doc::Node& body,
                                const doc::Node& node) {
  const std::string what = fmt::format("the operands of `{}`", key);
  if (!expect_object(body, what) || !check_keys(body, what, {"left", "right"}, {"left", "right"})) {
    return nullptr;
  }
  const Expr* left = read_operand(body, "left");
  const Expr* right = left != nullptr ? read_operand(body, "right") : nullptr;
  if (right == nullptr) return nullptr;
  return built(builder_.binary(kind, left, right, span_of(node)), node);
}

// `.` with one attribute; `has` with one attribute or an array of them (extended `has`).
const Expr* Reader::read_attribute_access(std::string_view key, const doc::Node& body,
                                          const doc::Node& node) {
  const std::string what = fmt::format("the operands of `{}`", key);
  if (!expect_object(body, what) || !check_keys(body, what, {"left", "attr"}, {"left", "attr"})) {
    return nullptr;
  }
  const Expr* left = read_operand(body, "left");
  if (left == nullptr) return nullptr;
  const doc::Node& attr = *body.get("attr");
  const Scope scope(*this, "attr");
  std::vector<std::string_view> path;
  if (attr.is_string()) {
    path.push_back(arena_.copy(attr.text()));
  } else if (key == "has" && attr.is_sequence() && attr.size() > 0) {
    for (const doc::Node* item : attr.items()) {
      if (!expect(*item, item->is_string(), "an attribute (a string)")) return nullptr;
      path.push_back(arena_.copy(item->text()));
    }
  } else {
    return fail_expr(code::kWrongType, attr.position(),
                     fmt::format("expected {}, found {}",
                                 key == "has" ? "an attribute (a string) or a non-empty array of "
                                                "attributes"
                                              : "an attribute (a string)",
                                 doc::describe(attr.kind(), true)));
  }
  if (key == ".") return built(builder_.get_attr(left, path[0], span_of(node)), node);
  return built(builder_.has_attr(left, path, span_of(node)), node);
}

const Expr* Reader::read_like(const doc::Node& body, const doc::Node& node) {
  constexpr std::string_view kWhat = "the operands of `like`";
  if (!expect_object(body, kWhat) ||
      !check_keys(body, kWhat, {"left", "pattern"}, {"left", "pattern"})) {
    return nullptr;
  }
  const Expr* left = read_operand(body, "left");
  if (left == nullptr) return nullptr;
  const doc::Node& pattern = *body.get("pattern");
  const Scope scope(*this, "pattern");
  if (!expect(pattern, pattern.is_sequence(), "a pattern (a JSON array)")) return nullptr;
  std::vector<PatternPart> parts;
  const auto items = pattern.items();
  for (size_t i = 0; i < items.size(); ++i) {
    const Scope item_scope(*this, i);
    const doc::Node& item = *items[i];
    if (item.is_string() && item.text() == "Wildcard") {
      parts.push_back(PatternPart{{}, true});
    } else if (item.is_mapping() && item.size() == 1 && item.get("Literal") != nullptr &&
               item.get("Literal")->is_string()) {
      parts.push_back(PatternPart{arena_.copy(item.get("Literal")->text()), false});
    } else {
      return fail_expr(code::kInvalidPattern, item.position(),
                       "expected a pattern element: \"Wildcard\" or {\"Literal\": \"...\"}");
    }
  }
  return built(builder_.like(left, parts, span_of(node)), node);
}

const Expr* Reader::read_is(const doc::Node& body, const doc::Node& node) {
  constexpr std::string_view kWhat = "the operands of `is`";
  if (!expect_object(body, kWhat) ||
      !check_keys(body, kWhat, {"left", "entity_type", "in"}, {"left", "entity_type"})) {
    return nullptr;
  }
  const Expr* left = read_operand(body, "left");
  if (left == nullptr) return nullptr;
  const auto type = string_at(body, "entity_type", "an entity type");
  if (!type) return nullptr;
  if (!internal::is_valid_entity_type_name(*type)) {
    const Scope scope(*this, "entity_type");
    return fail_expr(code::kInvalidEntityType, body.get("entity_type")->position(),
                     fmt::format("`{}` is not a valid entity type", *type));
  }
  const Expr* in_scope = nullptr;
  if (body.get("in") != nullptr) {
    in_scope = read_operand(body, "in");
    if (in_scope == nullptr) return nullptr;
  }
  return built(builder_.is(left, arena_.copy(*type), in_scope, span_of(node)), node);
}

const Expr* Reader::read_if(const doc::Node& body, const doc::Node& node) {
  constexpr std::string_view kWhat = "the operands of `if-then-else`";
  if (!expect_object(body, kWhat) ||
      !check_keys(body, kWhat, {"if", "then", "else"}, {"if", "then", "else"})) {
    return nullptr;
  }
  const Expr* condition = read_operand(body, "if");
  const Expr* then_branch = condition != nullptr ? read_operand(body, "then") : nullptr;
  const Expr* else_branch = then_branch != nullptr ? read_operand(body, "else") : nullptr;
  if (else_branch == nullptr) return nullptr;
  return built(builder_.if_then_else(condition, then_branch, else_branch, span_of(node)), node);
}

// `values`: the items are JSON values (inside `Value`) rather than expressions.
const Expr* Reader::read_call(const ExtensionFunction& function, const doc::Node& body,
                              const doc::Node& node, bool values) {
  if (!expect(body, body.is_sequence(),
              fmt::format("the arguments of `{}` (a JSON array)", function.name))) {
    return nullptr;
  }
  std::vector<const Expr*> args;
  const auto items = body.items();
  for (size_t i = 0; i < items.size(); ++i) {
    const Scope scope(*this, i);
    args.push_back(values ? read_value(*items[i]) : read_expr(*items[i]));
    if (args.back() == nullptr) return nullptr;
  }
  return built(builder_.extension_call(function, args, span_of(node)), node);
}

const Expr* Reader::read_set(const doc::Node& body, const doc::Node& node, bool values) {
  if (!expect(body, body.is_sequence(), "set elements (a JSON array)")) return nullptr;
  std::vector<const Expr*> items;
  const auto nodes = body.items();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Scope scope(*this, i);
    items.push_back(values ? read_value(*nodes[i]) : read_expr(*nodes[i]));
    if (items.back() == nullptr) return nullptr;
  }
  return built(builder_.set(items, span_of(node)), node);
}

const Expr* Reader::read_record(const doc::Node& body, const doc::Node& node, bool values) {
  if (!expect_object(body, "record fields")) return nullptr;
  std::vector<RecordField> fields;
  for (const doc::MapEntry& entry : body.entries()) {
    const Scope scope(*this, entry.key);
    const Expr* value = values ? read_value(*entry.value) : read_expr(*entry.value);
    if (value == nullptr) return nullptr;
    fields.push_back(RecordField{arena_.copy(entry.key), value});
  }
  // JSON objects have no order; Cedar keeps records sorted by key.
  std::stable_sort(fields.begin(), fields.end(),
                   [](const RecordField& x, const RecordField& y) { return x.key < y.key; });
  for (size_t i = 1; i < fields.size(); ++i) {
    if (fields[i].key == fields[i - 1].key) {
      return fail_expr(code::kDuplicateKey, body.position(),
                       fmt::format("duplicate key `{}` in a record", fields[i].key));
    }
  }
  return built(builder_.record(std::move(fields), span_of(node)), node);
}

const Expr* Reader::read_value(const doc::Node& node) {
  if (internal::stack_is_low()) {
    return fail_expr(code::kTooDeep, node.position(), "value is nested too deeply");
  }
  switch (node.kind()) {
    case doc::NodeKind::kSequence:
      return read_set(node, node, /*values=*/true);
    case doc::NodeKind::kMapping:
      break;
    default: {
      auto value = value_from_json(node, arena_);
      if (!value) return fail_expr(code::kInvalidValue, node.position(), value.error().message);
      return built(builder_.literal(*value, span_of(node)), node);
    }
  }
  for (std::string_view escape : {"__entity", "__extn", "__expr"}) {
    if (node.get(escape) != nullptr && node.size() != 1) {
      return fail_expr(code::kInvalidValue, node.position(),
                       fmt::format("an `{}` escape must be the only key of its object", escape));
    }
  }
  if (node.get("__entity") != nullptr) {
    const EntityUid* uid = read_uid(node);
    return uid != nullptr ? built(builder_.literal(Value::from_entity(uid), span_of(node)), node)
                          : nullptr;
  }
  if (node.get("__expr") != nullptr) {
    return fail_expr(code::kInvalidValue, node.position(),
                     "the `__expr` escape is no longer supported; use `__entity` or `__extn`");
  }
  const doc::Node* extension = node.get("__extn");
  if (extension == nullptr) return read_record(node, node, /*values=*/true);
  // {"__extn": {"fn": "ip", "arg": "10.0.0.1"}} is the call `ip("10.0.0.1")`.
  const Scope scope(*this, "__extn");
  constexpr std::string_view kWhat = "an `__extn` escape";
  if (!expect_object(*extension, kWhat) ||
      !check_keys(*extension, kWhat, {"fn", "arg", "args"}, {"fn"})) {
    return nullptr;
  }
  const auto name = string_at(*extension, "fn", "an extension function name");
  if (!name) return nullptr;
  const ExtensionFunction* function = find_extension_function(*name);
  if (function == nullptr) {
    const Scope fn_scope(*this, "fn");
    return fail_expr(code::kInvalidValue, extension->get("fn")->position(),
                     fmt::format("`{}` is not an extension function", *name));
  }
  const doc::Node* arg = extension->get("arg");
  const doc::Node* args = extension->get("args");
  if ((arg == nullptr) == (args == nullptr)) {
    return fail_expr(code::kInvalidValue, extension->position(),
                     "`__extn` needs exactly one of `arg` and `args`");
  }
  if (args != nullptr) {
    const Scope args_scope(*this, "args");
    return read_call(*function, *args, node, /*values=*/true);
  }
  const Scope arg_scope(*this, "arg");
  const Expr* argument = read_value(*arg);
  if (argument == nullptr) return nullptr;
  return built(
      builder_.extension_call(*function, std::span<const Expr* const>(&argument, 1), span_of(node)),
      node);
}

// ------------------------------------------------------------------------------------------------
// Loading

doc::Limits json_limits(const ParseOptions& options) {
  doc::Limits limits;
  limits.max_input_bytes = options.max_bytes;
  // Two JSON levels per expression level, plus the policy set around the expressions.
  limits.max_depth = 2 * size_t{options.max_depth} + 16;
  return limits;
}

ParseError json_error(std::string_view error_code, std::string message, std::string_view file,
                      uint32_t line, uint32_t column) {
  ParseError error;
  error.diagnostic =
      make_diagnostic(std::string(error_code), std::move(message), file, line, column, 1);
  return error;
}

// Loads `text` as one JSON document, or records why it cannot be.
std::optional<doc::Document> load_json(std::string_view text, std::string_view file,
                                       const ParseOptions& options,
                                       std::vector<ParseError>& errors) {
  if (text.size() > options.max_bytes) {
    errors.push_back(json_error(
        code::kTooLarge,
        fmt::format("policy JSON is larger than the limit of {} bytes", options.max_bytes), file, 1,
        1));
    return std::nullopt;
  }
  if (!looks_like_json(text)) {
    errors.push_back(
        json_error(code::kInvalidJson, "expected JSON (an object or an array)", file, 1, 1));
    return std::nullopt;
  }
  auto documents = doc::load_all(text, file, json_limits(options));
  if (!documents) {
    errors.push_back(json_error(code::kInvalidJson, documents.error().message, file,
                                documents.error().line, documents.error().column));
    return std::nullopt;
  }
  return std::move(documents->front());
}

}  // namespace

bool looks_like_json(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

JsonPolicies read_policies_json(const doc::Node& root, std::string_view source, std::string file,
                                const ParseOptions& options) {
  JsonPolicies result;
  ParsedPolicies& parsed = result.policies;
  parsed.arena = std::make_unique<Arena>();
  parsed.file = std::move(file);
  parsed.source = parsed.arena->copy(source);
  Reader reader(parsed.source, parsed.file, *parsed.arena, options, parsed.errors);
  reader.read_root(root, parsed.policies, result.links);
  if (!parsed.errors.empty()) {
    parsed.policies.clear();
    result.links.clear();
  }
  return result;
}

JsonPolicies read_policies_json(std::string_view text, std::string file,
                                const ParseOptions& options) {
  std::vector<ParseError> errors;
  const std::optional<doc::Document> document = load_json(text, file, options, errors);
  if (!document) {
    JsonPolicies result;
    result.policies.arena = std::make_unique<Arena>();
    result.policies.file = std::move(file);
    result.policies.source = result.policies.arena->copy(text.substr(0, options.max_bytes));
    result.policies.errors = std::move(errors);
    return result;
  }
  return read_policies_json(*document->root(), text, std::move(file), options);
}

Result<std::vector<TemplateLink>, std::vector<ParseError>> read_template_links_json(
    std::string_view text, std::string file) {
  const ParseOptions options;
  std::vector<ParseError> errors;
  const std::optional<doc::Document> document = load_json(text, file, options, errors);
  if (!document) return Unexpected(std::move(errors));
  Arena arena;
  std::vector<TemplateLink> links;
  Reader reader(text, file, arena, options, errors);
  if (!reader.read_links_file(*document->root(), links)) return Unexpected(std::move(errors));
  return links;
}

}  // namespace eksguard::cedar::est
