#include "views/view.h"

namespace vaelab {
namespace gui {

// Declared here rather than in view.h, which every GUI file includes.
std::unique_ptr<View> make_latent_pairs_view();  // latent_pairs_view.cpp
std::unique_ptr<View> make_delta_sigma_view();   // delta_sigma_view.cpp
std::unique_ptr<View> make_runs_view();          // runs_view.cpp

std::vector<std::unique_ptr<View>> make_views() {
  std::vector<std::unique_ptr<View>> views;
  views.push_back(make_run_view());
  views.push_back(make_curves_view());
  views.push_back(make_runs_view());
  views.push_back(make_sliders_view());
  views.push_back(make_manifold_view());
  views.push_back(make_traversals_view());
  views.push_back(make_clusters_view());
  views.push_back(make_residuals_view());
  views.push_back(make_samples_view());
  views.push_back(make_interpolation_view());
  views.push_back(make_delta_sigma_view());
  views.push_back(make_covariance_view());
  views.push_back(make_latent_pairs_view());
  return views;
}


}  // namespace gui
}  // namespace vaelab
