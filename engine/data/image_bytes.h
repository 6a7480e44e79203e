#pragma once
// The one 8-bit image type of the code base: a batch of `count` equally sized images, interleaved
// N*H*W*C (image after image, rows top first, channels last), C = 1 (grey) or 3 (RGB). The probe strip,
// decoded grids, GUI mosaics, screen captures and PNG exports all hold their pixels in it; a single RGB
// picture is count 1, channels 3 (rgb_image()).
//
// Kept free of torch headers (the tensor type is only forward-declared) so that GUI files that merely
// move bytes around do not compile LibTorch.
#include <cstdint>
#include <vector>

namespace at {
class Tensor;  // torch::Tensor
}

namespace vaelab {

struct ImageBytes {
  int64_t count = 0;
  int64_t channels = 0;
  int64_t height = 0;
  int64_t width = 0;
  std::vector<uint8_t> pixels;  // count * height * width * channels

  int64_t bytes_per_image() const { return height * width * channels; }
  bool empty() const { return count <= 0 || height <= 0 || width <= 0; }
  // First byte of image `index` (0 <= index < count).
  const uint8_t* image(int64_t index) const { return pixels.data() + index * bytes_per_image(); }
  uint8_t* image(int64_t index) { return pixels.data() + index * bytes_per_image(); }
};

// One RGB picture of width x height, every byte `fill`.
ImageBytes rgb_image(int64_t width, int64_t height, uint8_t fill = 0);

// Images {B,C,H,W} with values in [0,1] (any device, any floating type) to bytes: clamped to [0,1],
// times 255, rounded half up (v * 255 + 0.5, truncated). Bytes that came from 8-bit storage (k / 255)
// round-trip exactly. Throws vaelab::Error unless the tensor has 4 dimensions.
ImageBytes to_image_bytes(const at::Tensor& images);

}  // namespace vaelab
