using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Keel.Web.Ui;

/// <summary>The UI's HTML: encoding, the page layout with its navigation, tables, and chart placeholders that keel.js draws with Chart.js.</summary>
internal static class Html
{
    private static readonly JsonSerializerOptions ChartJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static readonly (string Path, string Title)[] Nav =
    [
        ("/ui/runs", "Runs"), ("/ui/models", "Models"), ("/ui/deployments", "Deployments"), ("/ui/monitoring", "Monitoring"), ("/ui/searches", "Searches"),
    ];

    /// <summary>HTML-encodes text (element content and attribute values alike).</summary>
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <summary>URL-encodes one path segment or query value.</summary>
    public static string U(string? text) => Uri.EscapeDataString(text ?? "");

    /// <summary>A number for a table cell: up to 4 significant decimals, "–" for NaN.</summary>
    public static string N(double v) => double.IsNaN(v) ? "–" : v.ToString(Math.Abs(v) >= 1000 ? "0.#" : "0.####", CultureInfo.InvariantCulture);

    /// <summary>A time in UTC, to the second.</summary>
    public static string T(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "–";

    /// <summary>How often a page of live work reloads itself.</summary>
    public const int LiveRefreshSeconds = 10;

    /// <summary>A whole page: head with the vendored scripts, navigation (the current section marked), title and body; with
    /// <paramref name="refreshSeconds"/> it reloads itself that often.</summary>
    public static IResult Page(string title, string section, string body, int status = 200, int? refreshSeconds = null)
    {
        var sb = new StringBuilder(body.Length + 2048);
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        // A page of live work (a running run, a study with running trials) reloads itself, as the work goes on, until it is done.
        if (refreshSeconds is { } every) sb.Append("<meta http-equiv=\"refresh\" content=\"").Append(every.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\">");
        sb
          .Append("<title>").Append(E(title)).Append(" · Keel</title><link rel=\"stylesheet\" href=\"/ui/assets/keel.css\">")
          .Append("<script src=\"/ui/assets/chart.umd.min.js\" defer></script><script src=\"/ui/assets/keel.js\" defer></script></head><body><header><a class=\"brand\" href=\"/ui/runs\">Keel</a><nav>");
        foreach (var (path, name) in Nav)
            sb.Append("<a href=\"").Append(path).Append('"').Append(name == section ? " class=\"active\"" : "").Append('>').Append(name).Append("</a>");
        sb.Append("</nav></header><main><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>");
        return Results.Content(sb.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>A table from a header row and body rows whose cells are already HTML.</summary>
    public static string Table(IEnumerable<string> head, IEnumerable<IEnumerable<string>> rows, string? id = null)
    {
        var sb = new StringBuilder("<table").Append(id is null ? "" : $" id=\"{id}\"").Append("><thead><tr>");
        foreach (var h in head) sb.Append("<th>").Append(h).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            sb.Append("<tr>");
            foreach (var cell in row) sb.Append("<td>").Append(cell).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>A line chart of one or more series of (x, y) points; <paramref name="xTime"/> draws x as UTC times (milliseconds since 1970).
    /// <paramref name="xRange"/> and <paramref name="yRange"/> fix an axis's ends (e.g. the last 24 hours, 0–100 %) instead of fitting the points;
    /// <paramref name="yWhole"/> puts ticks on whole numbers only (versions, counts).</summary>
    public static string LineChart(string id, string title, IEnumerable<ChartSeries> series, string xLabel, bool xTime = false, bool stepped = false, bool legend = true,
        (double Min, double Max)? xRange = null, (double Min, double Max)? yRange = null, bool yWhole = false) =>
        Chart(id, title, new { kind = "line", xLabel, xTime, stepped, legend, series, xMin = xRange?.Min, xMax = xRange?.Max, yMin = yRange?.Min, yMax = yRange?.Max, yWhole });

    /// <summary>A scatter chart: one group of dots per series, no lines.</summary>
    public static string ScatterChart(string id, string title, IEnumerable<ChartSeries> series, string xLabel, string yLabel, bool xLog = false) =>
        Chart(id, title, new { kind = "scatter", xLabel, yLabel, xLog, series });

    /// <summary>A bar chart of labelled values.</summary>
    public static string BarChart(string id, string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, string valueLabel) =>
        Chart(id, title, new { kind = "bar", labels, values, valueLabel });

    /// <summary>Parallel coordinates: one line per item across axes, each axis scaled to its own range (raw values shown on hover).</summary>
    public static string ParallelChart(string id, string title, IReadOnlyList<string> axes, IEnumerable<ChartSeries> lines, bool legend = true) =>
        Chart(id, title, new { kind = "parallel", axes, legend, series = lines });

    private static string Chart(string id, string title, object spec) =>
        $"<figure class=\"chart\"><figcaption>{E(title)}</figcaption><div class=\"canvas-box\"><canvas id=\"{E(id)}\" data-chart=\"{E(JsonSerializer.Serialize(spec, ChartJson))}\"></canvas></div></figure>";

    /// <summary>At most <paramref name="max"/> points, evenly spaced, first and last kept: long curves are thinned before drawing.</summary>
    public static IReadOnlyList<double[]> Downsample(IReadOnlyList<double[]> points, int max = 1000)
    {
        if (points.Count <= max) return points;
        var step = (points.Count - 1) / (double)(max - 1);
        return Enumerable.Range(0, max).Select(i => points[(int)Math.Round(i * step)]).ToArray();
    }

    /// <summary>A message box (e.g. nothing stored yet).</summary>
    public static string Note(string text) => $"<p class=\"note\">{E(text)}</p>";
}

/// <summary>One series of a chart: a label and its points as [x, y] pairs (parallel charts: one value per axis).</summary>
internal sealed record ChartSeries(string Label, IReadOnlyList<double[]> Points)
{
    /// <summary>Parallel charts: the text shown for each point on hover instead of its raw number (e.g. a categorical choice by name).</summary>
    public IReadOnlyList<string>? Texts { get; init; }

    /// <summary>Parallel charts: 0..1, the line's colour from light (0) to dark (1), e.g. a trial's objective; null: a palette colour.</summary>
    public double? Shade { get; init; }
}
