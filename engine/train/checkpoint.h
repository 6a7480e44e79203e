#pragma once
// Checkpoint files: one torch::serialize archive holding the model's parameters and buffers, the main
// optimiser's state, the variant's own extra state (Model::save_extra) and JSON strings describing the
// run (preset, ModelSpec, dataset descriptor, metric history, step/epoch, format version).
//
// Contracts
// - Writes are atomic and checked (core/atomic_write.h): the archive is serialised in memory, written to
//   a temporary file of its own beside path, fsync'ed and renamed over path, so a crash, a kill or a
//   full disk mid-save leaves either the old file or the new one, never a partial one. A failed write
//   throws vaelab::Error `cannot write checkpoint "PATH": <reason>` and removes the temporary file.
// - save refuses non-finite weights (vaelab::Error naming the tensor).
// - load validates before touching the model: a corrupt or truncated file, or a checkpoint of another
//   variant / latent size / data shape / architecture, throws vaelab::Error and leaves the model as it
//   was. The mismatch message names both, e.g.
//   "checkpoint is variant 'hebae' latent 20 on 1x28x28, this model is 'vae' latent 10 on 1x28x28".
//   A checkpoint that records another Model::revision() of the same variant is refused the same way;
//   a file that records none was written before revisions were kept and counts as revision 1.
#include <torch/optim/optimizer.h>
#include <torch/types.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "models/model.h"
#include "models/registry.h"
#include "train/snapshot.h"

namespace vaelab {

constexpr int64_t kCheckpointFormatVersion = 1;

// Everything a checkpoint stores besides tensors.
struct CheckpointMeta {
  int64_t format_version = kCheckpointFormatVersion;
  nlohmann::json preset;    // Preset::to_json()
  ModelSpec spec;           // with shape and num_classes filled in
  int64_t model_revision = 0;  // Model::revision() of the saved model; 0: not recorded (an older file: 1)
  nlohmann::json dataset;   // DatasetSplit::descriptor
  MetricHistory metrics;
  int64_t step = 0;         // optimiser steps done
  int64_t epoch = 0;        // epochs completed
  int64_t epoch_step = 0;   // steps done inside the current (unfinished) epoch
  torch::Tensor rng_state;  // CPU generator state at save time (undefined when not stored)

  // The saved model's revision: model_revision, or 1 for a file written before revisions were recorded.
  int64_t revision() const { return model_revision > 0 ? model_revision : 1; }
};

// One line: "variant 'vae' latent 10 on 1x28x28".
std::string describe_spec(const ModelSpec& spec);

// optimizer may be null (no optimiser state stored).
void save_checkpoint(const std::string& path, Model& model, torch::optim::Optimizer* optimizer,
                     const CheckpointMeta& meta);
// Serialises `archive` in memory and writes it to `path` whole or not at all (core/atomic_write.h),
// creating the folder; failures throw vaelab::Error `cannot write <what> "PATH": <reason>`. Checkpoints and
// the PyTorch export (train/pytorch_export.h) are written this way.
void write_archive_atomically(torch::serialize::OutputArchive& archive, const std::string& path,
                              const std::string& what);
// Reads only the metadata (to rebuild the preset, dataset and model before loading the tensors).
CheckpointMeta read_checkpoint_meta(const std::string& path);
// Validates against `spec` and the model's tensors, then loads weights, buffers, extra state and (when
// optimizer is not null and the file has it) the optimiser state. Returns the metadata.
CheckpointMeta load_checkpoint(const std::string& path, Model& model, const ModelSpec& spec,
                               torch::optim::Optimizer* optimizer);

}  // namespace vaelab
