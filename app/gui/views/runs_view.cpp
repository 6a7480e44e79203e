// The runs view (issue 17): a table of the open run and the runs added to it — run folders, checkpoints,
// or a folder of run folders (a compare or reproduce output) — showing what sets each apart: the preset
// keys whose values differ between the rows (compare/run_table.h), the last epoch's test terms, state,
// steps, wall time and the health verdict. A ticked run's epoch curves are overlaid in the curves view
// (ViewContext::overlay_run); added runs start ticked. "Compare ticked" evaluates the ticked runs as
// `vaelab-cli compare` does (compare/comparison_runs.h: health, -log p in nats and bits/dim, R², active
// units, ...) in the background, one run after another, and fills the health column and a second table.
// The open run's health is the app's live check (model_health_monitor.h); it is not re-evaluated.
// Exports: CSV (a row per run, a "preset:<key>" column per differing key) and PNG (the table, read back).
// Threading: reading a row (summary.json or checkpoint metadata) and the comparison run as tasks; their
// results land on the UI thread; draw() never waits.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include "compare/comparison_runs.h"
#include "compare/run_table.h"
#include "compare/standard_columns.h"
#include "core/latest_task.h"
#include "core/main_thread_tasks.h"
#include "model_health_monitor.h"
#include "screen_capture.h"
#include "session/session.h"
#include "text_file.h"
#include "train/run_folder.h"
#include "train/snapshot.h"
#include "views/view.h"
#include "widgets/tooltip.h"

namespace vaelab {
namespace gui {
namespace {

// Inputs each compared run is scored on: enough for the health numbers, quick for an MLP on the CPU.
constexpr int64_t kCompareLimit = 2000;

struct RunRow {
  int64_t order = 0;  // when it was added: rows keep that order whichever read finishes first
  RunRecord record;
  bool ticked = true;
  nlohmann::json compared;  // the comparison row once "Compare ticked" evaluated it; null before
};

std::string format_seconds(double s) {
  if (!(s >= 0)) return "-";
  if (s < 10) return fmt::format("{:.2g} s", s);
  if (s < 90) return fmt::format("{:.0f} s", s);
  if (s < 5400) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

std::string format_number(const nlohmann::json& v, int precision = 4) {
  if (!v.is_number()) return v.is_string() ? v.get<std::string>() : "-";
  const double d = v.get<double>();
  if (!std::isfinite(d)) return "-";
  return fmt::format("{:.{}g}", d, precision);
}

// A health id of the comparison row ("ignores_input") as the banner's words ("ignores its input").
std::string health_title_of(const std::string& id) {
  for (HealthKind k : {HealthKind::healthy, HealthKind::ignores_input, HealthKind::posterior_collapse,
                       HealthKind::variance_collapse, HealthKind::poor_fit, HealthKind::unknown})
    if (health_kind_id(k) == id) return health_kind_title(k);
  return id.empty() ? "-" : id;
}

class RunsView : public View, public ShowsModelHealth {
 public:
  const char* name() const override { return "runs"; }
  const char* title() const override { return "Runs"; }
  void show_model_health(const ModelHealthMonitor* monitor) override { health_ = monitor; }
  bool busy() const override { return loading_ > 0 || !pending_.empty() || compare_.in_flight() || compare_wanted_; }
  bool run_action(const std::string& action) override {
    if (action != "compare-ticked") return false;
    compare_wanted_ = true;  // pressed once the rows added so far are in (draw)
    return true;
  }
  bool add_comparison(const std::string& source) override {
    for (auto& run : runs_named_by(source)) pending_.emplace_back(run, next_order_++);
    return true;
  }
  void remove_comparison(const std::string& source) override {
    rows_.erase(std::remove_if(rows_.begin(), rows_.end(), [&](const RunRow& r) { return r.record.source == source; }),
                rows_.end());
  }

  void draw(ViewContext& ctx) override {
    capture_ = ctx.capture;
    toast_ = ctx.toast;
    overlay_ = ctx.overlay_run;
    const float fs = ImGui::GetFontSize();
    ImGui::TextWrapped(
        "The open run and the runs added: the preset keys that set each apart, its last test terms, health and "
        "wall time. Tick a run to overlay its epoch curves in Curves.");
    ImGui::SetNextItemWidth(fs * 28);
    const bool enter = ImGui::InputTextWithHint("##path", "run folder, checkpoint, or a folder of run folders", &path_,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    tip("A run folder or checkpoint adds one row; a folder holding run folders (a compare or reproduce output) "
        "adds each of them.");
    ImGui::SameLine();
    if ((ImGui::Button("Add") || enter) && !path_.empty()) {
      add_comparison(path_);
      path_.clear();
    }
    load_pending(ctx);
    if (compare_wanted_ && loading_ == 0 && ctx.tasks) {
      compare_wanted_ = false;
      start_compare(ctx);
    }
    ImGui::SameLine();
    draw_compare_button(ctx);
    ImGui::SameLine();
    ImGui::Checkbox("every term", &all_terms_);
    tip("Show each variant's own terms (kl per order, mmd, iwae_bound, ...) beside loss, recon and kl; the CSV "
        "always has them all.");

    std::vector<nlohmann::json> presets;
    const nlohmann::json open_preset = ctx.session ? ctx.session->preset().to_json() : nlohmann::json();
    if (ctx.session) presets.push_back(open_preset);
    for (const auto& r : rows_) presets.push_back(r.record.preset);
    differing_ = differing_preset_keys(presets);
    ImGui::TextDisabled("%zu run%s; keys that differ: %s", presets.size(), presets.size() == 1 ? "" : "s",
                        differing_.empty() ? (presets.size() < 2 ? "(add a run to compare)" : "none")
                                           : fmt::format("{}", fmt::join(differing_, ", ")).c_str());
    draw_table(ctx, open_preset);
    draw_comparison();
  }

  bool export_png(const std::string& path, float scale, std::string& error) override {
    return export_screen_png(capture_, toast_, table_rect_, path, scale, error);
  }
  bool supports_csv() const override { return true; }
  bool export_csv(const std::string& path, std::string& error) override {
    std::set<std::string> term_set;
    for (const auto& r : rows_)
      for (const auto& kv : r.record.final_test) term_set.insert(kv.first);
    for (const auto& kv : open_terms_) term_set.insert(kv.first);
    const std::vector<std::string> terms(term_set.begin(), term_set.end());
    auto csv_cell = [](std::string s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    return write_text_file(path, [&](std::ostream& out) {
      out << "run,open,source,variant,dataset,state,step,epochs,wall_seconds";
      for (const auto& t : terms) out << ",test_" << t;
      out << ",health,recon_r2";
      for (const auto& k : differing_) out << ",preset:" << k;
      out << "\n";
      auto write_row = [&](const std::string& name, bool open, const std::string& source, const nlohmann::json& preset,
                           const std::string& state, int64_t step, int64_t epochs, double wall,
                           const std::map<std::string, double>& final_test, const std::string& health,
                           const std::string& r2) {
        out << csv_cell(name) << "," << (open ? 1 : 0) << "," << csv_cell(source) << ","
            << csv_cell(preset.value("variant", std::string())) << ","
            << csv_cell(preset.contains("dataset") && preset["dataset"].is_object()
                            ? preset["dataset"].value("name", std::string())
                            : std::string())
            << "," << state << "," << step << "," << epochs << "," << (wall >= 0 ? fmt::format("{:.4g}", wall) : "");
        for (const auto& t : terms) {
          const auto it = final_test.find(t);
          out << "," << (it == final_test.end() ? "" : fmt::format("{:.6g}", it->second));
        }
        out << "," << csv_cell(health) << "," << r2;
        const auto values = describe_preset_keys(preset, differing_);
        for (const auto& kv : values) out << "," << csv_cell(kv.substr(kv.find('=') + 1));
        out << "\n";
      };
      if (!open_name_.empty())
        write_row(open_name_, true, open_source_, open_preset_, open_state_, open_step_, open_epochs_, open_wall_,
                  open_terms_, open_health_, open_r2_);
      for (const auto& r : rows_)
        write_row(r.record.name, false, r.record.source, r.record.preset, r.record.state, r.record.step,
                  r.record.epochs, r.record.wall_seconds, r.record.final_test,
                  r.compared.is_object() ? r.compared.value("health", std::string()) : std::string(),
                  r.compared.is_object() ? format_number(r.compared.value("recon_r2", nlohmann::json()), 6) : "");
    }, error);
  }

 private:
  void load_pending(ViewContext& ctx) {
    if (!ctx.tasks) return;
    for (const auto& [source, order] : pending_) {
      const bool known = std::any_of(rows_.begin(), rows_.end(), [&](const RunRow& r) { return r.record.source == source; });
      if (known || loading_sources_.count(source)) continue;
      loading_sources_.insert(source);
      ++loading_;
      auto toast = ctx.toast;
      ctx.tasks->run("read a run for the runs table", [this, source = source, order = order, toast](TaskContext&) -> std::function<void()> {
        std::shared_ptr<RunRecord> record;
        std::string error;
        try {
          record = std::make_shared<RunRecord>(read_run_record(source));
        } catch (const std::exception& e) {
          error = e.what();
        }
        return [this, source, order, record, error, toast] {
          --loading_;
          loading_sources_.erase(source);
          if (!record) {
            if (toast) toast(ToastKind::Error, "runs: " + error);
            return;
          }
          const auto at = std::find_if(rows_.begin(), rows_.end(), [&](const RunRow& r) { return r.order > order; });
          rows_.insert(at, RunRow{order, *record, true, nullptr});
          if (overlay_) overlay_(source, true);
        };
      });
    }
    pending_.clear();
  }

  void draw_compare_button(ViewContext& ctx) {
    const int ticked = static_cast<int>(std::count_if(rows_.begin(), rows_.end(), [](const RunRow& r) { return r.ticked; }));
    if (compare_.in_flight()) {
      ImGui::TextDisabled("comparing: %d of %d ticked runs done", compare_done_.load(), compare_total_);
      ImGui::SameLine();
      if (ImGui::Button("Cancel")) {
        compare_.invalidate();
        compare_.mark_clean();
      }
      return;
    }
    ImGui::BeginDisabled(ticked == 0 || !ctx.tasks);
    if (ImGui::Button(fmt::format("Compare ticked ({})", ticked).c_str())) start_compare(ctx);
    ImGui::EndDisabled();
    tip("Evaluate the ticked runs (added ones) as vaelab-cli compare does, on the first 2000 test inputs: health "
        "verdict, -log p in nats and bits/dim, R², active units. Runs in the background; training goes on.");
  }

  void start_compare(ViewContext& ctx) {
    std::vector<std::pair<std::string, std::string>> todo;  // (source, name)
    for (const auto& r : rows_)
      if (r.ticked) todo.emplace_back(r.record.checkpoint, r.record.name);
    compare_total_ = static_cast<int>(todo.size());
    compare_done_ = 0;
    auto toast = ctx.toast;
    compare_.start(*ctx.tasks, [this, todo, toast](TaskContext& task) -> std::function<void()> {
      ComparisonOptions options;
      options.limit = kCompareLimit;
      std::vector<std::pair<std::string, nlohmann::json>> results;
      std::vector<std::string> errors;
      ComparisonTable table = standard_comparison_table();
      for (const auto& [checkpoint, name] : todo) {
        if (task.cancelled()) return {};
        task.set_status("comparing " + name);
        try {
          results.emplace_back(checkpoint, evaluate_run_into(table, checkpoint, options, name, "cpu"));
        } catch (const std::exception& e) {
          errors.push_back(name + ": " + e.what());
        }
        ++compare_done_;
      }
      return [this, results, errors, toast] {
        for (const auto& [checkpoint, row] : results)
          for (auto& r : rows_)
            if (r.record.checkpoint == checkpoint) r.compared = row;
        for (const auto& e : errors)
          if (toast) toast(ToastKind::Error, "compare " + e);
      };
    });
    compare_.mark_clean();
  }

  void draw_table(ViewContext& ctx, const nlohmann::json& open_preset) {
    // The test terms shown: "loss" first, then the others in name order.
    std::set<std::string> term_set;
    open_terms_.clear();
    if (ctx.snapshot && ctx.snapshot->metrics) open_terms_ = final_test_terms(*ctx.snapshot->metrics);
    for (const auto& kv : open_terms_) term_set.insert(kv.first);
    for (const auto& r : rows_)
      for (const auto& kv : r.record.final_test) term_set.insert(kv.first);
    std::vector<std::string> terms;
    for (const char* t : {"loss", "recon", "kl"})
      if (term_set.count(t)) terms.push_back(t);
    if (all_terms_)
      for (const auto& t : term_set)
        if (t != "loss" && t != "recon" && t != "kl") terms.push_back(t);

    const int columns = 8 + static_cast<int>(terms.size());
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit |
                                  ImGuiTableFlags_ScrollX;  // not resizable: columns follow their content (ImGuiTableColumnFlags_WidthAuto)
    const float rows_h = ImGui::GetFrameHeightWithSpacing() * (static_cast<float>(rows_.size()) + 2.6f);
    const ImVec2 top = ImGui::GetCursorScreenPos();
    if (!ImGui::BeginTable("runs", columns, flags, ImVec2(0, std::min(rows_h, ImGui::GetContentRegionAvail().y * 0.6f))))
      return;
    ImGui::TableSetupScrollFreeze(2, 1);
    ImGui::TableSetupColumn("curves");
    ImGui::TableSetupColumn("run");
    ImGui::TableSetupColumn("variant");
    ImGui::TableSetupColumn("dataset");
    for (const auto& t : terms) ImGui::TableSetupColumn(("test " + t).c_str());
    ImGui::TableSetupColumn("steps");
    ImGui::TableSetupColumn("wall time");
    ImGui::TableSetupColumn("health");
    ImGui::TableSetupColumn("preset keys that differ");
    ImGui::TableHeadersRow();

    auto differs_cell = [&](const nlohmann::json& preset) {
      const auto parts = describe_preset_keys(preset, differing_);
      ImGui::TextUnformatted(parts.empty() ? "-" : fmt::format("{}", fmt::join(parts, "  ")).c_str());
    };
    auto term_cells = [&](const std::map<std::string, double>& values) {
      for (const auto& t : terms) {
        ImGui::TableNextColumn();
        const auto it = values.find(t);
        ImGui::TextUnformatted(it == values.end() ? "-" : fmt::format("{:.4g}", it->second).c_str());
      }
    };

    // The open run.
    open_name_.clear();
    if (ctx.session) {
      const auto& p = ctx.snapshot ? ctx.snapshot->progress : Progress{};
      open_name_ = ctx.session->preset().name;
      open_source_ = "(open run)";
      open_preset_ = open_preset;
      open_state_ = to_string(p.state);
      open_step_ = p.step;
      open_epochs_ = p.epochs;
      open_wall_ = p.elapsed_seconds;
      open_health_.clear();
      open_r2_.clear();
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("live");
      tip("The open run: its curves are always in the curves view.");
      ImGui::TableNextColumn();
      ImGui::Text("%s (open)", open_name_.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(open_preset.value("variant", std::string()).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(open_preset.contains("dataset") && open_preset["dataset"].is_object()
                                 ? open_preset["dataset"].value("name", std::string()).c_str()
                                 : "");
      term_cells(open_terms_);
      ImGui::TableNextColumn();
      ImGui::Text("%lld (%s)", (long long)p.step, to_string(p.state));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_seconds(p.elapsed_seconds > 0 ? p.elapsed_seconds : -1).c_str());  // 0: not run in this session
      ImGui::TableNextColumn();
      const HealthReport* report = health_ ? health_->report() : nullptr;
      if (report) {
        open_health_ = health_kind_id(report->health.verdict.kind);
        open_r2_ = format_number(report->health.numbers.recon_r2, 6);
        ImGui::Text("%s (R² %.2f)", health_kind_title(report->health.verdict.kind).c_str(),
                    report->health.numbers.recon_r2);
        tip(report->health.verdict.sentence.c_str());
      } else {
        ImGui::TextDisabled("checking ...");
      }
      ImGui::TableNextColumn();
      differs_cell(open_preset);
    }
    // The runs added.
    int remove = -1;
    for (size_t i = 0; i < rows_.size(); ++i) {
      RunRow& r = rows_[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (ImGui::Checkbox("##tick", &r.ticked) && overlay_) overlay_(r.record.source, r.ticked);
      tip("Overlay this run's epoch curves in the curves view; also picks it for Compare ticked.");
      ImGui::SameLine();
      if (ImGui::SmallButton("x")) remove = static_cast<int>(i);
      tip("Remove this run from the table (and its curves).");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.record.name.c_str());
      tip(r.record.source.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.record.variant.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.record.dataset.c_str());
      term_cells(r.record.final_test);
      ImGui::TableNextColumn();
      ImGui::Text("%lld (%s)", (long long)r.record.step, r.record.state.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_seconds(r.record.wall_seconds).c_str());
      ImGui::TableNextColumn();
      if (r.compared.is_object()) {
        const auto r2 = r.compared.value("recon_r2", nlohmann::json());
        ImGui::Text("%s (R² %s)", health_title_of(r.compared.value("health", std::string())).c_str(),
                    r2.is_number() ? fmt::format("{:.2f}", r2.get<double>()).c_str() : "-");
        tip(r.compared.value("health_sentence", std::string()).c_str());
      } else {
        ImGui::TextDisabled("-");
        tip("Not evaluated yet: tick it and press Compare ticked.");
      }
      ImGui::TableNextColumn();
      differs_cell(r.record.preset);
      ImGui::PopID();
    }
    ImGui::EndTable();
    const ImVec2 end = ImGui::GetItemRectMax();
    table_rect_ = {top.x, top.y, end.x - top.x, end.y - top.y};
    if (remove >= 0) {
      if (overlay_) overlay_(rows_[remove].record.source, false);
      rows_.erase(rows_.begin() + remove);
    }
  }

  // The evaluated columns of the compared runs, one row each (compare/standard_columns.h's keys).
  void draw_comparison() {
    const bool any = std::any_of(rows_.begin(), rows_.end(), [](const RunRow& r) { return r.compared.is_object(); });
    if (!any) return;
    ImGui::Spacing();
    ImGui::TextDisabled("Compared on the first %lld test inputs (as vaelab-cli compare --limit %lld):",
                        (long long)kCompareLimit, (long long)kCompareLimit);
    static const std::pair<const char*, const char*> kColumns[] = {
        {"health", "health"},          {"recon_r2", "R²"},
        {"active_units", "active units"}, {"test_nelbo", "-log p (nats)"},
        {"bits_per_dim", "bits/dim"},  {"recon_error", "recon error"},
        {"mutual_information", "I~"},  {"variance_collapse_share", "var. collapse share"}};
    const int n = 1 + static_cast<int>(std::size(kColumns));
    if (!ImGui::BeginTable("compared", n, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit))
      return;
    ImGui::TableSetupColumn("run");
    for (const auto& c : kColumns) ImGui::TableSetupColumn(c.second);
    ImGui::TableHeadersRow();
    for (const auto& r : rows_) {
      if (!r.compared.is_object()) continue;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.record.name.c_str());
      for (const auto& c : kColumns) {
        ImGui::TableNextColumn();
        const auto v = r.compared.value(c.first, nlohmann::json());
        ImGui::TextUnformatted(std::string(c.first) == "health" ? health_title_of(v.is_string() ? v.get<std::string>() : "").c_str()
                                                                 : format_number(v).c_str());
      }
    }
    ImGui::EndTable();
  }

  const ModelHealthMonitor* health_ = nullptr;
  std::vector<RunRow> rows_;
  std::vector<std::pair<std::string, int64_t>> pending_;  // (source, order), not yet being read
  int64_t next_order_ = 0;
  std::set<std::string> loading_sources_;
  int loading_ = 0;
  std::string path_;
  std::vector<std::string> differing_;
  // The open run as last drawn, for the CSV.
  std::string open_name_, open_source_, open_state_, open_health_, open_r2_;
  nlohmann::json open_preset_;
  int64_t open_step_ = 0, open_epochs_ = 0;
  double open_wall_ = -1;
  std::map<std::string, double> open_terms_;
  std::atomic<int> compare_done_{0};
  int compare_total_ = 0;
  bool compare_wanted_ = false;
  bool all_terms_ = false;  // --action runs:compare-ticked, waiting for the rows
  std::function<void(ScreenRect, std::function<void(const ImageBytes&)>)> capture_;
  std::function<void(ToastKind, const std::string&)> toast_;
  std::function<void(const std::string&, bool)> overlay_;
  ScreenRect table_rect_;
  // Last: destroyed first, so its job (which counts compare_done_) is joined while the members it uses exist.
  LatestTask compare_{"compare the ticked runs"};
};

}  // namespace

std::unique_ptr<View> make_runs_view() { return std::make_unique<RunsView>(); }

}  // namespace gui
}  // namespace vaelab
