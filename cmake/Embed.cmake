# Turns a data file into a C++ source defining `eksguard::embedded::<SYMBOL>` (the bytes plus a
# terminating NUL) and `<SYMBOL>_size`. Run as: cmake -DINPUT=… -DOUTPUT=… -DSYMBOL=… -P Embed.cmake
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/Embed.cmake; do not edit.\n"
  "#include <cstddef>\n"
  "namespace eksguard::embedded {\n"
  "extern const char ${SYMBOL}[];\n"
  "extern const size_t ${SYMBOL}_size;\n"
  "const char ${SYMBOL}[] = {${bytes}'\\0'};\n"
  "const size_t ${SYMBOL}_size = ${size};\n"
  "}  // namespace eksguard::embedded\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
