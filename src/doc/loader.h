// Loading YAML and JSON text into Documents. The format is recognised by content: text whose
// first significant character is '{' or '[' is JSON (simdjson); anything else is YAML (libyaml).
// Every limit guards against hostile input; exceeding one is an error naming the position.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "doc/node.h"

namespace eksguard::doc {

struct Limits {
  size_t max_depth = 128;                        // nesting of mappings/sequences
  size_t max_input_bytes = size_t{512} << 20;    // one file or stdin
  size_t max_document_bytes = size_t{64} << 20;  // one YAML document
  size_t max_alias_nodes = 100000;               // nodes copied through YAML aliases per document
  size_t max_nodes = 20'000'000;                 // nodes per document
  // JSON only: a key given twice in one object is an error (Cedar's JSON formats) instead of the
  // later value winning (Kubernetes' JSON decoding).
  bool reject_duplicate_keys = false;
};

// Error::code of the error reject_duplicate_keys gives (callers map it to their own codes).
inline constexpr std::string_view kDuplicateKeyCode = "doc.json.duplicate-key";

// The handler may keep the document by moving it out.
using DocumentHandler = std::function<void(Document&)>;

// Parses every document in `text` and hands each one to `on_document` as soon as it is built
// (the document is destroyed afterwards). Returns the errors met; documents before and after a
// broken YAML document are still delivered where the stream can be resynchronised at "---".
std::vector<Error> load_text(std::string_view text, std::string_view file, const Limits& limits,
                             const DocumentHandler& on_document);

// Convenience for tests and small inputs: all documents, or the first error.
Result<std::vector<Document>> load_all(std::string_view text, std::string_view file = "<input>",
                                       const Limits& limits = {});

}  // namespace eksguard::doc

namespace eksguard::doc {

// Input text followed by the zero padding simdjson needs, so JSON is parsed without a copy.
class PaddedText {
 public:
  PaddedText() = default;
  explicit PaddedText(std::string_view text);
  std::string_view view() const { return {storage_.data(), size_}; }
  size_t size() const { return size_; }

 private:
  friend Result<PaddedText> read_input(const std::string& path, const Limits& limits);
  std::string storage_;
  size_t size_ = 0;
};

// Reads a file, or standard input for "-", refusing inputs over limits.max_input_bytes.
Result<PaddedText> read_input(const std::string& path, const Limits& limits);

// As load_text, without copying JSON input.
std::vector<Error> load_padded(const PaddedText& text, std::string_view file, const Limits& limits,
                               const DocumentHandler& on_document);

}  // namespace eksguard::doc
