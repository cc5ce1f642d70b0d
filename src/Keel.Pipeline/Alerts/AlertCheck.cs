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

    /// <summary>Window figures from a JSON object of name → number (e.g. a monitor --json window's "figures").</summary>
    /// <exception cref="KeelInputException">The file is missing, not JSON, or a value is not a number (names the file and key).</exception>
    public static IReadOnlyDictionary<string, double> ReadFigures(string path)
    {
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
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new KeelInputException($"{name}: expected a JSON object of figure name → number, e.g. {{\"psi(distance)\": 0.31, \"auc\": 0.78}}.");
            var figures = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Null) continue; // not computed for this window
                if (p.Value.ValueKind != JsonValueKind.Number)
                    throw new KeelInputException($"{name} key '{p.Name}': expected a number or null, got {p.Value.GetRawText()}.");
                figures[p.Name] = p.Value.GetDouble();
            }
            return figures;
        }
    }
}
