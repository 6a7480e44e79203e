#include "views/run_view_health.h"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "health_banner.h"
#include "model_health_monitor.h"
#include "train/snapshot.h"

namespace vaelab {
namespace gui {

namespace {

const ImVec4 kHealthy(0.45f, 0.85f, 0.45f, 1.0f);
const ImVec4 kWarning(1.0f, 0.72f, 0.25f, 1.0f);

// Text wrapped at spaces to the remaining width of the current column or window.
void wrapped(const std::string& text, const ImVec4* colour = nullptr) {
  const std::string lines = wrap_at_spaces(text, std::max(1.0f, ImGui::GetContentRegionAvail().x));
  if (colour) ImGui::TextColored(*colour, "%s", lines.c_str());
  else ImGui::TextUnformatted(lines.c_str());
}

// One row of the numbers table: name, value (warning-coloured when the check fails), the failing
// condition and what the number means.
void number_row(const char* name, const std::string& value, bool fails, const std::string& fails_when,
                const char* meaning) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(name);
  ImGui::TableNextColumn();
  if (fails) ImGui::TextColored(kWarning, "%s", value.c_str());
  else ImGui::TextUnformatted(value.c_str());
  ImGui::TableNextColumn();
  ImGui::TextDisabled("%s", fails_when.c_str());
  ImGui::TableNextColumn();
  wrapped(with_superscripts(meaning));
}

std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.3g}", v) : std::string("not a number"); }

void draw_numbers(const ModelHealth& h) {
  const HealthNumbers& n = h.numbers;
  const HealthThresholds& t = h.thresholds;
  const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
  if (!ImGui::BeginTable("health-numbers", 4, flags)) return;
  ImGui::TableSetupColumn("check", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("fails when", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("what it means", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  number_row("recon R\xC2\xB2", number(n.recon_r2), !(n.recon_r2 >= t.min_recon_r2),
             fmt::format("< {:g}", t.min_recon_r2),
             "1 - squared error / the inputs' spread around the mean input: 1 reconstructs exactly, 0 is no "
             "better than showing the mean image.");
  number_row("input dependence", number(n.input_dependence), !(n.input_dependence >= t.min_input_dependence),
             fmt::format("< {:g}", t.min_input_dependence),
             "How much the reconstructions vary across inputs, relative to how much the inputs vary: about 0 "
             "when every input gives the same output.");
  number_row("active units", fmt::format("{} of {}", n.active_units, n.latent), n.active_units < t.min_active_units,
             fmt::format("< {}", t.min_active_units),
             "Latent dimensions whose posterior mean changes with the input (variance above 0.01 of the "
             "prior's, Burda et al. 2015); none active is posterior collapse.");
  if (n.deterministic) {
    number_row("variance collapse", "not checked", false, "-",
               "The encoder is deterministic (no posterior variance), so there is nothing to collapse.");
  } else {
    number_row("variance collapse",
               fmt::format("{} of {} dims ({:.0f}%)", n.collapsed_dims, n.latent, 100.0 * n.variance_collapse_share),
               n.variance_collapse_share > t.max_variance_collapse_share,
               fmt::format("> {:.0f}%", 100.0 * t.max_variance_collapse_share),
               "Dimensions whose posterior variance is below 0.0001 of the prior's: points, not distributions. "
               "Past half, the model is a deterministic autoencoder and prior samples may not decode to data.");
  }
  if (n.toy) {
    const double ratio = n.toy_distance / n.toy_distance_floor;
    number_row("toy distance",
               fmt::format("{} vs floor {} ({:.1f}x)", number(n.toy_distance), number(n.toy_distance_floor), ratio),
               !(n.toy_distance <= t.toy_floor_multiple * n.toy_distance_floor),
               fmt::format("> {:g}x floor", t.toy_floor_multiple),
               fmt::format("Energy distance between points generated from the prior and test points; the floor is "
                           "the same distance between two halves of the test points, what a perfect model would "
                           "score. Both are means over {} draws of {} points.",
                           n.toy_repeats, n.toy_points)
                   .c_str());
  }
  ImGui::EndTable();
}

}  // namespace

void draw_model_health_panel(const ModelHealthMonitor& monitor, const TrainerSnapshot* snapshot) {
  if (!ImGui::CollapsingHeader("Model health", ImGuiTreeNodeFlags_DefaultOpen)) return;
  ImGui::PushID("model-health");
  const HealthReport* report = monitor.report();
  if (!monitor.error().empty()) {
    const ImVec4 red(1, 0.45f, 0.4f, 1);
    wrapped(monitor.error(), &red);
  }
  if (!report) {
    if (monitor.checking()) ImGui::TextDisabled("Checking the model on held-out inputs ...");
    else if (monitor.error().empty()) ImGui::TextDisabled("No model to check yet.");
    ImGui::PopID();
    return;
  }
  const ModelHealth& h = report->health;
  const bool healthy = h.verdict.healthy();
  ImGui::TextColored(healthy ? kHealthy : kWarning, "%s", healthy ? "Healthy" : ("Not healthy: " + health_kind_title(h.verdict.kind)).c_str());
  wrapped(with_superscripts(h.verdict.sentence));
  draw_numbers(h);
  if (h.verdict.findings.empty()) {
    ImGui::TextDisabled("Findings: none, every check passes.");
  } else {
    ImGui::Text("Findings (%zu):", h.verdict.findings.size());
    for (const auto& f : h.verdict.findings) {
      ImGui::Bullet();
      wrapped(with_superscripts(f.sentence), &kWarning);
    }
  }
  // Which model the numbers are about, and how stale they are.
  const double ago = std::chrono::duration<double>(std::chrono::steady_clock::now() - report->finished_at).count();
  std::string when = fmt::format("Checked on {} {} inputs at step {}", h.numbers.samples, report->split, report->step);
  if (report->epochs > 0) when += fmt::format(" (epoch {:.2f} of {})", report->epoch, report->epochs);
  when += fmt::format(", {:.0f} s ago, in {:.2f} s.", ago, report->seconds);
  if (snapshot && snapshot->model && snapshot->model->step != report->step)
    when += fmt::format(" The model is at step {} now: ", snapshot->model->step) +
            (monitor.checking() ? "checking it." : "rechecked at most every few seconds.");
  else if (monitor.checking())
    when += " Checking the newest model ...";
  const ImVec4 grey = ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
  wrapped(when, &grey);
  ImGui::PopID();
}

}  // namespace gui
}  // namespace vaelab
