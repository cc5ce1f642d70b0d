using Keel.Monitoring.Drift;
using Keel.Reports;
using Keel.Tracking;

namespace Keel.Pipeline.Monitor;

/// <summary>Writes the HTML report of a monitoring pass, with the stored timeline of the model version when there is one.</summary>
public static class MonitorReport
{
    /// <summary>Renders <paramref name="result"/> to <paramref name="path"/> (written whole or not at all).</summary>
    public static async Task WriteAsync(string path, MonitorResult result, KeelStore? store, CancellationToken ct)
    {
        IReadOnlyList<(string, IReadOnlyDictionary<string, double>)> timeline = result.Windows.Select(w => (w.Window, (IReadOnlyDictionary<string, double>)w.Figures)).ToArray();
        if (store is not null && result.Model is not null)
        {
            var stored = await store.Monitoring.ListAsync(result.Model, result.Version, 500, ct);
            if (stored.Count > 0) timeline = stored.Select(s => (s.Window, s.Figures)).ToArray();
        }
        var model = new MonitoringReportModel
        {
            Title = result.Model is null ? "Keel monitoring" : $"Keel monitoring: {result.Model} version {result.Version}",
            Reference = result.Reference, Current = result.Current, Notes = result.Notes, Timeline = timeline,
            Windows = result.Windows.Select(View).ToArray(),
        };
        var html = MonitoringReport.Render(model);
        await TextOutputs.WriteAsync(path, html, $"--report '{path}'", "", ct);
    }

    private static MonitoringWindowView View(WindowDrift w) => new(w.Window, w.Rows, w.DriftShare,
        w.Columns.Select(c => new MonitoringColumnView(c.Column, c.Role,
            [("missing", c.MissingRate), ("ks", c.Ks), ("ks_p", c.KsP), ("wasserstein", c.Wasserstein), ("psi", c.Psi), ("chi2_p", c.Chi2P), ("js", c.Js), ("js_p", c.JsP),
             ("unseen", c.UnseenRate), ("out_of_range", c.OutOfRangeRate)],
            c.Rule, c.Drifted, c.Bins, c.Reference, c.Current)).ToArray(),
        w.Findings.Select(f => $"{f.Kind}: {f.Detail}").ToArray(), w.Figures);
}
