using System.Text.Json;
using Keel.Core;
using Keel.Monitoring.Alerts;
using Keel.Tracking;

namespace Keel.Pipeline.Alerts;

/// <summary>Alert evaluation as the hosts use it: the engine wired to the store and the configured sinks, and figures read from a file.</summary>
public static class AlertCheck
{
    /// <summary>An engine over <paramref name="store"/>'s alert history that delivers to <paramref name="terminal"/>, then the settings'
    /// log file and webhook.</summary>
    public static AlertEngine CreateEngine(KeelStore store, AlertSettings settings, TimeProvider time, TextWriter terminal, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(settings);
        var sinks = new List<IAlertSink> { AlertSinks.Writer(terminal) };
        if (settings.LogFile is { } log) sinks.Add(AlertSinks.JsonLines(log));
        if (settings.Webhook is { } hook) sinks.Add(AlertSinks.Webhook(hook, http, time));
        return new AlertEngine(store.Alerts, time, sinks);
    }

    /// <summary>One window's figures from a JSON file: an object of name → number (e.g. a monitor --json window's "figures"),
    /// or a whole `keel monitor --json` result, whose window labelled <paramref name="window"/> (the last one when empty) is read.</summary>
    /// <param name="path">The file.</param>
    /// <param name="window">The window's key given; for a monitor result, the label of the window to read.</param>
    /// <returns>The figures and the window's key: <paramref name="window"/>, or a monitor result's window label.</returns>
    /// <exception cref="KeelInputException">The file is missing, not JSON, a value is not a number (names the file and key), or
    /// a monitor result has no such window (names the ones it has).</exception>
    public static (IReadOnlyDictionary<string, double> Figures, string Window) ReadFigures(string path, string window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (!File.Exists(path)) throw new KeelInputException($"figures file '{path}' does not exist.");
        var name = Path.GetFileName(path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new KeelInputException($"{name} line {(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message}).", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new KeelInputException($"{name}: expected a JSON object of figure name → number, e.g. {{\"psi(distance)\": 0.31, \"auc\": 0.78}}, or a keel monitor --json result.");
            if (root.TryGetProperty("windows", out var windows) && windows.ValueKind == JsonValueKind.Array)
                return MonitorWindow(windows, window, name);
            return (Figures(root, name), window);
        }
    }

    /// <summary>The figures of a monitor result's window labelled <paramref name="window"/>, or of its last window.</summary>
    private static (IReadOnlyDictionary<string, double>, string) MonitorWindow(JsonElement windows, string window, string name)
    {
        var all = windows.EnumerateArray()
            .Where(w => w.ValueKind == JsonValueKind.Object && w.TryGetProperty("figures", out var f) && f.ValueKind == JsonValueKind.Object)
            .Select(w => (Label: w.TryGetProperty("window", out var l) ? l.ToString() : "", Figures: w.GetProperty("figures"))).ToArray();
        if (all.Length == 0) throw new KeelInputException($"{name}: a keel monitor result without windows; there are no figures to check.");
        if (window.Length == 0) return (Figures(all[^1].Figures, name), all[^1].Label);
        var chosen = all.Where(w => w.Label == window).ToArray();
        return chosen.Length > 0 ? (Figures(chosen[0].Figures, name), window)
            : throw new KeelInputException($"--window: {name} has no window '{window}'; its windows: {string.Join(", ", all.Select(w => $"'{w.Label}'"))}.");
    }

    private static Dictionary<string, double> Figures(JsonElement values, string name)
    {
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in values.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null) continue; // not computed for this window
            if (p.Value.ValueKind != JsonValueKind.Number)
                throw new KeelInputException($"{name} key '{p.Name}': expected a number or null, got {p.Value.GetRawText()}.");
            figures[p.Name] = p.Value.GetDouble();
        }
        return figures;
    }
}
