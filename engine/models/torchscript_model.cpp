#include "models/torchscript_model.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "core/error.h"
#include "models/divergence.h"

namespace vaelab {

namespace {

std::string first_line(const std::string& s) {
  const auto pos = s.find('\n');
  return pos == std::string::npos ? s : s.substr(0, pos);
}

std::string shape_text(at::IntArrayRef sizes) { return fmt::format("[{}]", fmt::join(sizes, ", ")); }

std::vector<int64_t> data_shape_sizes(const DataShape& shape) {
  if (shape.is_image()) return {shape.channels, shape.height, shape.width};
  return {shape.features};
}

int64_t product(const std::vector<int64_t>& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

// "bernoulli" | "gaussian:<sigma2>" -> Likelihood; anything else is an error the caller words.
std::optional<Likelihood> parse_likelihood(const std::string& text, std::string& why) {
  if (text == "bernoulli") return Likelihood{};
  const std::string prefix = "gaussian:";
  if (text.rfind(prefix, 0) == 0) {
    const std::string number = text.substr(prefix.size());
    try {
      size_t used = 0;
      const double sigma2 = std::stod(number, &used);
      if (used == number.size() && sigma2 > 0 && std::isfinite(sigma2)) {
        Likelihood l;
        l.kind = Likelihood::Kind::Gaussian;
        l.sigma2 = sigma2;
        return l;
      }
    } catch (const std::exception&) {
    }
    why = fmt::format("the variance in \"{}\" is not a positive number", text);
    return std::nullopt;
  }
  why = fmt::format("\"{}\" is neither \"bernoulli\" nor \"gaussian:<sigma2>\"", text);
  return std::nullopt;
}

}  // namespace

void TorchScriptModel::fail(const std::string& what) const {
  throw Error(fmt::format("TorchScript model \"{}\": {}", path_, what));
}

std::shared_ptr<TorchScriptModel> TorchScriptModel::load(const std::string& path, torch::Device device) {
  namespace fs = std::filesystem;
  std::shared_ptr<TorchScriptModel> model(new TorchScriptModel());
  model->path_ = path;
  if (!fs::exists(path)) model->fail("no such file");
  if (fs::is_directory(path)) model->fail("is a folder, expected a file");
  try {
    model->module_ = torch::jit::load(path, device);
  } catch (const std::exception& e) {
    model->fail(fmt::format("not a readable TorchScript file (corrupt or truncated): {}", first_line(e.what())));
  }
  model->module_.eval();
  for (const char* method : {"encode", "decode"}) {
    if (!model->module_.find_method(method))
      model->fail(fmt::format("module has no method '{}' (see the README's format for PyTorch models)", method));
  }
  if (!model->module_.hasattr("latent_dim")) model->fail("module has no attribute 'latent_dim'");
  const c10::IValue latent = model->module_.attr("latent_dim");
  if (!latent.isInt()) model->fail(fmt::format("attribute 'latent_dim' is a {}, expected int", latent.tagKind()));
  model->latent_dim_ = latent.toInt();
  if (model->latent_dim_ < 1) model->fail(fmt::format("attribute 'latent_dim' is {}, expected >= 1", model->latent_dim_));

  if (model->module_.hasattr("input_shape")) {
    const c10::IValue shape = model->module_.attr("input_shape");
    if (!shape.isIntList()) model->fail(fmt::format("attribute 'input_shape' is a {}, expected List[int]", shape.tagKind()));
    model->input_shape_ = shape.toIntVector();
    if (model->input_shape_.empty() || product(model->input_shape_) < 1)
      model->fail(fmt::format("attribute 'input_shape' {} has no values", shape_text(model->input_shape_)));
  }
  if (model->module_.hasattr("likelihood")) {
    const c10::IValue l = model->module_.attr("likelihood");
    if (!l.isString()) model->fail(fmt::format("attribute 'likelihood' is a {}, expected str", l.tagKind()));
    model->likelihood_text_ = l.toStringRef();
    std::string why;
    model->likelihood_ = parse_likelihood(model->likelihood_text_, why);
    if (!model->likelihood_) model->fail("attribute 'likelihood': " + why);
  }
  model->name_ = fs::path(path).filename().string();
  if (model->module_.hasattr("name")) {
    const c10::IValue n = model->module_.attr("name");
    if (!n.isString()) model->fail(fmt::format("attribute 'name' is a {}, expected str", n.tagKind()));
    model->name_ = n.toStringRef();
  }
  model->device_marker_ = model->register_buffer("device_marker", torch::empty({0}, torch::TensorOptions().device(device)));
  return model;
}

void TorchScriptModel::bind_data(const DataShape& shape, const std::string& dataset_name) {
  const std::vector<int64_t> sizes = data_shape_sizes(shape);
  if (!input_shape_.empty() && product(input_shape_) != shape.dim())
    fail(fmt::format("input shape {} does not match dataset {} {}", shape_text(input_shape_), dataset_name,
                     shape_text(sizes)));
  data_shape_ = shape;
  torch::NoGradGuard no_grad;
  EvalModeGuard eval_mode(*this);
  Batch probe;
  probe.x = torch::zeros(shape.batch_shape(2), torch::TensorOptions().device(device()));
  const Posterior q = encode(probe);
  (void)decode(q.mu);
}

ModelSpec TorchScriptModel::spec() const {
  ModelSpec spec;
  spec.variant = kVariant;
  if (data_shape_) spec.shape = *data_shape_;
  spec.latent = latent_dim_;
  if (likelihood_) spec.likelihood = *likelihood_;
  spec.options = nlohmann::json{{"file", path_}, {"name", name_}};
  return spec;
}

torch::Tensor TorchScriptModel::to_module_input(const torch::Tensor& x) const {
  if (input_shape_.empty()) return x;
  std::vector<int64_t> sizes{x.size(0)};
  sizes.insert(sizes.end(), input_shape_.begin(), input_shape_.end());
  if (x[0].numel() != product(input_shape_))
    fail(fmt::format("input shape {} does not match the inputs {}", shape_text(input_shape_), shape_text(x.sizes().slice(1))));
  return x.reshape(sizes);
}

Posterior TorchScriptModel::parse_encoding(const c10::IValue& out, int64_t batch) const {
  auto check = [&](const c10::IValue& v, const char* what) {
    if (!v.isTensor()) fail(fmt::format("encode returned a {} as {}, expected a tensor", v.tagKind(), what));
    torch::Tensor t = v.toTensor();
    if (t.dim() != 2 || t.size(0) != batch || t.size(1) != latent_dim_)
      fail(fmt::format("encode returned {} of shape {}, expected [{}, {}] (latent_dim {})", what, shape_text(t.sizes()),
                       batch, latent_dim_, latent_dim_));
    return t.to(torch::kFloat32);
  };
  Posterior q;
  if (out.isTensor()) {
    q.mu = check(out, "mu");
    return q;
  }
  if (out.isTuple()) {
    const auto& items = out.toTupleRef().elements();
    if (items.size() == 1) {
      q.mu = check(items[0], "mu");
      return q;
    }
    if (items.size() != 2) fail(fmt::format("encode returned a tuple of {}, expected (mu, logvar) or mu", items.size()));
    q.mu = check(items[0], "mu");
    q.logvar = check(items[1], "logvar");
    return q;
  }
  fail(fmt::format("encode returned a {}, expected (mu, logvar) or mu", out.tagKind()));
}

Posterior TorchScriptModel::encode(const Batch& batch) {
  c10::IValue out;
  const torch::Tensor input = to_module_input(batch.x);
  try {
    out = module_.get_method("encode")({input});
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    fail(fmt::format("encode failed on inputs of shape {}: {}", shape_text(input.sizes()), first_line(e.what())));
  }
  return parse_encoding(out, batch.x.size(0));
}

torch::Tensor TorchScriptModel::decode(const torch::Tensor& z, const torch::Tensor& /*y*/) {
  c10::IValue out;
  try {
    out = module_.get_method("decode")({z});
  } catch (const std::exception& e) {
    fail(fmt::format("decode failed on codes of shape {}: {}", shape_text(z.sizes()), first_line(e.what())));
  }
  if (!out.isTensor()) fail(fmt::format("decode returned a {}, expected a tensor", out.tagKind()));
  torch::Tensor x = out.toTensor().to(torch::kFloat32);
  if (x.dim() < 1 || x.size(0) != z.size(0))
    fail(fmt::format("decode returned shape {} for {} codes", shape_text(x.sizes()), z.size(0)));
  if (!data_shape_) return x;
  const std::vector<int64_t> sizes = data_shape_->batch_shape(z.size(0));
  if (x[0].numel() != data_shape_->dim())
    fail(fmt::format("decode returned {} values per code ({}), the data has {}", x[0].numel(), shape_text(x.sizes()),
                     data_shape_->dim()));
  return x.reshape(sizes);
}

torch::Tensor TorchScriptModel::log_likelihood(const Batch& batch, const torch::Tensor& z) {
  if (!likelihood_)
    fail("has no 'likelihood' attribute, so -log p(x|z) is unknown (add likelihood = \"bernoulli\" or \"gaussian:<sigma2>\")");
  const torch::Tensor mean = decode(z).reshape(batch.x.sizes());
  if (likelihood_->kind == Likelihood::Kind::Bernoulli) {
    // The decoder gives probabilities: PyTorch's binary cross-entropy (logs clamped at -100).
    return torch::binary_cross_entropy(mean, batch.x, {}, at::Reduction::None).flatten(1).sum(1).neg();
  }
  return likelihood_->nll(batch.x, mean).neg();
}

LossTerms TorchScriptModel::loss(const Batch& batch, const StepInfo& /*info*/) {
  torch::NoGradGuard no_grad;
  const Posterior q = encode(batch);
  const torch::Tensor z = sample_posterior(q);
  const torch::Tensor recon = -log_likelihood(batch, z).mean();
  const torch::Tensor kl = q.logvar.defined() ? kl_standard_normal(q.mu, q.logvar).mean() : torch::zeros({}, q.mu.options());
  LossTerms terms;
  terms.total = recon + kl;
  terms.add("recon", recon);
  terms.add("kl", kl);
  return terms;
}

void TorchScriptModel::to(torch::Device device, bool non_blocking) {
  module_.to(device, non_blocking);
  Model::to(device, non_blocking);
}

std::shared_ptr<TorchScriptModel> TorchScriptModel::clone() const {
  std::shared_ptr<TorchScriptModel> copy(new TorchScriptModel());
  copy->module_ = module_.deepcopy();
  copy->module_.eval();
  copy->path_ = path_;
  copy->name_ = name_;
  copy->latent_dim_ = latent_dim_;
  copy->input_shape_ = input_shape_;
  copy->likelihood_ = likelihood_;
  copy->likelihood_text_ = likelihood_text_;
  copy->data_shape_ = data_shape_;
  copy->device_marker_ = copy->register_buffer("device_marker", torch::empty({0}, device_marker_.options()));
  copy->eval();
  return copy;
}

}  // namespace vaelab
