// SubjectAccessReview / AdmissionReview decoding and mapping to Cedar (see review.h).
//
// Bodies are parsed with simdjson's DOM (random access: the object's mapping depends on
// request.kind, which may come after it) by one parser per thread, and the entities are built
// directly as Cedar values in one arena that the entity store then owns.
#include "k8s_authz/review.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace eksguard::k8s_authz {
namespace {

namespace dom = simdjson::dom;
using cedar::Arena;
using cedar::EntityUid;
using cedar::RecordEntry;
using cedar::Value;

constexpr std::string_view kUserType = "k8s::User";
constexpr std::string_view kGroupType = "k8s::Group";
constexpr std::string_view kServiceAccountType = "k8s::ServiceAccount";
constexpr std::string_view kNodeType = "k8s::Node";
constexpr std::string_view kServiceAccountPrefix = "system:serviceaccount:";
constexpr std::string_view kNodePrefix = "system:node:";

Unexpected<BadRequest> bad(std::string message, int status = 400) {
  return Unexpected<BadRequest>(BadRequest{status, std::move(message)});
}

std::string join_path(std::string_view prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : fmt::format("{}.{}", prefix, key);
}

// Parses the body with this thread's parser. The element is valid until the thread's next
// parse.
Result<dom::element, BadRequest> parse_json(std::string_view body, const DecodeLimits& limits) {
  if (body.size() > limits.max_body_bytes) {
    return bad(fmt::format("request body of {} bytes is larger than the limit of {} bytes",
                           body.size(), limits.max_body_bytes),
               413);
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return bad("request body is empty (expected a JSON object)");
  }
  thread_local dom::parser parser;
  if (parser.max_depth() != limits.max_depth || parser.capacity() < body.size()) {
    const size_t capacity = std::max(body.size(), std::max(parser.capacity(), size_t{1} << 16));
    if (parser.allocate(capacity, limits.max_depth) != simdjson::SUCCESS) {
      return bad("out of memory while reading the request body", 500);
    }
  }
  dom::element root;
  const simdjson::error_code error = parser.parse(body.data(), body.size(), true).get(root);
  if (error == simdjson::DEPTH_ERROR) {
    return bad(fmt::format("request body nests deeper than {} levels", limits.max_depth));
  }
  if (error != simdjson::SUCCESS) {
    return bad(fmt::format("request body is not valid JSON: {}", simdjson::error_message(error)));
  }
  if (!root.is_object()) return bad("request body must be a JSON object");
  return root;
}

std::string_view type_word(dom::element value) {
  switch (value.type()) {
    case dom::element_type::ARRAY:
      return "an array";
    case dom::element_type::OBJECT:
      return "an object";
    case dom::element_type::STRING:
      return "a string";
    case dom::element_type::BOOL:
      return "a boolean";
    case dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "a number";
  }
}

// Typed field access; the first problem becomes `error` with the field's JSON path. A null
// field counts as absent, as in the API server's decoding.
class Reader {
 public:
  explicit Reader(const DecodeLimits& limits) : limits_(limits) {}

  std::optional<dom::element> field(dom::object object, std::string_view key) {
    dom::element value;
    if (object.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) return {};
    return value;
  }

  bool string(dom::object object, std::string_view key, std::string_view path,
              std::string_view& out, bool required = false) {
    const auto value = field(object, key);
    if (!value) return !required || missing(path, key, "a string");
    if (!value->is_string()) return wrong(path, key, "a string", *value);
    out = value->get_string().value_unsafe();
    return true;
  }

  bool object(dom::object parent, std::string_view key, std::string_view path,
              std::optional<dom::object>& out, bool required = false) {
    const auto value = field(parent, key);
    if (!value) return !required || missing(path, key, "an object");
    if (!value->is_object()) return wrong(path, key, "an object", *value);
    const dom::object object = as_object(*value);
    out = object;
    return true;
  }

  bool strings(dom::object object, std::string_view key, std::string_view path,
               std::vector<std::string_view>& out) {
    const auto value = field(object, key);
    if (!value) return true;
    return string_items(*value, join_path(path, key), out);
  }

  bool string_items(dom::element value, const std::string& path,
                    std::vector<std::string_view>& out) {
    if (!value.is_array())
      return fail(
          fmt::format("{}: expected an array of strings, found {}", path, type_word(value)));
    size_t index = 0;
    const dom::array item_items = as_array(value);
    for (dom::element item : item_items) {
      if (!item.is_string()) {
        return fail(
            fmt::format("{}[{}]: expected a string, found {}", path, index, type_word(item)));
      }
      if (out.size() >= limits_.max_list_items) {
        return fail(fmt::format("{}: more than {} items", path, limits_.max_list_items));
      }
      out.push_back(item.get_string().value_unsafe());
      ++index;
    }
    return true;
  }

  bool fail(std::string message) {
    if (error.message.empty()) error.message = std::move(message);
    return false;
  }

  BadRequest error;

 private:
  bool missing(std::string_view path, std::string_view key, std::string_view expected) {
    return fail(fmt::format("{}: missing (expected {})", join_path(path, key), expected));
  }
  bool wrong(std::string_view path, std::string_view key, std::string_view expected,
             dom::element value) {
    return fail(
        fmt::format("{}: expected {}, found {}", join_path(path, key), expected, type_word(value)));
  }
  const DecodeLimits& limits_;
};

// ---------------------------------------------------------------------------------------------
// Decoded (still pointing into the parser's memory) parts of a review.

struct ExtraEntry {
  std::string_view key;
  std::vector<std::string_view> values;
};

struct UserView {
  std::string_view username;
  std::string_view uid;
  std::vector<std::string_view> groups;
  std::vector<ExtraEntry> extra;
};

bool read_extra(Reader& reader, dom::object object, std::string_view path, UserView& user) {
  std::optional<dom::object> extra;
  if (!reader.object(object, "extra", path, extra)) return false;
  if (!extra) return true;
  const std::string extra_path = join_path(path, "extra");
  for (dom::key_value_pair entry : *extra) {
    ExtraEntry parsed{entry.key, {}};
    if (!entry.value.is_null() &&
        !reader.string_items(entry.value, join_path(extra_path, entry.key), parsed.values)) {
      return false;
    }
    user.extra.push_back(std::move(parsed));
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Building entities.

class Builder {
 public:
  Builder() : arena_(std::make_unique<Arena>()) {}

  Arena& arena() { return *arena_; }
  const EntityUid* uid(std::string_view type, std::string_view id) {
    return cedar::make_uid(*arena_, type, id);
  }
  Value string(std::string_view text) { return Value::from_string(arena_->copy(text)); }
  Value record(std::span<RecordEntry> entries) { return cedar::make_record(*arena_, entries); }
  Value set(std::span<Value> items) { return cedar::make_set(*arena_, items); }

  void add(const EntityUid* uid, Value attrs, std::span<const EntityUid* const> parents = {},
           Value tags = Value::from_canonical_record({})) {
    entities_.push_back(cedar::EntityInit{uid, attrs, tags, arena_->copy(parents)});
  }
  void add(const EntityUid* uid, std::span<RecordEntry> attrs,
           std::span<const EntityUid* const> parents = {}) {
    add(uid, record(attrs), parents);
  }

  Result<cedar::Entities> build() {
    return cedar::Entities::from_values(std::move(arena_), entities_);
  }

 private:
  std::unique_ptr<Arena> arena_;
  std::vector<cedar::EntityInit> entities_;
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// `system:serviceaccount:NS:NAME` (exactly three colons) and `system:node:NAME` (exactly two).
struct Classified {
  std::string_view type = kUserType;
  std::string_view name;
  std::string_view namespace_;
};

Classified classify(std::string_view username) {
  Classified out{kUserType, username, {}};
  const auto colons = std::count(username.begin(), username.end(), ':');
  if (username.starts_with(kServiceAccountPrefix) && colons == 3) {
    const std::string_view rest = username.substr(kServiceAccountPrefix.size());
    const size_t colon = rest.find(':');
    out = {kServiceAccountType, rest.substr(colon + 1), rest.substr(0, colon)};
  } else if (username.starts_with(kNodePrefix) && colons == 2) {
    out = {kNodeType, username.substr(kNodePrefix.size()), {}};
  }
  return out;
}

// The principal and its groups; fills `identity` with views into the arena.
const EntityUid* add_principal(Builder& builder, const UserView& user, Identity& identity) {
  std::vector<const EntityUid*> groups;
  groups.reserve(user.groups.size());
  for (const std::string_view group : user.groups) {
    const Value name = builder.string(group);
    std::array<RecordEntry, 1> attrs{RecordEntry{"name", name}};
    groups.push_back(builder.uid(kGroupType, group));
    builder.add(groups.back(), attrs);
    identity.groups.push_back(name.as_string());
  }
  const Classified who = classify(user.username);
  std::vector<RecordEntry> attrs;
  attrs.push_back(RecordEntry{"name", builder.string(who.name)});
  if (who.type == kServiceAccountType) {
    attrs.push_back(RecordEntry{"namespace", builder.string(who.namespace_)});
  }
  if (!user.extra.empty()) {
    std::vector<Value> entries;
    for (const ExtraEntry& entry : user.extra) {
      std::vector<Value> values;
      for (const std::string_view value : entry.values) values.push_back(builder.string(value));
      std::array<RecordEntry, 2> pair{RecordEntry{"key", builder.string(lower(entry.key))},
                                      RecordEntry{"values", builder.set(values)}};
      entries.push_back(builder.record(pair));
    }
    attrs.push_back(RecordEntry{"extra", builder.set(entries)});
  }
  const EntityUid* principal = builder.uid(who.type, user.uid.empty() ? user.username : user.uid);
  builder.add(principal, attrs, groups);
  identity.username = builder.arena().copy(user.username);
  return principal;
}

// /api/v1/namespaces/NS/RESOURCE/NAME/SUB or /apis/GROUP/VERSION/...
std::string resource_path(std::string_view group, std::string_view version,
                          std::string_view namespace_, std::string_view resource,
                          std::string_view name, std::string_view subresource) {
  std::string path =
      group.empty() ? fmt::format("/api/{}", version) : fmt::format("/apis/{}/{}", group, version);
  if (!namespace_.empty()) fmt::format_to(std::back_inserter(path), "/namespaces/{}", namespace_);
  fmt::format_to(std::back_inserter(path), "/{}", resource);
  if (!name.empty()) fmt::format_to(std::back_inserter(path), "/{}", name);
  if (!subresource.empty()) fmt::format_to(std::back_inserter(path), "/{}", subresource);
  return path;
}

// ---------------------------------------------------------------------------------------------
// Selectors.

std::optional<std::string_view> selection_operator(std::string_view api_operator) {
  if (api_operator == "In") return "in";
  if (api_operator == "NotIn") return "notin";
  if (api_operator == "Exists") return "exists";
  if (api_operator == "DoesNotExist") return "!";
  return std::nullopt;
}

// spec.resourceAttributes.{label,field}Selector: requirements, or else the raw selector.
bool read_selector(Reader& reader, dom::object attributes, std::string_view key,
                   std::string_view path, std::vector<SelectorRequirement>& out) {
  std::optional<dom::object> selector;
  if (!reader.object(attributes, key, path, selector)) return false;
  if (!selector) return true;
  const std::string selector_path = join_path(path, key);
  if (const auto list = reader.field(*selector, "requirements")) {
    if (!list->is_array()) {
      return reader.fail(fmt::format("{}.requirements: expected an array, found {}", selector_path,
                                     type_word(*list)));
    }
    size_t index = 0;
    const dom::array list_items = as_array(*list);
    for (dom::element item : list_items) {
      const std::string item_path = fmt::format("{}.requirements[{}]", selector_path, index++);
      if (!item.is_object()) {
        return reader.fail(
            fmt::format("{}: expected an object, found {}", item_path, type_word(item)));
      }
      const dom::object requirement = as_object(item);
      std::string_view requirement_key;
      std::string_view api_operator;
      std::vector<std::string_view> values;
      if (!reader.string(requirement, "key", item_path, requirement_key, true) ||
          !reader.string(requirement, "operator", item_path, api_operator, true) ||
          !reader.strings(requirement, "values", item_path, values)) {
        return false;
      }
      const auto op = selection_operator(api_operator);
      if (!op) {
        return reader.fail(fmt::format(
            "{}.operator: unknown operator `{}` (expected In, NotIn, Exists or DoesNotExist)",
            item_path, api_operator));
      }
      if (out.size() >= 1000) return reader.fail(selector_path + ": more than 1000 requirements");
      out.push_back(SelectorRequirement{
          std::string(requirement_key), std::string(*op), {values.begin(), values.end()}});
    }
    if (!out.empty()) return true;
  }
  std::string_view raw;
  if (!reader.string(*selector, "rawSelector", selector_path, raw)) return false;
  auto parsed = parse_selector(raw);
  if (!parsed) {
    return reader.fail(fmt::format("{}.rawSelector: {}", selector_path, parsed.error().message));
  }
  out = std::move(*parsed);
  return true;
}

bool is_equality(std::string_view op, size_t values) {
  return (op == "=" || op == "==" || op == "in") && values == 1;
}
bool is_inequality(std::string_view op, size_t values) {
  return (op == "!=" || op == "notin") && values == 1;
}

Value label_selector_value(Builder& builder, const std::vector<SelectorRequirement>& list) {
  std::vector<Value> records;
  const auto add = [&](const SelectorRequirement& requirement, std::string_view op) {
    std::vector<Value> values;
    for (const std::string& value : requirement.values) values.push_back(builder.string(value));
    std::array<RecordEntry, 3> entries{RecordEntry{"key", builder.string(requirement.key)},
                                       RecordEntry{"operator", builder.string(op)},
                                       RecordEntry{"values", builder.set(values)}};
    records.push_back(builder.record(entries));
  };
  for (const SelectorRequirement& requirement : list) {
    if (is_equality(requirement.op, requirement.values.size())) {
      for (const std::string_view op : {"=", "==", "in"}) add(requirement, op);
    } else if (is_inequality(requirement.op, requirement.values.size())) {
      for (const std::string_view op : {"!=", "notin"}) add(requirement, op);
    } else {
      add(requirement, requirement.op);
    }
  }
  return builder.set(records);
}

Value field_selector_value(Builder& builder, const std::vector<SelectorRequirement>& list) {
  std::vector<Value> records;
  const auto add = [&](std::string_view field, std::string_view op, std::string_view value) {
    std::array<RecordEntry, 3> entries{RecordEntry{"field", builder.string(field)},
                                       RecordEntry{"operator", builder.string(op)},
                                       RecordEntry{"value", builder.string(value)}};
    records.push_back(builder.record(entries));
  };
  for (const SelectorRequirement& requirement : list) {
    const std::string& field = requirement.key;
    const auto& values = requirement.values;
    if (requirement.op == "=" || requirement.op == "==" || requirement.op == "in") {
      if (values.size() == 1) {
        add(field, "=", values[0]);
        add(field, "==", values[0]);
      } else {
        for (const std::string& value : values) add(field, "in", value);
      }
    } else if (requirement.op == "!=" || requirement.op == "notin") {
      for (const std::string& value : values) add(field, "!=", value);
    } else {
      add(field, requirement.op, values.empty() ? std::string_view() : values[0]);
    }
  }
  return builder.set(records);
}

// ---------------------------------------------------------------------------------------------
// SubjectAccessReview.

struct ResourceView {
  std::string_view namespace_, verb, group, version, resource, subresource, name;
  std::vector<SelectorRequirement> labels, fields;
};

bool read_resource_attributes(Reader& reader, dom::object object, ResourceView& out) {
  constexpr std::string_view kPath = "spec.resourceAttributes";
  return reader.string(object, "namespace", kPath, out.namespace_) &&
         reader.string(object, "verb", kPath, out.verb, true) &&
         reader.string(object, "group", kPath, out.group) &&
         reader.string(object, "version", kPath, out.version) &&
         reader.string(object, "resource", kPath, out.resource, true) &&
         reader.string(object, "subresource", kPath, out.subresource) &&
         reader.string(object, "name", kPath, out.name) &&
         read_selector(reader, object, "labelSelector", kPath, out.labels) &&
         read_selector(reader, object, "fieldSelector", kPath, out.fields);
}

// The impersonated identity as the resource of an `impersonate` request, or nullptr when the
// request is not one.
const EntityUid* add_impersonated(Builder& builder, const ResourceView& view) {
  if (view.verb != "impersonate" || view.group != "authentication.k8s.io") return nullptr;
  std::vector<RecordEntry> attrs;
  const EntityUid* uid = nullptr;
  if (view.resource == "users") {
    const Classified who = classify(view.name);
    uid = builder.uid(who.type == kNodeType ? kNodeType : kUserType, view.name);
    attrs.push_back(
        RecordEntry{"name", builder.string(who.type == kNodeType ? who.name : view.name)});
  } else if (view.resource == "groups") {
    uid = builder.uid(kGroupType, view.name);
    attrs.push_back(RecordEntry{"name", builder.string(view.name)});
  } else if (view.resource == "serviceaccounts") {
    uid = builder.uid(kServiceAccountType,
                      fmt::format("{}{}:{}", kServiceAccountPrefix, view.namespace_, view.name));
    attrs.push_back(RecordEntry{"name", builder.string(view.name)});
    attrs.push_back(RecordEntry{"namespace", builder.string(view.namespace_)});
  } else if (view.resource == "uids") {
    uid = builder.uid("k8s::PrincipalUID", view.name);
  } else if (view.resource == "userextras") {
    uid = builder.uid("k8s::Extra", view.subresource);
    attrs.push_back(RecordEntry{"key", builder.string(view.subresource)});
    if (!view.name.empty()) attrs.push_back(RecordEntry{"value", builder.string(view.name)});
  } else {
    return nullptr;
  }
  builder.add(uid, attrs);
  return uid;
}

const EntityUid* add_resource(Builder& builder, const ResourceView& view) {
  if (const EntityUid* impersonated = add_impersonated(builder, view)) return impersonated;
  std::vector<RecordEntry> attrs;
  attrs.push_back(RecordEntry{"apiGroup", builder.string(view.group)});
  attrs.push_back(RecordEntry{"resource", builder.string(view.resource)});
  if (!view.name.empty()) attrs.push_back(RecordEntry{"name", builder.string(view.name)});
  if (!view.namespace_.empty()) {
    attrs.push_back(RecordEntry{"namespace", builder.string(view.namespace_)});
  }
  if (!view.subresource.empty()) {
    attrs.push_back(RecordEntry{"subresource", builder.string(view.subresource)});
  }
  if (!view.labels.empty()) {
    attrs.push_back(RecordEntry{"labelSelector", label_selector_value(builder, view.labels)});
  }
  if (!view.fields.empty()) {
    attrs.push_back(RecordEntry{"fieldSelector", field_selector_value(builder, view.fields)});
  }
  const EntityUid* uid =
      builder.uid("k8s::Resource", resource_path(view.group, view.version, view.namespace_,
                                                 view.resource, view.name, view.subresource));
  builder.add(uid, attrs);
  return uid;
}

bool check_type_meta(Reader& reader, dom::object root, std::string_view kind,
                     std::string_view group, std::string_view& api_version) {
  std::string_view found_kind;
  if (!reader.string(root, "apiVersion", "", api_version, true) ||
      !reader.string(root, "kind", "", found_kind, true)) {
    return false;
  }
  const std::string_view version =
      api_version.starts_with(group) ? api_version.substr(group.size()) : std::string_view();
  if (version != "/v1" && version != "/v1beta1") {
    return reader.fail(fmt::format("apiVersion: expected `{0}/v1` or `{0}/v1beta1`, found `{1}`",
                                   group, api_version));
  }
  if (found_kind != kind) {
    return reader.fail(fmt::format("kind: expected `{}`, found `{}`", kind, found_kind));
  }
  return true;
}

Result<Review, BadRequest> finish(Builder& builder, Review& review, const EntityUid* principal,
                                  const EntityUid* action, const EntityUid* resource) {
  review.request.emplace(*principal, *action, *resource);
  auto entities = builder.build();
  if (!entities) return bad("cannot build the entities: " + entities.error().message);
  review.entities = std::move(*entities);
  return std::move(review);
}

}  // namespace

Result<Review, BadRequest> decode_access_review(std::string_view body, const DecodeLimits& limits) {
  auto parsed = parse_json(body, limits);
  if (!parsed) return Unexpected(parsed.error());
  const dom::object root = as_object(*parsed);
  Reader reader(limits);
  Review review;
  std::string_view api_version;
  std::optional<dom::object> spec;
  if (!check_type_meta(reader, root, "SubjectAccessReview", "authorization.k8s.io", api_version) ||
      !reader.object(root, "spec", "", spec, true)) {
    return Unexpected(reader.error);
  }
  review.api_version = api_version;
  // v1beta1 names the group list `group`.
  const std::string_view groups_key = api_version.ends_with("v1beta1") ? "group" : "groups";
  UserView user;
  std::optional<dom::object> resource_object;
  std::optional<dom::object> non_resource_object;
  if (!reader.string(*spec, "user", "spec", user.username) ||
      !reader.string(*spec, "uid", "spec", user.uid) ||
      !reader.strings(*spec, groups_key, "spec", user.groups) ||
      !read_extra(reader, *spec, "spec", user) ||
      !reader.object(*spec, "resourceAttributes", "spec", resource_object) ||
      !reader.object(*spec, "nonResourceAttributes", "spec", non_resource_object)) {
    return Unexpected(reader.error);
  }
  if (resource_object.has_value() == non_resource_object.has_value()) {
    return bad("spec: expected exactly one of resourceAttributes and nonResourceAttributes");
  }

  Builder builder;
  const EntityUid* principal = add_principal(builder, user, review.identity);
  const EntityUid* resource = nullptr;
  std::string_view verb;
  if (resource_object) {
    ResourceView view;
    if (!read_resource_attributes(reader, *resource_object, view)) {
      return Unexpected(reader.error);
    }
    verb = view.verb;
    resource = add_resource(builder, view);
    review.summary = fmt::format(
        "{} {} {}{}{}{}", user.username, verb, view.resource, view.subresource.empty() ? "" : "/",
        view.subresource,
        view.namespace_.empty() ? std::string() : fmt::format(" (namespace {})", view.namespace_));
  } else {
    std::string_view path;
    if (!reader.string(*non_resource_object, "path", "spec.nonResourceAttributes", path, true) ||
        !reader.string(*non_resource_object, "verb", "spec.nonResourceAttributes", verb, true)) {
      return Unexpected(reader.error);
    }
    std::array<RecordEntry, 1> attrs{RecordEntry{"path", builder.string(path)}};
    resource = builder.uid("k8s::NonResourceURL", path);
    builder.add(resource, attrs);
    review.summary = fmt::format("{} {} {}", user.username, verb, path);
  }
  const EntityUid* action = builder.uid("k8s::Action", verb);
  return finish(builder, review, principal, action, resource);
}

namespace {

// One path component as a Cedar identifier (see cedar_entity_type_for_kind).
std::string cedar_identifier(std::string_view text) {
  std::string identifier;
  identifier.reserve(text.size() + 1);
  for (const char c : text) {
    identifier += std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ? c : '_';
  }
  static constexpr std::array<std::string_view, 9> kReserved = {
      "true", "false", "if", "then", "else", "in", "is", "like", "has"};
  if (identifier.empty() || std::isdigit(static_cast<unsigned char>(identifier[0])) != 0 ||
      identifier.starts_with("__cedar") ||
      std::find(kReserved.begin(), kReserved.end(), identifier) != kReserved.end()) {
    identifier.insert(identifier.begin(), '_');
  }
  return identifier;
}

}  // namespace

std::string cedar_namespace_for_group(std::string_view group) {
  if (group.empty()) return "core";
  std::vector<std::string_view> labels;
  for (size_t start = 0;;) {
    const size_t dot = group.find('.', start);
    labels.push_back(group.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (group.ends_with(".k8s.io")) {
    labels.resize(1);
  } else {
    std::reverse(labels.begin(), labels.end());
  }
  std::string out;
  for (const std::string_view label : labels) {
    if (!out.empty()) out += "::";
    out += cedar_identifier(label);
  }
  return out;
}

std::string cedar_entity_type_for_kind(std::string_view group, std::string_view version,
                                       std::string_view kind) {
  return fmt::format("{}::{}::{}", cedar_namespace_for_group(group), cedar_identifier(version),
                     cedar_identifier(kind));
}

namespace {

struct AdmissionView {
  std::string_view uid, operation, name, namespace_, sub_resource;
  std::string_view kind_group, kind_version, kind;
  std::string_view resource_group, resource_version, resource;
  std::optional<dom::element> object, old_object;
};

bool read_admission_request(Reader& reader, dom::object request, AdmissionView& out,
                            UserView& user) {
  std::optional<dom::object> kind;
  std::optional<dom::object> resource;
  std::optional<dom::object> user_info;
  if (!reader.string(request, "uid", "request", out.uid, true) ||
      !reader.object(request, "kind", "request", kind, true) ||
      !reader.string(*kind, "group", "request.kind", out.kind_group) ||
      !reader.string(*kind, "version", "request.kind", out.kind_version, true) ||
      !reader.string(*kind, "kind", "request.kind", out.kind, true) ||
      !reader.object(request, "resource", "request", resource) ||
      !reader.string(request, "subResource", "request", out.sub_resource) ||
      !reader.string(request, "name", "request", out.name) ||
      !reader.string(request, "namespace", "request", out.namespace_) ||
      !reader.string(request, "operation", "request", out.operation, true) ||
      !reader.object(request, "userInfo", "request", user_info, true)) {
    return false;
  }
  if (resource && (!reader.string(*resource, "group", "request.resource", out.resource_group) ||
                   !reader.string(*resource, "version", "request.resource", out.resource_version) ||
                   !reader.string(*resource, "resource", "request.resource", out.resource))) {
    return false;
  }
  if (!reader.string(*user_info, "username", "request.userInfo", user.username) ||
      !reader.string(*user_info, "uid", "request.userInfo", user.uid) ||
      !reader.strings(*user_info, "groups", "request.userInfo", user.groups) ||
      !read_extra(reader, *user_info, "request.userInfo", user)) {
    return false;
  }
  for (const auto& [key, slot] :
       {std::pair{"object", &out.object}, {"oldObject", &out.old_object}}) {
    if (auto value = reader.field(request, key)) {
      if (!value->is_object()) {
        return reader.fail(
            fmt::format("request.{}: expected an object, found {}", key, type_word(*value)));
      }
      *slot = *value;
    }
  }
  return true;
}

// The object as a record plus its labels as tags; an absent object is an empty record.
Result<std::pair<Value, Value>, BadRequest> object_entity_values(
    Builder& builder, const std::optional<dom::element>& object, const PlanNode* plan,
    std::string_view path, const DecodeLimits& limits) {
  if (!object) {
    return std::pair{Value::from_canonical_record({}), Value::from_canonical_record({})};
  }
  std::vector<Label> labels;
  auto value = object_to_value(*object, plan, builder.arena(), limits.object, &labels);
  if (!value) return bad(fmt::format("{}: {}", path, value.error().message));
  std::vector<RecordEntry> tags;
  tags.reserve(labels.size());
  for (const Label& label : labels) {
    tags.push_back(RecordEntry{label.key, Value::from_string(label.value)});
  }
  // A repeated label key keeps its last value, as in the object's record.
  std::stable_sort(tags.begin(), tags.end(),
                   [](const RecordEntry& a, const RecordEntry& b) { return a.key < b.key; });
  std::vector<RecordEntry> unique;
  for (const RecordEntry& tag : tags) {
    if (!unique.empty() && unique.back().key == tag.key) {
      unique.back() = tag;
    } else {
      unique.push_back(tag);
    }
  }
  return std::pair{*value, builder.record(unique)};
}

}  // namespace

Result<Review, BadRequest> decode_admission_review(std::string_view body,
                                                   const ConversionPlan& plan,
                                                   const DecodeLimits& limits) {
  auto parsed = parse_json(body, limits);
  if (!parsed) return Unexpected(parsed.error());
  const dom::object root = as_object(*parsed);
  Reader reader(limits);
  Review review;
  std::string_view api_version;
  std::optional<dom::object> request;
  AdmissionView view;
  UserView user;
  if (!check_type_meta(reader, root, "AdmissionReview", "admission.k8s.io", api_version) ||
      !reader.object(root, "request", "", request, true) ||
      !read_admission_request(reader, *request, view, user)) {
    return Unexpected(reader.error);
  }
  review.api_version = api_version;
  review.uid = view.uid;
  std::string operation = lower(view.operation);
  if (operation != "create" && operation != "update" && operation != "delete" &&
      operation != "connect") {
    return bad(
        fmt::format("request.operation: expected CREATE, UPDATE, DELETE or CONNECT, found `{}`",
                    view.operation));
  }

  Builder builder;
  const EntityUid* principal = add_principal(builder, user, review.identity);
  const EntityUid* action = builder.uid("k8s::admission::Action", operation);
  const EntityUid* all = builder.uid("k8s::admission::Action", "all");
  builder.add(action, Value::from_canonical_record({}), std::span(&all, 1));

  const std::string type =
      cedar_entity_type_for_kind(view.kind_group, view.kind_version, view.kind);
  const PlanNode* object_plan = plan.for_entity_type(type);
  const bool is_delete = operation == "delete";
  const auto& object = is_delete && view.old_object ? view.old_object : view.object;
  auto values = object_entity_values(
      builder, object, object_plan,
      is_delete && view.old_object ? "request.oldObject" : "request.object", limits);
  if (!values) return Unexpected(values.error());
  Value attrs = values->first;
  if (operation == "update" && view.old_object) {
    auto old_values =
        object_entity_values(builder, view.old_object, object_plan, "request.oldObject", limits);
    if (!old_values) return Unexpected(old_values.error());
    const EntityUid* old_uid = builder.uid(type, view.uid);
    builder.add(old_uid, old_values->first, {}, old_values->second);
    std::vector<RecordEntry> entries;
    for (const RecordEntry& entry : attrs.record_entries()) {
      if (entry.key != "oldObject") entries.push_back(entry);
    }
    entries.push_back(RecordEntry{"oldObject", Value::from_entity(old_uid)});
    attrs = builder.record(entries);
  }
  const EntityUid* resource =
      builder.uid(type, resource_path(view.resource_group, view.resource_version, view.namespace_,
                                      view.resource, view.name, view.sub_resource));
  builder.add(resource, attrs, {}, values->second);
  review.summary = fmt::format(
      "{} {} {}{}{}{}", user.username, operation, type, view.name.empty() ? "" : " ", view.name,
      view.namespace_.empty() ? std::string() : fmt::format(" (namespace {})", view.namespace_));
  return finish(builder, review, principal, action, resource);
}

// ---------------------------------------------------------------------------------------------
// Selector strings: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, `a>1`,
// `a<1`, separated by commas.

namespace {

class SelectorParser {
 public:
  explicit SelectorParser(std::string_view text) : text_(text) {}

  Result<std::vector<SelectorRequirement>> parse() {
    std::vector<SelectorRequirement> out;
    skip_space();
    if (pos_ == text_.size()) return out;
    while (true) {
      SelectorRequirement requirement;
      if (!requirement_(requirement)) return fail(error_);
      out.push_back(std::move(requirement));
      skip_space();
      if (pos_ == text_.size()) return out;
      if (text_[pos_] != ',') return fail(expected("`,` or the end of the selector"));
      ++pos_;
      skip_space();
    }
  }

 private:
  static bool is_key_char(char c) {
    return std::isspace(static_cast<unsigned char>(c)) == 0 && c != '=' && c != '!' && c != '<' &&
           c != '>' && c != '(' && c != ')' && c != ',';
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) {
      ++pos_;
    }
  }
  std::string expected(std::string_view what) {
    return fmt::format("at column {} of `{}`: expected {}", pos_ + 1, text_, what);
  }
  std::string_view word() {
    const size_t start = pos_;
    while (pos_ < text_.size() && is_key_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  bool consume(std::string_view token) {
    if (text_.substr(pos_).starts_with(token)) {
      pos_ += token.size();
      return true;
    }
    return false;
  }
  bool failed(std::string message) {
    error_ = std::move(message);
    return false;
  }

  bool requirement_(SelectorRequirement& out) {
    if (consume("!")) {
      skip_space();
      out.key = word();
      out.op = "!";
      return !out.key.empty() || failed(expected("a key after `!`"));
    }
    out.key = word();
    if (out.key.empty()) return failed(expected("a key"));
    skip_space();
    if (pos_ == text_.size() || text_[pos_] == ',') {
      out.op = "exists";
      return true;
    }
    for (const auto& [token, op] :
         {std::pair{"==", "=="}, {"!=", "!="}, {"=", "="}, {">", "gt"}, {"<", "lt"}}) {
      if (consume(token)) {
        out.op = op;
        skip_space();
        out.values.emplace_back(word());
        return true;
      }
    }
    const std::string_view keyword = word();
    if (keyword != "in" && keyword != "notin") {
      return failed(expected("an operator (=, ==, !=, in, notin, >, <)"));
    }
    out.op = keyword;
    skip_space();
    if (!consume("(")) return failed(expected("`(`"));
    while (true) {
      skip_space();
      out.values.emplace_back(word());
      skip_space();
      if (consume(")")) return true;
      if (!consume(",")) return failed(expected("`,` or `)`"));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

Result<std::vector<SelectorRequirement>> parse_selector(std::string_view text) {
  return SelectorParser(text).parse();
}

}  // namespace eksguard::k8s_authz
