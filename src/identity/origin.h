// Where an identity fact came from: file, 1-based position and field path. Identity models keep
// copies of these (never pointers into documents), so they outlive the documents they came from.
#pragma once

#include <string>

#include "doc/node.h"

namespace eksguard::identity {

struct Origin {
  std::string file;
  doc::Position position;
  std::string path;  // e.g. "data.mapRoles[2].groups[0]"; "" for a whole document
};

}  // namespace eksguard::identity
