#pragma once
// A dSprites-like data set with known generative factors, drawn procedurally: 64x64 binary images of a
// square, an ellipse or a heart at 6 scales, 40 orientations and 32 x 32 positions (737,280 combinations).
//
// Factors are stored as their integer *index* (as float) in this order, with these sizes and values:
//   0 shape        3   0 square, 1 ellipse, 2 heart
//   1 scale        6   0.5 + 0.1 * i                 (relative to a bounding radius of 12 pixels)
//   2 orientation  40  2 pi * i / 40 radians, counter-clockwise
//   3 pos_x        32  i / 31 of the range of centres [12, 52] pixels, left to right
//   4 pos_y        32  i / 31 of the same range, top to bottom
// Every shape fits in a circle of radius scale * 12 around its centre, so it never leaves the image.
// A square has side sqrt(2) * scale * 12 pixels (area 288 scale^2); the ellipse's semi-axes are
// scale * 12 and scale * 6 (long axis along x at orientation 0); the heart is the curve
// (X^2 + Y^2 - 1)^3 = X^2 Y^3 scaled into the same circle, lobes up and point down at orientation 0.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>

#include "data/dataset.h"

namespace vaelab {

constexpr int64_t kShapesImageSide = 64;
constexpr std::array<int64_t, 5> kShapesFactorSizes = {3, 6, 40, 32, 32};

// Renders one image (64 x 64 bytes, 0 or 255, row-major) for the given factor indices.
void render_shape(const std::array<int64_t, 5>& factor_index, uint8_t* out);

// spec: {"name": "shapes", "size": 20000 (samples, drawn without replacement uniformly from all
// combinations), "seed": 0, "test_fraction": 0.2}. Labels = shape index; factors = the five indices.
DatasetSplit load_shapes(const nlohmann::json& spec);

}  // namespace vaelab
