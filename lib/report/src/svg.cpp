#include "plan/report/svg.hpp"

#include "plan/report/escape.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <tuple>

#include "plan/report/table.hpp"

namespace plan::report {
namespace {

// Colour-blind-safe palette (Okabe-Ito) with a dash pattern and marker per series.
struct Style {
  const char* colour;
  const char* dash;
  const char* marker;  // circle, square, triangle, diamond, cross
};
constexpr Style styles[] = {
    {"#0072B2", "", "circle"},         {"#D55E00", "8 4", "square"},   {"#009E73", "2 3", "triangle"},
    {"#CC79A7", "10 3 2 3", "diamond"}, {"#E69F00", "4 2", "cross"},   {"#56B4E9", "12 4 2 4 2 4", "circle"},
    {"#000000", "1 2", "square"},      {"#F0E442", "6 2 1 2", "triangle"},
};
const Style& style(std::size_t i) { return styles[i % (sizeof styles / sizeof styles[0])]; }

std::string marker_svg(const char* kind, double x, double y, const char* colour) {
  if (std::string(kind) == "square")
    return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"7\" height=\"7\" fill=\"white\" stroke=\"{}\"/>", x - 3.5,
                       y - 3.5, colour);
  if (std::string(kind) == "triangle")
    return fmt::format("<path d=\"M{:.1f},{:.1f} l4,7 h-8 z\" fill=\"white\" stroke=\"{}\"/>", x, y - 4, colour);
  if (std::string(kind) == "diamond")
    return fmt::format("<path d=\"M{:.1f},{:.1f} l4,4 l-4,4 l-4,-4 z\" fill=\"white\" stroke=\"{}\"/>", x, y - 4, colour);
  if (std::string(kind) == "cross")
    return fmt::format("<path d=\"M{:.1f},{:.1f} l7,7 m0,-7 l-7,7\" stroke=\"{}\" stroke-width=\"1.5\"/>", x - 3.5,
                       y - 3.5, colour);
  return fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"white\" stroke=\"{}\"/>", x, y, colour);
}

std::string tick_label(double v) {
  if (v == 0) return "0";
  double a = std::fabs(v);
  if (a >= 1e3) return human(v);
  if (a >= 1) return fmt::format("{:g}", v);
  return fmt::format("{:.3g}", v);
}

struct Axis {
  double lo, hi;
  bool log;
  double px0, px1;
  double map(double v) const {
    double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
    return px0 + t * (px1 - px0);
  }
};

std::string frame(double w, double h, const std::string& title) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0:.0f} {1:.0f}\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
      "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"{2}\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text class=\"title\" x=\"{3:.0f}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{2}</text>\n",
      w, h, xml_escape(title), w / 2);
}

std::string axes(const Axis& x, const Axis& y, const std::vector<double>& xt, const std::vector<double>& yt,
                 const std::string& x_label, const std::string& y_label, double w, double h,
                 double x_label_dy = 32) {
  (void)h;
  std::string out;
  for (double t : yt) {
    double py = y.map(t);
    out += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>", x.px0, py, x.px1, py);
    out += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", x.px0 - 6, py + 4,
                       xml_escape(tick_label(t)));
  }
  for (double t : xt) {
    double px = x.map(t);
    out += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#eee\"/>", px, y.px0, px, y.px1);
    out += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", px, y.px0 + 16,
                       xml_escape(tick_label(t)));
  }
  out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" stroke=\"#333\"/>\n",
                     x.px0, y.px1, x.px1 - x.px0, y.px0 - y.px1);
  out += fmt::format("<text class=\"axis-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
                     (x.px0 + x.px1) / 2, y.px0 + x_label_dy, xml_escape(x_label));
  out += fmt::format("<text class=\"axis-label\" transform=\"translate(16,{:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                     (y.px0 + y.px1) / 2, xml_escape(y_label));
  (void)w;
  return out;
}

// Estimated extent of a line of text: DejaVu Sans advances about 0.62 em per character
// on average over digits, lower-case letters and punctuation (digits are 0.636 em, 'i'
// 0.278 em, 'm' 0.974 em); the ascent is 0.76 em and the descent 0.24 em. Overestimating
// only costs space.
double text_width(const std::string& t, double font_size) { return 0.62 * font_size * static_cast<double>(t.size()); }

// Greedy placement: each label takes the first of its candidate boxes that meets no box
// placed before it (or, when every candidate does, the last one).
class Placer {
 public:
  void add(const LabelBox& b) { placed_.push_back(b); }
  std::size_t choose(const std::vector<LabelBox>& candidates) {
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (std::none_of(placed_.begin(), placed_.end(), [&](const LabelBox& p) { return p.intersects(candidates[i]); })) {
        placed_.push_back(candidates[i]);
        return i;
      }
    }
    placed_.push_back(candidates.back());
    return candidates.size() - 1;
  }

 private:
  std::vector<LabelBox> placed_;
};

// Horizontal text at (x, y) on its baseline.
LabelBox horizontal_box(double x, double y, const std::string& t, double font_size, const char* anchor) {
  const double w = text_width(t, font_size);
  const double x0 = std::string(anchor) == "end" ? x - w : (std::string(anchor) == "middle" ? x - w / 2 : x);
  return {x0 - 1, y - 0.76 * font_size - 1, x0 + w + 1, y + 0.24 * font_size + 1};
}

// Text rotated by -90 degrees about (x, y) with text-anchor end: it reads upwards and hangs
// down from y; the glyphs stand left of x (the ascent) with the descent to its right.
LabelBox vertical_box(double x, double y, const std::string& t, double font_size) {
  const double w = text_width(t, font_size);
  return {x - 0.76 * font_size - 1, y - 1, x + 0.24 * font_size + 1, y + w + 1};
}

// Legend entries laid out left to right, wrapping to a new row where the next would pass
// the right edge. Returns each entry's (x, row).
std::vector<std::pair<double, int>> legend_flow(const std::vector<std::string>& names, double left, double right,
                                                double sample_w, double font_size) {
  std::vector<std::pair<double, int>> out;
  double x = left;
  int row = 0;
  for (const auto& n : names) {
    const double w = sample_w + 6 + text_width(n, font_size) + 18;
    if (x > left && x + w > right) {
      x = left;
      ++row;
    }
    out.emplace_back(x, row);
    x += w;
  }
  return out;
}

}  // namespace

bool LabelBox::intersects(const LabelBox& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }

std::string xml_escape(const std::string& s) { return html_escape(s); }

std::vector<double> nice_ticks(double lo, double hi, bool log, int target) {
  std::vector<double> t;
  if (!(hi > lo)) return {lo};
  if (log) {
    for (double d = std::pow(10, std::floor(std::log10(lo))); d <= hi * 1.0001; d *= 10) {
      if (d >= lo * 0.9999) t.push_back(d);
    }
    return t;
  }
  double raw = (hi - lo) / target;
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  return t;
}

std::string render_svg(const LineChart& c) {
  // The right margin holds half of the last x tick label ("10.00B" is about 45 px wide).
  const double left = 78, right = 30, top = 34;
  std::vector<std::string> names;
  for (const auto& s : c.series) names.push_back(s.name);
  const auto legend = legend_flow(names, left, c.width - right, 28, 12);
  const double legend_h = legend.empty() ? 0 : 18.0 * (legend.back().second + 1);
  const double bottom = 50 + legend_h;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  auto include = [&](double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    if (c.log_x && x <= 0) return;
    if (c.log_y && y <= 0) return;
    xlo = std::min(xlo, x), xhi = std::max(xhi, x), ylo = std::min(ylo, y), yhi = std::max(yhi, y);
  };
  for (const auto& s : c.series) {
    for (auto [x, y] : s.points) include(x, y);
    for (std::size_t k = 0; k < s.band.size() && k < s.points.size(); ++k) {
      include(s.points[k].first, s.band[k].first);
      include(s.points[k].first, s.band[k].second);
    }
  }
  if (!std::isfinite(xlo)) xlo = c.log_x ? 1 : 0, xhi = xlo + 1, ylo = c.log_y ? 1 : 0, yhi = ylo + 1;
  if (c.y_min && !c.log_y) ylo = std::min(ylo, *c.y_min);
  if (xhi <= xlo) xhi = xlo * 2 + 1;
  if (yhi <= ylo) yhi = ylo + 1;
  if (!c.log_y) yhi += (yhi - ylo) * 0.05;
  auto yt = nice_ticks(ylo, yhi, c.log_y);
  if (!c.log_y && !yt.empty()) yhi = std::max(yhi, yt.back());
  Axis x{xlo, xhi, c.log_x, left, c.width - right};
  Axis y{ylo, yhi, c.log_y, c.height - bottom, top};
  std::string out = frame(c.width, c.height, c.title);
  out += axes(x, y, nice_ticks(xlo, xhi, c.log_x), yt, c.x_label, c.y_label, c.width, c.height);
  // Marker labels hang down from the top of the plot beside their line, left of it or
  // right of it, moved further down the line where both sides are taken.
  Placer placer;
  std::vector<VMarker> markers;
  for (const auto& m : c.markers)
    if (m.x >= xlo && m.x <= xhi) markers.push_back(m);
  std::stable_sort(markers.begin(), markers.end(), [](const VMarker& a, const VMarker& b) { return a.x < b.x; });
  for (const auto& m : markers) {
    const double px = x.map(m.x);
    out += fmt::format("<line class=\"marker\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#555\" "
                       "stroke-dasharray=\"3 3\"/>",
                       px, y.px0, y.px1);
    std::vector<std::pair<double, double>> spots;
    std::vector<LabelBox> boxes;
    const double len = text_width(m.label, 11) + 4;
    for (double ty = y.px1 + 4; ty + len <= y.px0 || spots.empty(); ty += std::max(len / 2, 12.0)) {
      for (double tx : {px - 3, px + 12}) {
        spots.emplace_back(tx, ty);
        boxes.push_back(vertical_box(tx, ty, m.label, 11));
      }
    }
    const auto [tx, ty] = spots[placer.choose(boxes)];
    out += fmt::format("<text class=\"marker-label\" x=\"{0:.1f}\" y=\"{1:.1f}\" font-size=\"11\" text-anchor=\"end\" "
                       "transform=\"rotate(-90 {0:.1f} {1:.1f})\">{2}</text>\n",
                       tx, ty, xml_escape(m.label));
  }
  // Bands first, under every line: the upper edge left to right, the lower edge back.
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    std::string up, down;
    for (std::size_t k = 0; k < s.band.size() && k < s.points.size(); ++k) {
      const double vx = s.points[k].first, lo = s.band[k].first, hi = s.band[k].second;
      if (!std::isfinite(vx) || !std::isfinite(lo) || !std::isfinite(hi) || (c.log_y && lo <= 0)) continue;
      up += fmt::format("{}{:.1f},{:.1f} ", up.empty() ? "M" : "L", x.map(vx), y.map(hi));
      down = fmt::format("L{:.1f},{:.1f} ", x.map(vx), y.map(lo)) + down;
    }
    if (!up.empty())
      out += fmt::format("<path class=\"band\" data-name=\"{}\" d=\"{}{}Z\" fill=\"{}\" fill-opacity=\"0.15\" "
                         "stroke=\"none\"/>\n",
                         xml_escape(s.name), up, down, style(i).colour);
  }
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto& st = style(i);
    std::string d;
    bool pen = false;
    std::vector<std::pair<double, double>> pts;
    for (auto [vx, vy] : c.series[i].points) {
      bool ok = std::isfinite(vx) && std::isfinite(vy) && (!c.log_x || vx > 0) && (!c.log_y || vy > 0);
      if (!ok) {
        pen = false;
        continue;
      }
      double px = x.map(vx), py = y.map(vy);
      d += fmt::format("{}{:.1f},{:.1f} ", pen ? "L" : "M", px, py);
      pen = true;
      pts.emplace_back(px, py);
    }
    if (c.series[i].scatter) {
      out += fmt::format("<g class=\"series\" data-name=\"{}\">", xml_escape(c.series[i].name));
    } else {
      out += fmt::format("<g class=\"series\" data-name=\"{}\"><path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                         xml_escape(c.series[i].name), d, st.colour,
                         *st.dash ? fmt::format(" stroke-dasharray=\"{}\"", st.dash) : "");
    }
    // Markers at up to 12 evenly spaced points, so the series is identifiable in grey; a
    // scatter's at every point.
    std::size_t every = c.series[i].scatter ? 1 : std::max<std::size_t>(1, pts.size() / 12);
    for (std::size_t k = 0; k < pts.size(); k += every) out += marker_svg(st.marker, pts[k].first, pts[k].second, st.colour);
    out += "</g>\n";
  }
  // Legend below the plot, as many per row as fit.
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto& st = style(i);
    const double lx = legend[i].first;
    const double ly = c.height - legend_h - 2 + 18.0 * legend[i].second;
    out += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"2\"{}/>", lx,
                       ly, lx + 28, ly, st.colour, *st.dash ? fmt::format(" stroke-dasharray=\"{}\"", st.dash) : "");
    out += marker_svg(st.marker, lx + 14, ly, st.colour);
    out += fmt::format("<text class=\"legend\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", lx + 34, ly + 4,
                       xml_escape(c.series[i].name));
  }
  return out + "</svg>\n";
}

std::string render_svg(const BarChart& c) {
  const double left = 78, right = 16, top = 34;
  std::size_t n = c.categories.size();
  // Category labels on as many staggered rows as it takes for neighbours on one row not
  // to meet; the axis label and the legend move down below them.
  const double slot_w = (c.width - left - right) / static_cast<double>(std::max<std::size_t>(1, n));
  double widest = 0;
  for (const auto& cat : c.categories) widest = std::max(widest, text_width(cat, 10) + 4);
  const int category_rows = std::max(1, static_cast<int>(std::ceil(widest / slot_w)));
  const double bottom = 58 + 12.0 * category_rows;
  double yhi = 0;
  for (std::size_t k = 0; k < n; ++k) {
    double s = 0;
    for (const auto& p : c.parts) s += k < p.size() ? p[k] : 0;
    yhi = std::max(yhi, s);
  }
  for (const auto& [label, v] : c.lines) yhi = std::max(yhi, v);
  if (yhi <= 0) yhi = 1;
  yhi *= 1.08;
  auto yt = nice_ticks(0, yhi, false);
  if (!yt.empty()) yhi = std::max(yhi, yt.back());
  Axis y{0, yhi, false, c.height - bottom, top};
  Axis x{0, static_cast<double>(n), false, left, c.width - right};
  std::string out = frame(c.width, c.height, c.title);
  out += axes(x, y, {}, yt, c.x_label, c.y_label, c.width, c.height, 20 + 12.0 * category_rows);
  const double slot = (x.px1 - x.px0) / static_cast<double>(std::max<std::size_t>(1, n));
  // Part 0 solid, part 1 hatched: distinguishable without colour.
  out += "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#F5C396\"/>"
         "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#D55E00\" stroke-width=\"2\"/></pattern></defs>\n";
  for (std::size_t k = 0; k < n; ++k) {
    double base = 0;
    for (std::size_t p = 0; p < c.parts.size(); ++p) {
      double v = k < c.parts[p].size() ? c.parts[p][k] : 0;
      if (v <= 0) continue;
      double y0 = y.map(base), y1 = y.map(base + v);
      out += fmt::format("<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" "
                         "stroke=\"#333\" stroke-width=\"0.5\"/>",
                         x.px0 + slot * static_cast<double>(k) + slot * 0.12, y1, slot * 0.76, y0 - y1,
                         p == 0 ? "#7FB8DA" : "url(#hatch)");
      base += v;
    }
    out += fmt::format("<text class=\"category\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"10\">{}</text>\n",
                       x.px0 + slot * (static_cast<double>(k) + 0.5),
                       y.px0 + 14 + 12.0 * static_cast<double>(static_cast<int>(k) % category_rows),
                       xml_escape(c.categories[k]));
  }
  // Reference lines: a colour and dash each; the label sits at the right end above the
  // line, else below it, else moved left along it, wherever it meets no label placed before.
  Placer placer;
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    const auto& [label, v] = c.lines[i];
    const Style& st = style(i + 1);
    const double py = y.map(v);
    out += fmt::format("<line class=\"ref\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
                       "stroke-width=\"2\" stroke-dasharray=\"{}\"/>",
                       x.px0, py, x.px1, py, st.colour, *st.dash ? st.dash : "none");
    const double w = text_width(label, 11) + 10;
    std::vector<std::pair<double, double>> spots;
    std::vector<LabelBox> boxes;
    for (double tx = x.px1 - 4; tx - w >= x.px0 - 1 || spots.empty(); tx -= w) {
      for (double ty : {py - 4, py + 13}) {
        if (ty - 9 < y.px1 || ty + 3 > y.px0) continue;
        spots.emplace_back(tx, ty);
        boxes.push_back(horizontal_box(tx, ty, label, 11, "end"));
      }
      if (spots.empty()) {  // a line at the very top or bottom: the label goes inside the plot
        spots.emplace_back(tx, std::clamp(py + 13, y.px1 + 12, y.px0 - 4));
        boxes.push_back(horizontal_box(spots.back().first, spots.back().second, label, 11, "end"));
      }
    }
    const auto [tx, ty] = spots[placer.choose(boxes)];
    // A white halo keeps the label legible where it crosses another line.
    out += fmt::format("<text class=\"line-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" font-size=\"11\" "
                       "fill=\"{}\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>\n",
                       tx, ty, std::string(st.colour) == "#F0E442" ? "#000000" : st.colour, xml_escape(label));
  }
  double ly = c.height - 20;
  for (std::size_t p = 0; p < c.part_names.size(); ++p) {
    double lx = left + static_cast<double>(p) * 220;
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"10\" fill=\"{}\" stroke=\"#333\"/>", lx,
                       ly - 9, p == 0 ? "#7FB8DA" : "url(#hatch)");
    out += fmt::format("<text class=\"legend\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", lx + 20, ly, xml_escape(c.part_names[p]));
  }
  return out + "</svg>\n";
}

std::string render_svg(const TornadoChart& c) {
  std::size_t label_chars = 0;
  for (const auto& r : c.rows) label_chars = std::max(label_chars, r.label.size());
  // About 6.6 px per character at font-size 12.
  const double left = std::min(c.width / 2, 24 + 6.6 * static_cast<double>(label_chars));
  const double right = 24, top = 34, row_h = 26, legend_h = 24;
  const double height = top + row_h * static_cast<double>(c.rows.size()) + 44 + legend_h;
  double lo = c.base, hi = c.base;
  for (const auto& r : c.rows) {
    for (double v : {r.low, r.high})
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (hi <= lo) hi = lo + 1;
  const double pad = (hi - lo) * 0.05;
  auto ticks = nice_ticks(lo - pad, hi + pad, false);
  if (!ticks.empty()) lo = std::min(lo - pad, ticks.front()), hi = std::max(hi + pad, ticks.back());
  Axis x{lo, hi, false, left, c.width - right};
  const double plot_bottom = top + row_h * static_cast<double>(c.rows.size());
  std::string out = frame(c.width, height, c.title);
  for (double t : ticks) {
    const double px = x.map(t);
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#eee\"/>", px, top,
                       plot_bottom);
    out += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", px, plot_bottom + 16,
                       xml_escape(tick_label(t)));
  }
  out += fmt::format("<text class=\"axis-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", (left + c.width - right) / 2,
                     plot_bottom + 34, xml_escape(c.x_label));
  const Style& low_style = style(1);
  const Style& high_style = style(0);
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const auto& r = c.rows[i];
    const double y0 = top + row_h * static_cast<double>(i) + 4, h = row_h - 8;
    out += fmt::format("<g class=\"bar\" data-name=\"{}\">", xml_escape(r.label));
    for (auto [v, st] : {std::pair{r.low, &low_style}, std::pair{r.high, &high_style}}) {
      if (!std::isfinite(v)) continue;
      const double a = x.map(std::min(v, c.base)), b = x.map(std::max(v, c.base));
      out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" "
                         "fill-opacity=\"0.6\" stroke=\"{}\"{}/>",
                         a, y0, std::max(b - a, 0.5), h, st->colour, st->colour,
                         *st->dash ? fmt::format(" stroke-dasharray=\"{}\"", st->dash) : "");
    }
    out += fmt::format("<text class=\"row-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text></g>\n", left - 8, y0 + h / 2 + 4,
                       xml_escape(r.label));
  }
  if (lo < 0 && hi > 0)  // where the sign of the value changes
    out += fmt::format("<line class=\"zero\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#555\" "
                       "stroke-dasharray=\"3 3\"/>\n",
                       x.map(0), top, plot_bottom);
  const double bx = x.map(c.base);
  out += fmt::format("<line class=\"base\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#000\"/>\n",
                     bx, top, plot_bottom);
  const double ly = height - legend_h + 4;
  for (auto [name, st, lx] : {std::tuple{c.low_name, &low_style, left}, std::tuple{c.high_name, &high_style, left + 260}}) {
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"20\" height=\"10\" fill=\"{}\" fill-opacity=\"0.6\" "
                       "stroke=\"{}\"{}/>",
                       lx, ly - 9, st->colour, st->colour, *st->dash ? fmt::format(" stroke-dasharray=\"{}\"", st->dash) : "");
    out += fmt::format("<text class=\"legend\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", lx + 26, ly, xml_escape(name));
  }
  return out + "</svg>\n";
}

}  // namespace plan::report
