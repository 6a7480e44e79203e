#pragma once
// Keeps freed heap memory in the process instead of handing it back to the kernel after every step.
//
// Why: a training step allocates and frees the same activation and gradient buffers each time (fashion-
// vae at batch 128: ~1,200 buffers of 64 KB-1 MB). With glibc's defaults the larger ones are mmap'ed and
// unmapped, or the heap top is trimmed, on every step, so each step touches fresh pages: measured 1,180
// minor page faults per step (4.6 MB of pages the kernel zeroes), none after this call.
// What: glibc mallopt: M_MMAP_THRESHOLD 32 MB (its maximum on 64-bit; larger blocks such as whole
// datasets are still mapped and unmapped), M_TRIM_THRESHOLD 1 GB, M_TOP_PAD 16 MB. The cost is that the
// process keeps its peak heap (the peak of one training step's buffers) until it exits.
//
// Contracts
// - Idempotent and thread-safe (applied once per process); returns whether the settings are in force
//   (false on a C library other than glibc, where it does nothing).
// - Call before the first training step; the trainer's start does (train/trainer.cpp).
#include <cstddef>

namespace vaelab {

// The settings (also what a benchmark passes to another process as glibc's MALLOC_*_ variables).
constexpr std::size_t kHeapMmapThreshold = 32u * 1024 * 1024;
constexpr std::size_t kHeapTrimThreshold = 1024u * 1024 * 1024;
constexpr std::size_t kHeapTopPad = 16u * 1024 * 1024;

bool retain_freed_heap_memory();

}  // namespace vaelab
