#include "models/bernoulli_nll.h"

#include <torch/autograd.h>
#include <torch/torch.h>

#include "core/error.h"

namespace vaelab {

namespace {

class BernoulliNll : public torch::autograd::Function<BernoulliNll> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& logits,
                               const torch::Tensor& x) {
    ctx->save_for_backward({logits, x});
    // softplus(l) = log(1 + e^l), stable for either sign; LibTorch returns l itself above l = 20,
    // where the two differ by less than e^-20.
    torch::Tensor per_element = torch::softplus(logits);
    per_element.addcmul_(logits, x, -1);
    return per_element.flatten(1).sum(1);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& logits = saved[0];
    const torch::Tensor& x = saved[1];
    std::vector<int64_t> per_sample_shape(logits.dim(), 1);
    per_sample_shape[0] = logits.size(0);
    const torch::Tensor g = grad_outputs[0].reshape(per_sample_shape);
    torch::Tensor d_logits;
    if (ctx->needs_input_grad(0)) d_logits = torch::sigmoid(logits).sub_(x).mul_(g);
    torch::Tensor d_x;
    if (ctx->needs_input_grad(1)) d_x = logits.neg().mul_(g);
    return {d_logits, d_x};
  }
};

}  // namespace

torch::Tensor bernoulli_nll_per_sample(const torch::Tensor& logits, const torch::Tensor& x) {
  if (logits.sizes() != x.sizes())
    throw Error("Bernoulli likelihood: logits " + c10::str(logits.sizes()) + " and data " + c10::str(x.sizes()) +
                " differ in shape");
  if (logits.dim() < 1) throw Error("Bernoulli likelihood: logits need a batch dimension");
  // Data arrive as float32 like the logits; promote otherwise, as LibTorch's loss would.
  const auto type = torch::promote_types(logits.scalar_type(), x.scalar_type());
  return BernoulliNll::apply(logits.to(type), x.to(type));
}

}  // namespace vaelab
