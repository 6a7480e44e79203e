#include "data/image_bytes.h"

#include <torch/torch.h>

#include <string>

#include "core/error.h"

namespace vaelab {

ImageBytes rgb_image(int64_t width, int64_t height, uint8_t fill) {
  ImageBytes image;
  image.count = 1;
  image.channels = 3;
  image.width = width;
  image.height = height;
  image.pixels.assign(static_cast<size_t>(width * height * 3), fill);
  return image;
}

ImageBytes to_image_bytes(const at::Tensor& images) {
  if (images.dim() != 4)
    throw Error("expected images {B,C,H,W}, got " + std::to_string(images.dim()) + " dims");
  ImageBytes out;
  out.count = images.size(0);
  out.channels = images.size(1);
  out.height = images.size(2);
  out.width = images.size(3);
  // Float32 on the CPU so that every caller rounds the same way, then {B,C,H,W} -> {B,H,W,C}.
  auto bytes = (images.detach().to(torch::kCPU, torch::kFloat32).clamp(0.0, 1.0) * 255.0 + 0.5)
                   .to(torch::kUInt8)
                   .permute({0, 2, 3, 1})
                   .contiguous();
  out.pixels.assign(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + bytes.numel());
  return out;
}

}  // namespace vaelab
