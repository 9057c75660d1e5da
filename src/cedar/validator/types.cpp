#include "cedar/validator/types.h"

#include <algorithm>

namespace eksguard::cedar::validation {
namespace {

const std::vector<AttrType>& no_attributes() {
  static const std::vector<AttrType> empty;
  return empty;
}

// Every attribute of `other` is in `self` with a subtype (and, in strict mode, the same
// optionality; permissively a required attribute may stand for an optional one).
bool attributes_subtype(std::span<const AttrType> self, std::span<const AttrType> other,
                        Mode mode) {
  for (const AttrType& wanted : other) {
    const auto it = std::find_if(self.begin(), self.end(),
                                 [&](const AttrType& a) { return a.name == wanted.name; });
    if (it == self.end()) return false;
    const bool qualifier =
        mode == Mode::kStrict ? it->required == wanted.required : it->required || !wanted.required;
    if (!qualifier || !is_subtype(it->type, wanted.type, mode)) return false;
  }
  return true;
}

bool same_keys(std::span<const AttrType> a, std::span<const AttrType> b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name) return false;  // both sorted by name
  }
  return true;
}

bool record_subtype(const Type& sub, const Type& super, Mode mode) {
  // An open record may hold values a closed one may not.
  if (sub.open() && !super.open()) return false;
  // Width subtyping only into an open record, and never in strict mode.
  if (super.open() && mode != Mode::kStrict &&
      attributes_subtype(sub.attributes(), super.attributes(), mode)) {
    return true;
  }
  return same_keys(sub.attributes(), super.attributes()) &&
         attributes_subtype(sub.attributes(), super.attributes(), mode);
}

std::optional<Type> fail(LubHelp* help, LubHelp why) {
  if (help != nullptr) *help = why;
  return std::nullopt;
}

// Strict LUB of two attribute lists: the same names, the same optionality, compatible types.
std::optional<std::vector<AttrType>> attributes_lub(std::span<const AttrType> a,
                                                    std::span<const AttrType> b, LubHelp* help) {
  if (!same_keys(a, b)) {
    if (help != nullptr) *help = LubHelp::kRecordWidth;
    return std::nullopt;
  }
  std::vector<AttrType> out;
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    auto lub = least_upper_bound(a[i].type, b[i].type, help);
    if (!lub) return std::nullopt;
    if (a[i].required != b[i].required) {
      if (help != nullptr) *help = LubHelp::kAttributeQualifier;
      return std::nullopt;
    }
    out.push_back({a[i].name, std::move(*lub), a[i].required});
  }
  return out;
}

std::optional<Type> entity_record_lub(const Type& a, const Type& b, LubHelp* help) {
  const bool a_record = a.is(Kind::kRecord);
  const bool b_record = b.is(Kind::kRecord);
  if (a_record && b_record) {
    auto attributes = attributes_lub(a.attributes(), b.attributes(), help);
    if (!attributes) return std::nullopt;
    return Type::record(std::move(*attributes), a.open() || b.open());
  }
  if (a_record || b_record) return fail(help, LubHelp::kEntityRecord);
  if (a.is(Kind::kAction) && b.is(Kind::kAction) && a.name() == b.name()) return a;
  if (a.is(Kind::kAnyEntity) && b.is(Kind::kAnyEntity)) return a;
  // Entity types are nominal; strict mode has no union of two of them.
  return fail(help, LubHelp::kEntityType);
}

void append_attributes(std::string& out, std::span<const AttrType> attributes) {
  out += "{";
  for (const AttrType& attribute : attributes) {
    out += attribute.name;
    if (!attribute.required) out += "?";
    out += ": ";
    out += attribute.type.to_string();
    out += ",";
  }
  out += "}";
}

}  // namespace

Type Type::set_of(Type element) {
  Type type(Kind::kSet);
  type.element_ = std::make_shared<const Type>(std::move(element));
  return type;
}

Type Type::record(std::vector<AttrType> attributes, bool open) {
  Type type(Kind::kRecord);
  type.open_ = open;
  if (!attributes.empty()) {
    type.attributes_ = std::make_shared<const std::vector<AttrType>>(std::move(attributes));
  }
  return type;
}

Type Type::entity(std::string_view name) {
  Type type(Kind::kEntity);
  type.name_ = name;
  return type;
}

Type Type::action(std::string_view name) {
  Type type(Kind::kAction);
  type.name_ = name;
  return type;
}

Type Type::extension(ExtensionType extension) {
  Type type(Kind::kExtension);
  type.extension_ = extension;
  return type;
}

std::span<const AttrType> Type::attributes() const {
  return attributes_ ? std::span<const AttrType>(*attributes_)
                     : std::span<const AttrType>(no_attributes());
}

const AttrType* Type::find_attribute(std::string_view name) const {
  const auto attributes = this->attributes();
  const auto it = std::lower_bound(
      attributes.begin(), attributes.end(), name,
      [](const AttrType& attribute, std::string_view key) { return attribute.name < key; });
  return it != attributes.end() && it->name == name ? &*it : nullptr;
}

std::string Type::to_string() const {
  switch (kind_) {
    case Kind::kNever:
      return "__cedar::internal::Never";
    case Kind::kTrue:
      return "__cedar::internal::True";
    case Kind::kFalse:
      return "__cedar::internal::False";
    case Kind::kBool:
      return "Bool";
    case Kind::kLong:
      return "Long";
    case Kind::kString:
      return "String";
    case Kind::kSet:
      return element_ ? "Set<" + element_->to_string() + ">" : "Set<__cedar::internal::Any>";
    case Kind::kRecord: {
      std::string out = open_ ? "__cedar::internal::OpenRecord" : "";
      append_attributes(out, attributes());
      return out;
    }
    case Kind::kEntity:
    case Kind::kAction:
      return std::string(name_);
    case Kind::kAnyEntity:
      return "__cedar::internal::AnyEntity";
    case Kind::kExtension:
      return std::string(extension_type_name(extension_));
  }
  return {};
}

bool operator==(const Type& a, const Type& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Kind::kSet:
      if ((a.element_ == nullptr) != (b.element_ == nullptr)) return false;
      return a.element_ == nullptr || *a.element_ == *b.element_;
    case Kind::kRecord: {
      if (a.open_ != b.open_) return false;
      const auto x = a.attributes();
      const auto y = b.attributes();
      return std::equal(x.begin(), x.end(), y.begin(), y.end());
    }
    case Kind::kEntity:
    case Kind::kAction:
      return a.name_ == b.name_;
    case Kind::kExtension:
      return a.extension_ == b.extension_;
    default:
      return true;
  }
}

ExtensionType extension_type_of(ExtensionKind kind) {
  switch (kind) {
    case ExtensionKind::kDecimal:
      return ExtensionType::kDecimal;
    case ExtensionKind::kIpAddr:
      return ExtensionType::kIpAddr;
    case ExtensionKind::kDatetime:
      return ExtensionType::kDatetime;
    case ExtensionKind::kDuration:
      break;
  }
  return ExtensionType::kDuration;
}

std::string_view lub_help_text(LubHelp help) {
  switch (help) {
    case LubHelp::kAttributeQualifier:
      return "Corresponding attributes of compatible record types must have the same "
             "optionality, either both being required or both being optional";
    case LubHelp::kRecordWidth:
      return "Compatible record types must have exactly the same attributes";
    case LubHelp::kEntityType:
      return "Different entity types are never compatible even when their attributes would be "
             "compatible";
    case LubHelp::kEntityRecord:
      return "Entity and record types are never compatible even when their attributes would be "
             "compatible";
    case LubHelp::kNone:
      break;
  }
  return "Types must be exactly equal to be compatible";
}

Type TypeContext::convert(const SchemaType& type) {
  const void* key = type.node().get();
  if (const auto it = converted_.find(key); it != converted_.end()) return it->second;
  Type out;
  switch (type.kind()) {
    case TypeKind::kBool:
      out = Type::boolean();
      break;
    case TypeKind::kLong:
      out = Type::long_type();
      break;
    case TypeKind::kString:
      out = Type::string_type();
      break;
    case TypeKind::kSet:
      out = Type::set_of(convert(type.element()));
      break;
    case TypeKind::kRecord: {
      std::vector<AttrType> attributes;
      for (const AttributeDef& attribute : type.attributes()) {
        attributes.push_back({attribute.name, convert(attribute.type), attribute.required});
      }
      out = Type::record(std::move(attributes), type.additional_attributes());
      break;
    }
    case TypeKind::kEntity:
      out = Type::entity(type.entity_type());
      break;
    case TypeKind::kExtension:
      out = Type::extension(type.extension_type());
      break;
  }
  converted_.emplace(key, out);
  return out;
}

const Type& TypeContext::entity_attributes(std::string_view entity_type) {
  if (const auto it = entity_records_.find(entity_type); it != entity_records_.end()) {
    return it->second;
  }
  const EntityTypeDef* def = schema_.find_entity_type(entity_type);
  Type record = def != nullptr ? convert(def->shape) : Type::any_record();
  return entity_records_.emplace(entity_type, std::move(record)).first->second;
}

bool TypeContext::entity_open(std::string_view entity_type) {
  return entity_attributes(entity_type).open();
}

bool is_subtype(const Type& sub, const Type& super, Mode mode) {
  const Kind a = sub.kind();
  const Kind b = super.kind();
  if (a == Kind::kNever) return true;
  switch (a) {
    case Kind::kTrue:
    case Kind::kFalse:
      return b == Kind::kBool || a == b;
    case Kind::kBool:
    case Kind::kLong:
    case Kind::kString:
      return a == b;
    case Kind::kSet:
      if (b != Kind::kSet) return false;
      if (super.element() == nullptr) return true;
      return sub.element() != nullptr && is_subtype(*sub.element(), *super.element(), mode);
    case Kind::kRecord:
      return b == Kind::kRecord && record_subtype(sub, super, mode);
    case Kind::kEntity:
    case Kind::kAction:
      if (b == Kind::kAnyEntity) return mode != Mode::kStrict;
      return a == b && sub.name() == super.name();
    case Kind::kAnyEntity:
      return b == Kind::kAnyEntity;
    case Kind::kExtension:
      return b == Kind::kExtension && sub.extension_type() == super.extension_type();
    case Kind::kNever:
      break;
  }
  return false;
}

std::optional<Type> least_upper_bound(const Type& a, const Type& b, LubHelp* help) {
  if (is_subtype(a, b, Mode::kStrict)) return b;
  if (is_subtype(b, a, Mode::kStrict)) return a;
  if (a.is_singleton() && b.is_singleton()) return Type::boolean();
  if (a.is(Kind::kSet) && b.is(Kind::kSet)) {
    if (a.element() == nullptr || b.element() == nullptr) return Type::any_set();
    auto element = least_upper_bound(*a.element(), *b.element(), help);
    if (!element) return std::nullopt;
    return Type::set_of(std::move(*element));
  }
  const auto entity_or_record = [](const Type& t) {
    return t.is(Kind::kRecord) || t.is_entity_like();
  };
  if (entity_or_record(a) && entity_or_record(b)) return entity_record_lub(a, b, help);
  return fail(help, LubHelp::kNone);
}

bool are_disjoint(const Type& a, const Type& b) {
  const auto named = [](const Type& t) { return t.is(Kind::kEntity) || t.is(Kind::kAction); };
  return named(a) && named(b) && a.name() != b.name();
}

std::optional<AttrType> lookup_attribute(TypeContext& context, const Type& type,
                                         std::string_view attribute) {
  const AttrType* found = nullptr;
  switch (type.kind()) {
    case Kind::kRecord:
    case Kind::kAction:  // actions have no attributes in Cedar 4 schemas
      found = type.find_attribute(attribute);
      break;
    case Kind::kEntity:
      found = context.entity_attributes(type.name()).find_attribute(attribute);
      break;
    default:
      break;
  }
  if (found == nullptr) return std::nullopt;
  return *found;
}

bool may_have_attribute(TypeContext& context, const Type& type, std::string_view attribute) {
  switch (type.kind()) {
    case Kind::kNever:
    case Kind::kAnyEntity:
      return true;
    case Kind::kRecord:
      return type.open() || type.find_attribute(attribute) != nullptr;
    case Kind::kAction:
      return type.find_attribute(attribute) != nullptr;
    case Kind::kEntity: {
      const Type& record = context.entity_attributes(type.name());
      return record.open() || record.find_attribute(attribute) != nullptr;
    }
    default:
      return false;
  }
}

std::vector<std::string_view> known_attributes(TypeContext& context, const Type& type) {
  std::span<const AttrType> attributes;
  if (type.is(Kind::kRecord) || type.is(Kind::kAction)) attributes = type.attributes();
  if (type.is(Kind::kEntity)) attributes = context.entity_attributes(type.name()).attributes();
  std::vector<std::string_view> names;
  for (const AttrType& attribute : attributes) names.push_back(attribute.name);
  return names;
}

}  // namespace eksguard::cedar::validation
