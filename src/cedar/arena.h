// Bump allocation for Cedar data. Policies, entity stores, requests and single evaluations each
// own one Arena; every Value, string and entity uid they create lives there and is freed all at
// once when the owner goes away. Only trivially destructible objects may be placed in an Arena,
// which is what lets Values be plain 16-byte handles without reference counts.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory_resource>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

namespace eksguard::cedar {

class Arena {
 public:
  Arena() = default;
  // Uses `buffer` first (e.g. a stack buffer for one evaluation), then the heap.
  Arena(void* buffer, size_t size) : resource_(buffer, size) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* allocate(size_t bytes, size_t alignment) { return resource_.allocate(bytes, alignment); }

  template <typename T, typename... Args>
  T* make(Args&&... args) {
    static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
    return new (allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }

  // Uninitialised storage for `count` objects of T.
  template <typename T>
  T* allocate_array(size_t count) {
    static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
    if (count == 0) return nullptr;
    return static_cast<T*>(allocate(sizeof(T) * count, alignof(T)));
  }

  template <typename T>
  std::span<const T> copy(std::span<const T> items) {
    T* out = allocate_array<T>(items.size());
    for (size_t i = 0; i < items.size(); ++i) new (out + i) T(items[i]);
    return {out, items.size()};
  }

  std::string_view copy(std::string_view text) {
    if (text.empty()) return {};
    char* out = allocate_array<char>(text.size());
    std::memcpy(out, text.data(), text.size());
    return {out, text.size()};
  }

 private:
  std::pmr::monotonic_buffer_resource resource_;
};

}  // namespace eksguard::cedar
