#include "cedar/internal/stack.h"

#include <pthread.h>

#include <cstdint>
#include <limits>

namespace eksguard::cedar::internal {
namespace {

// The lowest usable address of this thread's stack (stacks grow down on every platform we
// build for), or 0 when unknown. Looked up once per thread.
uintptr_t stack_limit() {
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) != 0) return 0;
  void* low = nullptr;
  size_t size = 0;
  const int status = pthread_attr_getstack(&attributes, &low, &size);
  pthread_attr_destroy(&attributes);
  return status == 0 ? reinterpret_cast<uintptr_t>(low) : 0;
}

}  // namespace

size_t remaining_stack() {
  thread_local const uintptr_t limit = stack_limit();
  if (limit == 0) return std::numeric_limits<size_t>::max();
  const char here = 0;
  const auto position = reinterpret_cast<uintptr_t>(&here);
  return position > limit ? position - limit : 0;
}

}  // namespace eksguard::cedar::internal
