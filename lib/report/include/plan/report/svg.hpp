#pragma once
// Self-contained SVG charts (no scripts, no external fonts or styles). Every series has a
// colour, a dash pattern and a point marker, so charts stay legible printed in black and
// white.
#include <optional>
#include <string>
#include <vector>

namespace plan::report {

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y); a y that is not finite breaks the line
  // Optional (low, high) per point: a translucent band in the series' colour (a fan chart).
  std::vector<std::pair<double, double>> band;
  bool scatter = false;  // a marker at every point and no line (search points)
};

struct VMarker {
  double x = 0;
  std::string label;
};

struct LineChart {
  std::string title;
  std::string x_label;  // with units
  std::string y_label;  // with units
  bool log_x = false;
  bool log_y = false;
  double width = 760;
  double height = 400;
  std::vector<Series> series;
  std::vector<VMarker> markers;  // vertical lines, e.g. break-even volume
  std::optional<double> y_min;   // forces the axis to include this value (e.g. 0)
};

// Bars per category (e.g. hour of day), optionally stacked in two parts, with horizontal
// reference lines (e.g. provisioned capacity, a latency target).
struct BarChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  double width = 760;
  double height = 340;
  std::vector<std::string> categories;
  std::vector<std::string> part_names;          // one or two parts, stacked
  std::vector<std::vector<double>> parts;       // parts[i][category]
  std::vector<std::pair<std::string, double>> lines;  // (label, y)
};

// Horizontal bars around a base value, one per row, largest first (a tornado): each row
// goes from its value at `low` to its value at `high`, both drawn from the base line.
struct TornadoChart {
  std::string title;
  std::string x_label;
  std::string low_name;   // legend of the low end, e.g. "input at p10"
  std::string high_name;
  double width = 760;
  double base = 0;
  struct Row {
    std::string label;
    double low = 0, high = 0;
  };
  std::vector<Row> rows;
};

// The box a label takes on the page (x right, y down), for collision-avoiding layout.
struct LabelBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool intersects(const LabelBox& o) const;
};

// Every text element of a chart has a class (title, tick, axis-label, legend,
// marker-label, line-label, category, row-label). Labels that could meet (marker and
// reference-line labels, legends, categories) are placed so that their estimated boxes
// do not intersect.
std::string render_svg(const LineChart& c);
std::string render_svg(const BarChart& c);
std::string render_svg(const TornadoChart& c);

// "Nice" axis ticks covering [lo, hi]: 1, 2, 5 x 10^k steps (linear) or decades (log).
std::vector<double> nice_ticks(double lo, double hi, bool log, int target = 6);
// The HTML and XML escaping rule (escape.hpp, html_escape).
std::string xml_escape(const std::string& s);

}  // namespace plan::report
