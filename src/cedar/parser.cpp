#include "cedar/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "cedar/internal/policy_parser.h"

namespace eksguard::cedar {

using internal::Parser;
namespace code = internal::code;

LineColumn line_column(std::string_view source, uint32_t offset) {
  LineColumn position;
  const size_t end = std::min<size_t>(offset, source.size());
  size_t line_start = 0;
  for (size_t i = 0; i < end; ++i) {
    if (source[i] == '\n') {
      ++position.line;
      line_start = i + 1;
    }
  }
  position.column = static_cast<uint32_t>(end - line_start + 1);
  return position;
}

Result<std::pair<std::string, std::string>> parse_entity_uid(std::string_view text) {
  Arena arena;
  std::vector<ParseError> errors;
  const ParseOptions options;
  Parser parser(text, "<entity uid>", arena, options, errors);
  const EntityUid* uid = parser.parse_entity_literal();
  if (uid == nullptr || !errors.empty()) {
    const std::string message =
        errors.empty() ? std::string("invalid entity uid") : errors.front().diagnostic.message;
    return fail(fmt::format("`{}` is not an entity uid: {}", text, message));
  }
  return std::pair{std::string(uid->type), std::string(uid->id)};
}

ParsedPolicies parse_policies(std::string_view source, std::string file,
                              const ParseOptions& options) {
  ParsedPolicies parsed;
  parsed.arena = std::make_unique<Arena>();
  parsed.file = std::move(file);
  if (source.size() > options.max_bytes) {
    ParseError too_large;
    too_large.diagnostic = make_diagnostic(
        std::string(code::kTooLarge),
        fmt::format("policy text is larger than the limit of {} bytes", options.max_bytes),
        parsed.file, 1, 1, 0);
    parsed.errors.push_back(std::move(too_large));
    return parsed;
  }
  parsed.source = parsed.arena->copy(source);
  Parser parser(parsed.source, parsed.file, *parsed.arena, options, parsed.errors);
  parsed.policies = parser.parse_all();
  if (!parsed.errors.empty()) parsed.policies.clear();
  return parsed;
}

}  // namespace eksguard::cedar
