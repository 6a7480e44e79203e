#pragma once
// The living manual of our plot widget (as imgui_demo.cpp is ImGui's): every feature on synthetic data.
// Shown from View > Plot demo, and as `--view plot-demo` for screenshots.
#include "views/view.h"
#include "widgets/image_grid.h"
#include "widgets/plot.h"

namespace vaelab {
namespace gui {

class PlotDemo : public View {
 public:
  PlotDemo();
  const char* name() const override { return "plot-demo"; }
  const char* title() const override { return "Plot demo"; }
  void draw(ViewContext& ctx) override;
  bool export_png(const std::string& path, float scale, std::string& error) override;
  bool supports_svg() const override { return true; }
  bool export_svg(const std::string& path, std::string& error) override { return lines_.export_svg(path, error); }
  bool supports_csv() const override { return true; }
  bool export_csv(const std::string& path, std::string& error) override { return lines_.export_csv(path, error); }

 private:
  Plot lines_, log_, scatter_, heat_;
  ImageGrid grid_;
  int colormap_ = 0;
  int growing_ = 50;
  ViewContext last_ctx_;
};

}  // namespace gui
}  // namespace vaelab
