#include "cedar/ast.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "cedar/extension_functions.h"
#include "cedar/internal/names.h"

namespace eksguard::cedar {

std::string_view binary_operator(ExprKind kind) {
  switch (kind) {
    case ExprKind::kAnd:
      return "&&";
    case ExprKind::kOr:
      return "||";
    case ExprKind::kEq:
      return "==";
    case ExprKind::kNotEq:
      return "!=";
    case ExprKind::kLess:
      return "<";
    case ExprKind::kLessEq:
      return "<=";
    case ExprKind::kGreater:
      return ">";
    case ExprKind::kGreaterEq:
      return ">=";
    case ExprKind::kAdd:
      return "+";
    case ExprKind::kSub:
      return "-";
    case ExprKind::kMul:
      return "*";
    case ExprKind::kIn:
      return "in";
    default:
      return "";
  }
}

std::string_view method_name(ExprKind kind) {
  switch (kind) {
    case ExprKind::kIsEmpty:
      return "isEmpty";
    case ExprKind::kContains:
      return "contains";
    case ExprKind::kContainsAll:
      return "containsAll";
    case ExprKind::kContainsAny:
      return "containsAny";
    case ExprKind::kGetTag:
      return "getTag";
    case ExprKind::kHasTag:
      return "hasTag";
    default:
      return "";
  }
}

namespace {

// Operands are parenthesised unless they are atoms, so the output re-parses to the same tree.
std::string operand(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kLiteral:
      // `-1.foo` would read as `-(1.foo)`.
      if (expr.literal.is_long() && expr.literal.as_long() < 0) break;
      return to_cedar_string(expr);
    case ExprKind::kVar:
    case ExprKind::kSlot:
    case ExprKind::kSet:
    case ExprKind::kRecord:
    case ExprKind::kGetAttr:
    case ExprKind::kExtensionCall:
      return to_cedar_string(expr);
    default:
      break;
  }
  return fmt::format("({})", to_cedar_string(expr));
}

std::string attribute_access(std::string_view name) {
  return is_plain_attribute(name) ? fmt::format(".{}", name)
                                  : fmt::format("[{}]", quote_string(name));
}

}  // namespace

std::string quote_pattern(std::span<const PatternPart> pattern) {
  std::string out = "\"";
  for (const PatternPart& part : pattern) {
    if (part.wildcard) {
      out += '*';
      continue;
    }
    const std::string quoted = quote_string(part.text);
    for (size_t i = 1; i + 1 < quoted.size(); ++i) {
      if (quoted[i] == '*') out += '\\';
      out += quoted[i];
    }
  }
  return out + "\"";
}

bool is_plain_attribute(std::string_view name) {
  return internal::is_identifier(name) && !internal::is_reserved_identifier(name) &&
         name != "__cedar";
}

std::string_view to_string(Var var) {
  switch (var) {
    case Var::kPrincipal:
      return "principal";
    case Var::kAction:
      return "action";
    case Var::kResource:
      return "resource";
    case Var::kContext:
      return "context";
  }
  return "";
}

std::string_view to_string(SlotId slot) {
  return slot == SlotId::kPrincipal ? "?principal" : "?resource";
}

std::optional<std::string_view> Policy::annotation(std::string_view key) const {
  for (const PolicyAnnotation& entry : annotations) {
    if (entry.key == key) return entry.value;
  }
  return std::nullopt;
}

std::string to_cedar_string(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kLiteral:
      return to_cedar_string(expr.literal);
    case ExprKind::kVar:
      return std::string(to_string(expr.var()));
    case ExprKind::kSlot:
      return std::string(to_string(expr.slot()));
    case ExprKind::kIf:
      return fmt::format("if {} then {} else {}", to_cedar_string(*expr.a),
                         to_cedar_string(*expr.b), to_cedar_string(*expr.c));
    case ExprKind::kNot:
      return fmt::format("!{}", operand(*expr.a));
    case ExprKind::kNeg:
      return fmt::format("-{}", operand(*expr.a));
    case ExprKind::kIsEmpty:
      return fmt::format("{}.isEmpty()", operand(*expr.a));
    case ExprKind::kContains:
    case ExprKind::kContainsAll:
    case ExprKind::kContainsAny:
    case ExprKind::kGetTag:
    case ExprKind::kHasTag:
      return fmt::format("{}.{}({})", operand(*expr.a), method_name(expr.kind),
                         to_cedar_string(*expr.b));
    case ExprKind::kGetAttr:
      return operand(*expr.a) + attribute_access(expr.name);
    case ExprKind::kHasAttr: {
      bool identifiers = true;
      for (std::string_view part : expr.path) identifiers = identifiers && is_plain_attribute(part);
      if (!identifiers)
        return fmt::format("{} has {}", operand(*expr.a), quote_string(expr.path[0]));
      return fmt::format("{} has {}", operand(*expr.a), fmt::join(expr.path, "."));
    }
    case ExprKind::kLike:
      return fmt::format("{} like {}", operand(*expr.a), quote_pattern(expr.pattern));
    case ExprKind::kIs:
      if (expr.b == nullptr) return fmt::format("{} is {}", operand(*expr.a), expr.name);
      return fmt::format("{} is {} in {}", operand(*expr.a), expr.name, operand(*expr.b));
    case ExprKind::kSet: {
      std::vector<std::string> items;
      for (const Expr* item : expr.items) items.push_back(to_cedar_string(*item));
      return fmt::format("[{}]", fmt::join(items, ", "));
    }
    case ExprKind::kRecord: {
      std::vector<std::string> fields;
      for (const RecordField& field : expr.fields) {
        fields.push_back(
            fmt::format("{}: {}", quote_string(field.key), to_cedar_string(*field.value)));
      }
      return fmt::format("{{{}}}", fmt::join(fields, ", "));
    }
    case ExprKind::kExtensionCall: {
      const ExtensionFunction& function =
          extension_function(static_cast<ExtensionFunctionId>(expr.tag));
      const bool method = function.method_style && !expr.items.empty();
      std::vector<std::string> args;
      for (size_t i = method ? 1 : 0; i < expr.items.size(); ++i) {
        args.push_back(to_cedar_string(*expr.items[i]));
      }
      if (method) {
        return fmt::format("{}.{}({})", operand(*expr.items[0]), function.name,
                           fmt::join(args, ", "));
      }
      return fmt::format("{}({})", function.name, fmt::join(args, ", "));
    }
    default:
      return fmt::format("{} {} {}", operand(*expr.a), binary_operator(expr.kind),
                         operand(*expr.b));
  }
}

}  // namespace eksguard::cedar
