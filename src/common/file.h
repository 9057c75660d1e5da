// Reading a whole file that an operator points us at (policies, schema fragments), refusing
// files over a size limit before reading them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace eksguard {

// The file's bytes; an error naming the path when it cannot be read or is larger than
// `max_bytes`.
Result<std::string> read_file_bounded(const std::filesystem::path& path, size_t max_bytes);

}  // namespace eksguard
