// YAML loading with libyaml's event API (internal to the doc component; use loader.h).
#pragma once

#include "doc/loader.h"

namespace eksguard::doc::internal {

// Loads a YAML stream. `line_offset` is added to every reported line (used when the stream is
// restarted after an error). Returns errors; stops at the first parse error of the stream and
// reports where it stopped, so the caller can resynchronise.
struct YamlStreamResult {
  std::vector<Error> errors;
  size_t stopped_at = 0;  // byte offset where parsing stopped on an error (0 if it completed)
  bool completed = true;
};

YamlStreamResult load_yaml_stream(std::string_view text, std::string_view file,
                                  uint32_t line_offset, uint32_t first_index,
                                  uint32_t* documents_seen, const Limits& limits,
                                  const DocumentHandler& on_document);

// Resolves a plain YAML scalar as Kubernetes' YAML decoder does (YAML 1.1 core types).
NodeKind resolve_plain_scalar(std::string_view text);

}  // namespace eksguard::doc::internal
