// Prints a Schema in the Cedar schema syntax, in the layout Cedar's own formatter uses
// (two-space indents, quoted attribute and action names). Common types are printed as
// declarations and referred to by name; names are shortened where the short form resolves to
// the same declaration. Parsing the output gives back an equal Schema, except that an action
// applying to no principal or no resource loses its context, as in Cedar.
#pragma once

#include <string>

#include "cedar/schema/schema.h"
#include "common/result.h"

namespace eksguard::cedar {

// Fails only when the Cedar syntax cannot name a type the schema uses: an entity type whose
// fully qualified name is also a common type's.
Result<std::string> to_cedar_text(const Schema& schema);

}  // namespace eksguard::cedar
