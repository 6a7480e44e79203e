#pragma once
// A drop-in torch::nn::ConvTranspose2d whose CPU float32 forward and backward run as oneDNN convolutions.
//
// Why: LibTorch 1.x runs a transposed convolution on the CPU as slow_conv_transpose2d (a GEMM and a col2im
// per sample, on one of oneDNN's neighbours), while an ordinary convolution and both of its gradients run
// in oneDNN. A transposed convolution is exactly the input gradient of the ordinary convolution with the
// same weight, stride, padding and dilation, so:
//   forward            y  = convolution_backward(grad_output = x, input shape = y's)   (oneDNN backward data)
//   input gradient     gx = conv2d(gy, weight)                                          (oneDNN forward)
//   weight gradient    gw = convolution_backward(grad_output = x, input = gy)           (oneDNN backward weights)
//   bias               added to y in place by an ordinary op, whose gradient sums gy
// Measured with Debian's python3-torch at batch 32, 2 threads (forward + backward of one layer): 64 -> 64
// channels 4 -> 8 px 8.96 -> 5.05 ms, 32 -> 32 at 16 -> 32 px 37.6 -> 24.4 ms, the ResNet up block's 3x3
// 2.6 -> 1.1 ms; but 32 -> 1 channel at 32 -> 64 px 7.5 -> 14.7 ms and 32 -> 3 9.9 -> 13.0 ms (an image's
// few output channels suit oneDNN's layouts badly), so layers with fewer than kMinOneDnnOutChannels
// output channels keep LibTorch's path.
//
// Contracts
// - Same parameters ("weight" [in, out / groups, kH, kW], "bias" [out]), options, initialisation (and so
//   the same random draws), state dict, clone() and module type tests (as<ConvTranspose2dImpl>) as
//   ConvTranspose2d: checkpoints and exports cannot tell them apart.
// - Outputs and gradients equal ConvTranspose2d's to float rounding (tested, with output padding, no
//   bias, strides 1 and 2, dilation, groups, and against a layer that needs no input gradient).
// - Only the oneDNN route is replaced: CUDA (where cuDNN already does the same), other dtypes, an explicit
//   output_size, unbatched (3-D) input, padding modes other than zeros and a LibTorch without oneDNN all
//   take ConvTranspose2d's own forward. The oneDNN route is once-differentiable (no double backward); with
//   no graph to record (NoGradGuard, InferenceMode, nothing requiring grad) it runs the forward kernel alone.
#include <torch/nn/modules/conv.h>

#include <memory>

namespace vaelab {

constexpr int64_t kMinOneDnnOutChannels = 8;

class TransposedConv2dImpl : public torch::nn::ConvTranspose2dImpl {
 public:
  using torch::nn::ConvTranspose2dImpl::ConvTranspose2dImpl;
  explicit TransposedConv2dImpl(const torch::nn::ConvTranspose2dImpl& other) : torch::nn::ConvTranspose2dImpl(other) {}

  torch::Tensor forward(const torch::Tensor& input, const c10::optional<at::IntArrayRef>& output_size = c10::nullopt);

  // ConvTranspose2d's deep copy, kept this type (so a cloned Sequential still holds TransposedConv2d).
  std::shared_ptr<torch::nn::Module> clone(const c10::optional<torch::Device>& device = c10::nullopt) const override;

  // Whether forward(input) takes the oneDNN route.
  bool uses_onednn(const torch::Tensor& input) const;
};

TORCH_MODULE(TransposedConv2d);

}  // namespace vaelab
