// How much stack the calling thread has left. The parser and the evaluator recurse over
// expressions; besides their depth limits they stop with an error when the stack runs low, so
// even a thread with a small stack cannot be crashed by a deep policy (Rust Cedar checks the
// same before every recursive step).
#pragma once

#include <cstddef>

namespace eksguard::cedar::internal {

// Stack that must remain before recursing further.
constexpr size_t kStackReserve = size_t{64} << 10;

// Bytes between the caller's frame and the end of this thread's stack; SIZE_MAX when the
// platform cannot tell.
size_t remaining_stack();

inline bool stack_is_low() {
  return remaining_stack() < kStackReserve;
}

}  // namespace eksguard::cedar::internal
