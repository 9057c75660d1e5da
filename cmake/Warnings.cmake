# One place for the warning policy: strict everywhere, fatal when EKSGUARD_WERROR is on (CI).
function(eksguard_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
    -Wimplicit-fallthrough
    # g++ 12 at -O2/-O3 reports -Wrestrict on ordinary `"text" + std::string` (GCC bug 105329).
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
  if(EKSGUARD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
