#pragma once
// Encoder and decoder trunks any variant can select by the preset's "architecture" object:
//   {"type": "mlp",    "hidden": [512, 256], "activation": "relu"}
//   {"type": "conv",   "channels": [32, 64], "hidden": [256]}           (stride-2 convs, then dense)
//   {"type": "resnet", "channels": [32, 64, 128], "blocks": 2}          (ResNetV2 pre-activation stages)
// An encoder maps a batch in the data shape to {B, out_features}; a decoder maps {B, in_features} to a
// batch in the data shape (raw output, before the likelihood's link). The decoder mirrors the encoder.
#include <torch/nn/modules/container/sequential.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace vaelab {

struct Architecture {
  std::string type = "mlp";                // mlp | conv | resnet
  std::vector<int64_t> hidden = {512, 256};  // dense widths (mlp; after the convs for conv/resnet)
  std::vector<int64_t> channels = {32, 64};  // conv/resnet stage widths, each stage halves H and W
  int64_t blocks = 2;                        // resnet: identity blocks per stage
  std::string activation = "relu";           // relu | leaky_relu | tanh | elu

  static Architecture from_json(const nlohmann::json& j, const std::string& path = "architecture");
  nlohmann::json to_json() const;
};

torch::nn::Sequential make_encoder(const Architecture& arch, const DataShape& shape, int64_t out_features);
torch::nn::Sequential make_decoder(const Architecture& arch, int64_t in_features, const DataShape& shape);
// A plain MLP in -> hidden... -> out (no activation after the last layer).
torch::nn::Sequential make_mlp(int64_t in, const std::vector<int64_t>& hidden, int64_t out,
                               const std::string& activation = "relu");

}  // namespace vaelab
