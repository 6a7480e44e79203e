#include "core/heap_retention.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace vaelab {

bool retain_freed_heap_memory() {
#if defined(__GLIBC__)
  static const bool applied = [] {
    // Each call returns 1 on success; setting M_MMAP_THRESHOLD also turns off glibc's dynamic threshold.
    const bool mmap_ok = mallopt(M_MMAP_THRESHOLD, static_cast<int>(kHeapMmapThreshold)) == 1;
    const bool trim_ok = mallopt(M_TRIM_THRESHOLD, static_cast<int>(kHeapTrimThreshold)) == 1;
    const bool pad_ok = mallopt(M_TOP_PAD, static_cast<int>(kHeapTopPad)) == 1;
    return mmap_ok && trim_ok && pad_ok;
  }();
  return applied;
#else
  return false;
#endif
}

}  // namespace vaelab
