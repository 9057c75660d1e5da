// JSON loading with simdjson's On-Demand API (internal to the doc component; use loader.h).
#pragma once

#include "doc/loader.h"

namespace eksguard::doc::internal {

// `text` must be followed by at least simdjson::SIMDJSON_PADDING readable bytes.
std::vector<Error> load_json_padded(std::string_view text, std::string_view file,
                                    const Limits& limits, const DocumentHandler& on_document);

}  // namespace eksguard::doc::internal
