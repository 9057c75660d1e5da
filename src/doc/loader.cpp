#include "doc/loader.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "doc/json_loader.h"
#include "doc/yaml_loader.h"

namespace eksguard::doc {
namespace {

bool looks_like_json(std::string_view text) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
    text.remove_prefix(3);
  }
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{' || c == '[';
  }
  return false;
}

bool is_document_marker(std::string_view text, size_t line) {
  return text.compare(line, 3, "---") == 0 &&
         (line + 3 == text.size() || text[line + 3] == ' ' || text[line + 3] == '\n' ||
          text[line + 3] == '\r' || text[line + 3] == '\t');
}

// Start of the first line at or after the line holding `from` that begins with a document
// marker ("---" followed by a blank or the end); npos when there is none. Never 0, so the
// caller always makes progress.
size_t next_document_marker(std::string_view text, size_t from) {
  from = std::min(from, text.size());
  size_t line = from == 0 ? 0 : text.rfind('\n', from - 1);
  line = line == std::string_view::npos ? 0 : line + 1;
  while (true) {
    if (line > 0 && is_document_marker(text, line)) return line;
    line = text.find('\n', line);
    if (line == std::string_view::npos) return line;
    ++line;
  }
}

uint32_t count_lines(std::string_view text) {
  uint32_t lines = 0;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  return lines;
}

std::vector<Error> load_yaml(std::string_view text, std::string_view file, const Limits& limits,
                             const DocumentHandler& on_document) {
  std::vector<Error> errors;
  size_t offset = 0;
  uint32_t line_offset = 0;
  uint32_t index = 0;
  while (true) {
    const std::string_view rest = text.substr(offset);
    internal::YamlStreamResult result =
        internal::load_yaml_stream(rest, file, line_offset, index, &index, limits, on_document);
    errors.insert(errors.end(), result.errors.begin(), result.errors.end());
    if (result.completed) break;
    // Resynchronise at the next "---" so one broken document does not hide the others.
    const size_t marker = next_document_marker(rest, result.stopped_at);
    if (marker == std::string_view::npos) break;
    line_offset += count_lines(rest.substr(0, marker));
    offset += marker;
  }
  return errors;
}

std::vector<Error> load_json_or_yaml(const PaddedText& text, std::string_view file,
                                     const Limits& limits, const DocumentHandler& on_document) {
  std::vector<Error> errors = internal::load_json_padded(text.view(), file, limits, on_document);
  if (errors.empty() || errors.front().line > 1 || errors.front().column > 1) return errors;
  // simdjson rejects malformed JSON without a position. libyaml reads JSON too: it either
  // accepts the text (YAML flow syntax is more lenient) or says where the problem is.
  std::vector<Error> yaml_errors = load_yaml(text.view(), file, limits, on_document);
  for (Error& error : yaml_errors) {
    error.message = fmt::format("{} ({})", errors.front().message, error.message);
  }
  return yaml_errors;
}

}  // namespace

PaddedText::PaddedText(std::string_view text) : size_(text.size()) {
  storage_.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  storage_.assign(text);
  storage_.append(simdjson::SIMDJSON_PADDING, '\0');
}

Result<PaddedText> read_input(const std::string& path, const Limits& limits) {
  const bool is_stdin = path == "-";
  std::unique_ptr<FILE, int (*)(FILE*)> file(is_stdin ? stdin : std::fopen(path.c_str(), "rb"),
                                             is_stdin ? [](FILE*) { return 0; } : &std::fclose);
  if (!file) return fail(fmt::format("cannot open: {}", std::strerror(errno)));
  PaddedText text;
  std::string& buffer = text.storage_;
  constexpr size_t kChunk = 1 << 16;
  while (true) {
    const size_t used = text.size_;
    buffer.resize(used + kChunk);
    const size_t got = std::fread(buffer.data() + used, 1, kChunk, file.get());
    text.size_ += got;
    if (text.size_ > limits.max_input_bytes) {
      return fail(fmt::format("input larger than {} bytes", limits.max_input_bytes));
    }
    if (got < kChunk) break;
  }
  if (std::ferror(file.get()) != 0)
    return fail(fmt::format("read error: {}", std::strerror(errno)));
  buffer.resize(text.size_ + simdjson::SIMDJSON_PADDING);
  std::memset(buffer.data() + text.size_, 0, simdjson::SIMDJSON_PADDING);
  return text;
}

std::vector<Error> load_padded(const PaddedText& text, std::string_view file, const Limits& limits,
                               const DocumentHandler& on_document) {
  if (looks_like_json(text.view())) return load_json_or_yaml(text, file, limits, on_document);
  return load_yaml(text.view(), file, limits, on_document);
}

std::vector<Error> load_text(std::string_view text, std::string_view file, const Limits& limits,
                             const DocumentHandler& on_document) {
  if (text.size() > limits.max_input_bytes) {
    return {Error{fmt::format("input larger than {} bytes", limits.max_input_bytes), 0, 0}};
  }
  if (looks_like_json(text)) return load_json_or_yaml(PaddedText(text), file, limits, on_document);
  return load_yaml(text, file, limits, on_document);
}

Result<std::vector<Document>> load_all(std::string_view text, std::string_view file,
                                       const Limits& limits) {
  std::vector<Document> documents;
  std::vector<Error> errors = load_text(text, file, limits, [&documents](Document& document) {
    documents.push_back(std::move(document));
  });
  if (!errors.empty()) return Unexpected<Error>(std::move(errors.front()));
  return documents;
}

}  // namespace eksguard::doc
