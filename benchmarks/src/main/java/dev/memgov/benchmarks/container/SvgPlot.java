package dev.memgov.benchmarks.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal line plot written as SVG: time on x (seconds), MiB on y, one polyline per series and
 * dashed horizontal reference lines. Not thread-safe.
 */
final class SvgPlot {
  private static final String[] COLORS = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  private final String title;
  private final List<String> names = new ArrayList<>();
  private final List<double[][]> series = new ArrayList<>();
  private final List<String> refNames = new ArrayList<>();
  private final List<Double> refs = new ArrayList<>();

  SvgPlot(String title) {
    this.title = title;
  }

  /** Adds a series of (seconds, MiB) points. */
  SvgPlot series(String name, double[][] points) {
    names.add(name);
    series.add(points);
    return this;
  }

  SvgPlot reference(String name, double mib) {
    refNames.add(name);
    refs.add(mib);
    return this;
  }

  String render() {
    int w = 800;
    int h = 420;
    int left = 60;
    int right = 20;
    int top = 40;
    int bottom = 50;
    double maxX = 1;
    double maxY = 1;
    for (double[][] s : series) {
      for (double[] p : s) {
        maxX = Math.max(maxX, p[0]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    for (double r : refs) {
      maxY = Math.max(maxY, r);
    }
    maxY = Math.ceil(maxY * 1.1 / 50) * 50;
    double fx = (w - left - right) / maxX;
    double fy = (h - top - bottom) / maxY;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
    b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", left, esc(title)));
    for (int i = 0; i <= 5; i++) {
      double v = maxY * i / 5;
      double y = h - bottom - v * fy;
      b.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n",
          left, y, w - right, y, left - 5, y + 4, v));
    }
    for (int i = 0; i <= 6; i++) {
      double v = maxX * i / 6;
      double x = left + v * fx;
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n", x, h - bottom + 16, v));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds</text>%n", (w + left) / 2, h - 12));
    b.append(String.format(Locale.ROOT,
        "<text x=\"15\" y=\"%d\" transform=\"rotate(-90 15 %d)\" text-anchor=\"middle\">MiB</text>%n", h / 2, h / 2));
    for (int i = 0; i < refs.size(); i++) {
      double y = h - bottom - refs.get(i) * fy;
      b.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\" stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          left, y, w - right, y, w - right, y - 4, esc(refNames.get(i))));
    }
    for (int i = 0; i < series.size(); i++) {
      String color = COLORS[i % COLORS.length];
      StringBuilder pts = new StringBuilder();
      for (double[] p : series.get(i)) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + p[0] * fx, h - bottom - p[1] * fy));
      }
      b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n", color, pts));
      b.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
          left + 10, top + 10 + i * 16, color, left + 28, top + 14 + i * 16, esc(names.get(i))));
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
