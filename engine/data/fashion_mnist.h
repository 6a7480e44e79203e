#pragma once
// Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 28x28 grey images of 10 clothing classes, 60,000 train and
// 10,000 test, read from the four gzip IDX files of the original distribution.
#include <nlohmann/json.hpp>

#include "data/dataset.h"

namespace vaelab {

// spec: {"name": "fashion-mnist", "root": folder (default /usr/share/datasets/fashion-mnist)}.
// Expects {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz in root. The descriptor repeats "root" only
// when the spec named one, so a checkpoint stays valid on a machine with the data elsewhere.
DatasetSplit load_fashion_mnist(const nlohmann::json& spec);

// The ten class names in label order ("T-shirt/top", "Trouser", ...).
const std::vector<std::string>& fashion_mnist_class_names();

}  // namespace vaelab
