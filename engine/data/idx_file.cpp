#include "data/idx_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "data/gzip_file.h"

namespace vaelab {

namespace {

uint32_t big_endian_u32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

}  // namespace

torch::Tensor parse_idx_ubyte(const uint8_t* bytes, size_t size, const std::string& source,
                              int64_t expected_dims) {
  const uint32_t expected_magic = 0x00000800u | static_cast<uint32_t>(expected_dims);
  if (size < 4)
    throw Error(fmt::format("{}: offset 0: expected IDX magic 0x{:08x}, but the file has only {} bytes",
                            source, expected_magic, size));
  const uint32_t magic = big_endian_u32(bytes);
  if (magic != expected_magic)
    throw Error(fmt::format("{}: offset 0: expected IDX magic 0x{:08x}, got 0x{:08x}", source, expected_magic,
                            magic));
  const size_t header = 4 + 4 * static_cast<size_t>(expected_dims);
  if (size < header)
    throw Error(fmt::format("{}: offset {}: file ends inside the IDX header ({} bytes, header needs {})", source,
                            size, size, header));
  const uint64_t available = size - header;
  std::vector<int64_t> dims;
  // Sizes are 32-bit; the product saturates at 2^64 so that any number of dimensions is safe.
  unsigned __int128 count = 1;
  const unsigned __int128 cap = static_cast<unsigned __int128>(UINT64_MAX);
  for (int64_t d = 0; d < expected_dims; ++d) {
    const uint32_t n = big_endian_u32(bytes + 4 + 4 * d);
    dims.push_back(n);
    count = std::min(count * n, cap);
  }
  if (count != available) {
    throw Error(fmt::format("{}: offset {}: the header's sizes {} need {} data bytes, the (decompressed) file has {}",
                            source, header, fmt::join(dims, "x"),
                            count == cap ? std::string("over 2^64") : std::to_string(static_cast<uint64_t>(count)),
                            available));
  }
  auto out = torch::empty(dims, torch::kUInt8);
  if (count > 0) std::memcpy(out.data_ptr<uint8_t>(), bytes + header, static_cast<size_t>(count));
  return out;
}

torch::Tensor read_idx_ubyte(const std::filesystem::path& path, int64_t expected_dims) {
  const auto bytes = read_gzip_file(path);
  return parse_idx_ubyte(bytes.data(), bytes.size(), path.filename().string(), expected_dims);
}

}  // namespace vaelab
