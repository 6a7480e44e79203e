#pragma once
// The IDX format of (Fashion-)MNIST: a big-endian magic 0x0000TTNN (TT = element type, 0x08 for
// unsigned bytes; NN = number of dimensions), NN big-endian uint32 sizes, then the elements row-major.
// Only unsigned-byte IDX is supported (that is all MNIST-format data sets use).
#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace vaelab {

// Parses an in-memory IDX ubyte array with exactly `expected_dims` dimensions into a uint8 tensor of
// those sizes. `source` names the data in error messages, e.g.
//   "train-images-idx3-ubyte.gz: offset 0: expected IDX magic 0x00000803, got 0x1f8b0800".
torch::Tensor parse_idx_ubyte(const uint8_t* bytes, size_t size, const std::string& source,
                              int64_t expected_dims);

// Reads `path` (gzip or plain) and parses it as above; errors name the file.
torch::Tensor read_idx_ubyte(const std::filesystem::path& path, int64_t expected_dims);

}  // namespace vaelab
