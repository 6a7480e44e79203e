#pragma once
// Reading a whole gzip-compressed file into memory (zlib's gz* interface; a file that is not gzip is
// returned as is, which zlib calls "transparent" reading).
#include <cstdint>
#include <filesystem>
#include <vector>

namespace vaelab {

// The decompressed bytes of `path`. Throws vaelab::Error naming the file when it is missing, unreadable,
// truncated ("unexpected end of file") or corrupt (bad deflate data or CRC).
std::vector<uint8_t> read_gzip_file(const std::filesystem::path& path);

}  // namespace vaelab
