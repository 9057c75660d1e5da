// Escaping text for XML 1.0 documents (the JUnit report). The output is always well-formed
// UTF-8: markup characters become entities, and characters XML 1.0 cannot hold at all (most
// C0 controls, U+FFFE, U+FFFF) and ill-formed UTF-8 become U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace eksguard::report {

// For element content: escapes & < > and keeps \r (as &#13;) from being normalised away.
void append_xml_text(std::string& out, std::string_view text);

// For a double-quoted attribute value: also escapes quotes, and tab/newline/carriage return as
// character references so attribute-value normalisation keeps them.
void append_xml_attribute(std::string& out, std::string_view text);

}  // namespace eksguard::report
