#include "data/gzip_file.h"

#include <fmt/format.h>
#include <zlib.h>

#include <memory>

#include "core/error.h"

namespace vaelab {

std::vector<uint8_t> read_gzip_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error(fmt::format("{}: file not found", name));
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(name.c_str(), "rb"), gzclose);
  if (!file) throw Error(fmt::format("{}: cannot open for reading", name));
  gzbuffer(file.get(), 1 << 18);

  std::vector<uint8_t> bytes;
  // Compressed size is a good lower bound; MNIST-like files inflate about 5x.
  const auto compressed = std::filesystem::file_size(path, ec);
  if (!ec) bytes.reserve(static_cast<size_t>(compressed) * 6);
  constexpr unsigned kChunk = 1u << 20;
  for (;;) {
    const size_t old_size = bytes.size();
    bytes.resize(old_size + kChunk);
    const int n = gzread(file.get(), bytes.data() + old_size, kChunk);
    if (n < 0) {
      bytes.resize(old_size);
      break;  // the error is reported below
    }
    bytes.resize(old_size + static_cast<size_t>(n));
    if (n == 0) break;
  }
  // A truncated stream reads as a short file with Z_BUF_ERROR set, not as a gzread failure.
  int err = Z_OK;
  const char* message = gzerror(file.get(), &err);
  if (err != Z_OK)
    throw Error(fmt::format("{}: corrupt or truncated gzip data after {} decompressed bytes: {}", name,
                            bytes.size(), message ? message : "unknown zlib error"));
  bytes.shrink_to_fit();
  return bytes;
}

}  // namespace vaelab
