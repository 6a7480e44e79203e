#include "train/checkpoint.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "core/atomic_write.h"
#include "core/error.h"

namespace vaelab {

namespace fs = std::filesystem;

namespace {

// Archive keys. Tensors are stored by position ("t0", "t1", ...) because module names contain dots;
// the names, kinds and shapes are listed in the metadata JSON.
constexpr const char* kMetaKey = "vaelab_meta";
constexpr const char* kOptimizerKey = "optimizer";
constexpr const char* kExtraKey = "extra";
constexpr const char* kRngKey = "rng_state";

struct NamedTensor {
  std::string name;
  bool buffer = false;
  torch::Tensor tensor;
};

std::vector<NamedTensor> model_tensors(Model& model) {
  std::vector<NamedTensor> out;
  for (const auto& item : model.named_parameters(true)) out.push_back({item.key(), false, item.value()});
  for (const auto& item : model.named_buffers(true)) out.push_back({item.key(), true, item.value()});
  return out;
}

std::string shape_str(at::IntArrayRef sizes) { return fmt::format("[{}]", fmt::join(sizes, ", ")); }

std::string first_line(const std::string& s) {
  auto pos = s.find('\n');
  return pos == std::string::npos ? s : s.substr(0, pos);
}

bool same_structure(const ModelSpec& a, const ModelSpec& b) {
  return a.variant == b.variant && a.latent == b.latent && a.shape == b.shape &&
         a.num_classes == b.num_classes && a.architecture.to_json() == b.architecture.to_json();
}

std::string describe_full(const ModelSpec& spec) {
  return describe_spec(spec) + fmt::format(" ({} classes, architecture {})", spec.num_classes,
                                           spec.architecture.to_json().dump());
}

// Tensors are mapped onto `device` while reading, so that optimiser state lands beside the parameters.
torch::serialize::InputArchive open_archive(const std::string& path, torch::Device device = torch::kCPU) {
  if (!fs::exists(path)) throw Error(fmt::format("checkpoint \"{}\": no such file", path));
  if (fs::is_directory(path)) throw Error(fmt::format("checkpoint \"{}\": is a folder, expected a file", path));
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, device);
  } catch (const std::exception& e) {
    throw Error(fmt::format("checkpoint \"{}\": not a readable vaelab checkpoint (corrupt or truncated): {}", path,
                            first_line(e.what())));
  }
  return archive;
}

struct ParsedMeta {
  CheckpointMeta meta;
  nlohmann::json tensors;  // [{"name","buffer","shape"}]
  bool has_optimizer = false;
};

ParsedMeta parse_meta(torch::serialize::InputArchive& archive, const std::string& path) {
  c10::IValue value;
  try {
    if (!archive.try_read(kMetaKey, value) || !value.isString())
      throw Error(fmt::format("checkpoint \"{}\": not a vaelab checkpoint (no metadata)", path));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(fmt::format("checkpoint \"{}\": unreadable metadata: {}", path, first_line(e.what())));
  }
  ParsedMeta out;
  try {
    auto j = nlohmann::json::parse(value.toStringRef());
    auto& m = out.meta;
    m.format_version = j.at("format_version").get<int64_t>();
    if (m.format_version > kCheckpointFormatVersion)
      throw Error(fmt::format("checkpoint \"{}\": format version {} is newer than this build reads ({})", path,
                              m.format_version, kCheckpointFormatVersion));
    m.preset = j.at("preset");
    m.spec = ModelSpec::from_json(j.at("spec"));
    m.model_revision = j.value("model_revision", int64_t{0});
    m.dataset = j.value("dataset", nlohmann::json());
    m.metrics = MetricHistory::from_json(j.at("metrics"));
    m.step = j.at("step").get<int64_t>();
    m.epoch = j.at("epoch").get<int64_t>();
    m.epoch_step = j.value("epoch_step", int64_t{0});
    out.tensors = j.at("tensors");
    out.has_optimizer = j.value("has_optimizer", false);
    if (!out.tensors.is_array()) throw Error("\"tensors\" is not an array");
  } catch (const Error& e) {
    if (std::string(e.what()).rfind("checkpoint \"", 0) == 0) throw;
    throw Error(fmt::format("checkpoint \"{}\": bad metadata: {}", path, e.what()));
  } catch (const std::exception& e) {
    throw Error(fmt::format("checkpoint \"{}\": bad metadata: {}", path, first_line(e.what())));
  }
  return out;
}

}  // namespace

std::string describe_spec(const ModelSpec& spec) {
  return fmt::format("variant '{}' latent {} on {}", spec.variant, spec.latent, spec.shape.str());
}

void save_checkpoint(const std::string& path, Model& model, torch::optim::Optimizer* optimizer,
                     const CheckpointMeta& meta) {
  torch::NoGradGuard no_grad;
  auto tensors = model_tensors(model);
  torch::serialize::OutputArchive archive;
  nlohmann::json listing = nlohmann::json::array();
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& t = tensors[i];
    if (t.tensor.is_floating_point() && !torch::isfinite(t.tensor).all().item<bool>())
      throw Error(fmt::format("refusing to save checkpoint \"{}\": {} '{}' has non-finite values", path,
                              t.buffer ? "buffer" : "parameter", t.name));
    archive.write("t" + std::to_string(i), t.tensor.detach().to(torch::kCPU).contiguous(), t.buffer);
    listing.push_back({{"name", t.name}, {"buffer", t.buffer}, {"shape", t.tensor.sizes().vec()}});
  }
  if (optimizer) {
    torch::serialize::OutputArchive opt;
    optimizer->save(opt);
    archive.write(kOptimizerKey, opt);
  }
  torch::serialize::OutputArchive extra;
  model.save_extra(extra);
  archive.write(kExtraKey, extra);
  if (meta.rng_state.defined()) archive.write(kRngKey, meta.rng_state.to(torch::kCPU), true);

  nlohmann::json j = {{"format_version", kCheckpointFormatVersion},
                      {"preset", meta.preset},
                      {"spec", meta.spec.to_json()},
                      {"model_revision", model.revision()},
                      {"dataset", meta.dataset},
                      {"metrics", meta.metrics.to_json()},
                      {"step", meta.step},
                      {"epoch", meta.epoch},
                      {"epoch_step", meta.epoch_step},
                      {"has_optimizer", optimizer != nullptr},
                      {"tensors", listing}};
  archive.write(kMetaKey, c10::IValue(j.dump()));
  write_archive_atomically(archive, path, "checkpoint");
}

void write_archive_atomically(torch::serialize::OutputArchive& archive, const std::string& path,
                              const std::string& what) {
  // Serialised in memory first: the archive's own file writer finishes in a destructor and so cannot
  // report a full disk; the durable writer checks every write (core/atomic_write.h).
  std::string bytes;
  try {
    archive.save_to([&bytes](const void* data, size_t size) {
      bytes.append(static_cast<const char*>(data), size);
      return size;
    });
  } catch (const std::exception& e) {
    throw Error(fmt::format("cannot write {} \"{}\": {}", what, path, first_line(e.what())));
  }
  auto parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  write_file_atomically(path, bytes, what);
}

CheckpointMeta read_checkpoint_meta(const std::string& path) {
  auto archive = open_archive(path);
  auto parsed = parse_meta(archive, path);
  torch::Tensor rng;
  try {
    if (archive.try_read(kRngKey, rng, true)) parsed.meta.rng_state = rng.to(torch::kCPU);
  } catch (const std::exception&) {
  }
  return parsed.meta;
}

CheckpointMeta load_checkpoint(const std::string& path, Model& model, const ModelSpec& spec,
                               torch::optim::Optimizer* optimizer) {
  auto archive = open_archive(path, model.device());
  auto parsed = parse_meta(archive, path);
  const auto& saved = parsed.meta.spec;
  if (!same_structure(saved, spec)) {
    auto a = describe_spec(saved), b = describe_spec(spec);
    if (a == b) a = describe_full(saved), b = describe_full(spec);
    // "checkpoint is variant 'hebae' latent 20 on 1x28x28, this model is 'vae' latent 10 on 1x28x28"
    const std::string prefix = "variant ";
    if (b.rfind(prefix, 0) == 0) b = b.substr(prefix.size());
    throw Error(fmt::format("checkpoint is {}, this model is {} (\"{}\")", a, b, path));
  }

  if (parsed.meta.revision() != model.revision())
    throw Error(fmt::format("checkpoint \"{}\" holds revision {}{} of variant '{}', this build computes revision {}: "
                            "its weights would mean something else here; train it again",
                            path, parsed.meta.revision(),
                            parsed.meta.model_revision > 0 ? "" : " (not recorded: an older file)", saved.variant,
                            model.revision()));

  // Validate every tensor before changing anything.
  auto tensors = model_tensors(model);
  if (parsed.tensors.size() != tensors.size())
    throw Error(fmt::format("checkpoint \"{}\" holds {} tensors, this model ({}) has {}", path,
                            parsed.tensors.size(), describe_spec(spec), tensors.size()));
  std::vector<torch::Tensor> loaded(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& entry = parsed.tensors[i];
    std::string name;
    std::vector<int64_t> shape;
    try {
      name = entry.at("name").get<std::string>();
      shape = entry.at("shape").get<std::vector<int64_t>>();
    } catch (const std::exception& e) {
      throw Error(fmt::format("checkpoint \"{}\": bad tensor listing: {}", path, first_line(e.what())));
    }
    if (name != tensors[i].name || shape != tensors[i].tensor.sizes().vec())
      throw Error(fmt::format("checkpoint \"{}\": tensor {} is '{}' {}, this model's is '{}' {}", path, i, name,
                              shape_str(shape), tensors[i].name, shape_str(tensors[i].tensor.sizes())));
    try {
      archive.read("t" + std::to_string(i), loaded[i], tensors[i].buffer);
    } catch (const std::exception& e) {
      throw Error(fmt::format("checkpoint \"{}\": tensor '{}' unreadable (corrupt or truncated): {}", path, name,
                              first_line(e.what())));
    }
    if (!loaded[i].defined() || loaded[i].sizes() != tensors[i].tensor.sizes())
      throw Error(fmt::format("checkpoint \"{}\": tensor '{}' does not match its listing", path, name));
  }

  torch::serialize::InputArchive extra;
  torch::serialize::InputArchive opt;
  bool has_extra = false, has_opt = false;
  try {
    has_extra = archive.try_read(kExtraKey, extra);
    if (optimizer && parsed.has_optimizer) has_opt = archive.try_read(kOptimizerKey, opt);
  } catch (const std::exception& e) {
    throw Error(fmt::format("checkpoint \"{}\": unreadable optimiser/extra state: {}", path, first_line(e.what())));
  }

  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < tensors.size(); ++i) tensors[i].tensor.copy_(loaded[i]);
  }
  try {
    if (has_extra) model.load_extra(extra);
    if (has_opt) optimizer->load(opt);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(fmt::format("checkpoint \"{}\": cannot restore optimiser/extra state: {}", path,
                            first_line(e.what())));
  }
  torch::Tensor rng;
  try {
    if (archive.try_read(kRngKey, rng, true)) parsed.meta.rng_state = rng.to(torch::kCPU);
  } catch (const std::exception&) {
  }
  return parsed.meta;
}

}  // namespace vaelab
