// Bounded whole-file reads (see file.h).
#include "common/file.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace eksguard {

Result<std::string> read_file_bounded(const std::filesystem::path& path, size_t max_bytes) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return fail(fmt::format("{}: cannot read: {}", path.string(), error.message()));
  if (size > max_bytes) {
    return fail(fmt::format("{}: {} bytes is larger than the limit of {} bytes", path.string(),
                            size, max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot open", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace eksguard
