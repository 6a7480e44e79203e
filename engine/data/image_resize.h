#pragma once
// Resampling decoded images to the square size a model expects.
#include <cstdint>
#include <vector>

namespace vaelab {

// Centre-crops an interleaved 8-bit image (width x height x channels, row-major) to a square of side
// min(width, height), so the aspect ratio is kept, then resamples it to size x size. Shrinking averages
// the source area each output pixel covers (box filter with fractional edges: no aliasing); enlarging
// interpolates bilinearly between pixel centres. Returns planar bytes [channels][size][size] (the CHW
// order the data sets store).
std::vector<uint8_t> resize_to_square(const uint8_t* pixels, int width, int height, int channels, int size);

}  // namespace vaelab
