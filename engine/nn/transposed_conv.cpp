#include "nn/transposed_conv.h"

#include <ATen/Context.h>
#include <ATen/ops/convolution.h>
#include <ATen/ops/convolution_backward.h>
#include <torch/autograd.h>

#include <vector>

namespace vaelab {

namespace {

// y = the input gradient of conv2d(y, weight) at grad_output x; see the header for the backward.
struct OneDnnTransposedConvolution : torch::autograd::Function<OneDnnTransposedConvolution> {
  static torch::Tensor compute(const torch::Tensor& x, const torch::Tensor& weight, at::IntArrayRef output_shape,
                               at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                               int64_t groups) {
    const auto input_like = at::empty(output_shape, x.options());
    return std::get<0>(at::convolution_backward(x, input_like, weight, c10::nullopt, stride, padding, dilation,
                                                /*transposed=*/false, {0, 0}, groups, {true, false, false}));
  }

  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                               std::vector<int64_t> output_shape, std::vector<int64_t> stride,
                               std::vector<int64_t> padding, std::vector<int64_t> dilation, int64_t groups) {
    auto y = compute(x, weight, output_shape, stride, padding, dilation, groups);
    ctx->save_for_backward({x, weight});
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["padding"] = padding;
    ctx->saved_data["dilation"] = dilation;
    ctx->saved_data["groups"] = groups;
    return y;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto& x = saved[0];
    const auto& weight = saved[1];
    const auto gy = grad_outputs[0].contiguous();
    const auto stride = ctx->saved_data["stride"].toIntVector();
    const auto padding = ctx->saved_data["padding"].toIntVector();
    const auto dilation = ctx->saved_data["dilation"].toIntVector();
    const int64_t groups = ctx->saved_data["groups"].toInt();
    torch::Tensor gx, gw;
    if (ctx->needs_input_grad(0))
      gx = at::convolution(gy, weight, {}, stride, padding, dilation, /*transposed=*/false, {0, 0}, groups);
    if (ctx->needs_input_grad(1))
      gw = std::get<1>(at::convolution_backward(x, gy, weight, c10::nullopt, stride, padding, dilation,
                                                /*transposed=*/false, {0, 0}, groups, {false, true, false}));
    return {gx, gw, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

bool TransposedConv2dImpl::uses_onednn(const torch::Tensor& input) const {
  return input.dim() == 4 && input.device().is_cpu() && input.scalar_type() == torch::kFloat &&
         weight.scalar_type() == torch::kFloat && weight.device().is_cpu() &&
         options.out_channels() >= kMinOneDnnOutChannels &&
         // Alternative 0 is kZeros of the padding mode and the explicit ExpandingArray<2> of the padding, in
         // LibTorch 1.x's c10::variant and 2.x's std::variant alike (index() exists on both; the free
         // holds_alternative does not).
         options.padding_mode().index() == 0 && options.padding().index() == 0 && at::hasMKLDNN() &&
         at::globalContext().userEnabledMkldnn();
}

torch::Tensor TransposedConv2dImpl::forward(const torch::Tensor& input,
                                            const c10::optional<at::IntArrayRef>& output_size) {
  if (output_size || !uses_onednn(input)) return torch::nn::ConvTranspose2dImpl::forward(input, output_size);
  const auto& k = options.kernel_size();
  const auto& s = options.stride();
  const auto& d = options.dilation();
  const auto& op = options.output_padding();
  // The explicit padding (uses_onednn checked it is one), as ConvNdImpl keeps it in either LibTorch:
  // {pad_w, pad_w, pad_h, pad_h}.
  std::vector<int64_t> padding{_reversed_padding_repeated_twice[2], _reversed_padding_repeated_twice[0]};
  std::vector<int64_t> shape{input.size(0), options.out_channels()};
  for (int i = 0; i < 2; ++i)
    shape.push_back((input.size(2 + i) - 1) * (*s)[i] - 2 * padding[i] + (*d)[i] * ((*k)[i] - 1) + (*op)[i] + 1);
  std::vector<int64_t> stride(s->begin(), s->end()), dilation(d->begin(), d->end());
  // Without a graph to record (decoding under NoGradGuard or InferenceMode), the forward kernel alone.
  const bool record = at::GradMode::is_enabled() && (input.requires_grad() || weight.requires_grad());
  auto y = record ? OneDnnTransposedConvolution::apply(input, weight, shape, stride, padding, dilation, options.groups())
                  : OneDnnTransposedConvolution::compute(input, weight, shape, stride, padding, dilation,
                                                         options.groups());
  // The bias outside the function (autograd sums gy for its gradient); a Function takes no undefined input.
  if (bias.defined()) y.add_(bias.view({1, -1, 1, 1}));
  return y;
}

std::shared_ptr<torch::nn::Module> TransposedConv2dImpl::clone(const c10::optional<torch::Device>& device) const {
  const auto copy = std::dynamic_pointer_cast<torch::nn::ConvTranspose2dImpl>(torch::nn::ConvTranspose2dImpl::clone(device));
  return std::make_shared<TransposedConv2dImpl>(*copy);
}

}  // namespace vaelab
