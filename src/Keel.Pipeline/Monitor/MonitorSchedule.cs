using Keel.Core;
using Keel.Pipeline.Spec;
using Keel.Tracking;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipeline.Monitor;

/// <summary>Monitoring on a schedule beside the server: every interval, the deployment's prediction log over the last interval is
/// compared with the champion's stored reference, stored, and checked against the deployment's alert rules.</summary>
public static class MonitorSchedule
{
    /// <summary>The <c>monitor.every</c> field of a deployment or spec file's text, or null when it has none.</summary>
    /// <exception cref="KeelInputException">The field is not a duration (names the file, line and field).</exception>
    public static TimeSpan? Every(string yaml, string fileName)
    {
        var (f, root) = YamlFields.Load(yaml, fileName, "the file is empty");
        var monitor = root.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "monitor" }).Value;
        if (monitor is null) return null;
        var every = f.Mapping(monitor, "monitor").Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "every" }).Value;
        return every is null ? null : f.Duration(every, "monitor.every");
    }

    /// <summary>One pass over [now − <paramref name="every"/>, now) of <paramref name="deployment"/>'s prediction log; returns that
    /// window's figures, or null when no request was logged in it.</summary>
    public static async Task<IReadOnlyDictionary<string, double>?> RunLastWindowAsync(KeelStore store, string deployment, TimeSpan every,
        TimeProvider time, MonitorAlerting alerting, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var result = await new MonitorUseCase(store, time, alerting).RunAsync(new MonitorRequest { Deployment = deployment, From = now - every, To = now }, ct);
        return result.Windows.Count == 0 || result.Windows[^1].Rows == 0 ? null : result.Windows[^1].Figures;
    }
}
