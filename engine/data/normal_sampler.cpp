#include "data/normal_sampler.h"

#include <cmath>

namespace vaelab {

double NormalSampler::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // 1 - uniform() lies in (0, 1], so the log is finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - bits_.uniform()));
  const double angle = 2.0 * M_PI * bits_.uniform();
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

}  // namespace vaelab
