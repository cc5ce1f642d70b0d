using System.Globalization;
using Keel.Core.Alerts;

namespace Keel.Monitoring.Alerts;

/// <summary>What became of a rule that held in a window.</summary>
public enum AlertStatus
{
    /// <summary>Sent to the sinks and stored.</summary>
    Fired,
    /// <summary>Held, but the rule fired on this scope less than its cooldown ago: not sent.</summary>
    Cooldown,
    /// <summary>Held, but the rule already fired on this scope for this window (a window monitored again): not sent.</summary>
    Duplicate,
    /// <summary>Held, but the rule's condition (<see cref="AlertRuleSpec.When"/>, e.g. <c>rows &gt;= 500</c>) did not: not sent.</summary>
    Suppressed,
}

/// <summary>A rule that held: its value, what was done, and the stored record when it fired.</summary>
public sealed record AlertOutcome(AlertRule Rule, double Value, AlertStatus Status, string Detail, AlertRecord? Stored);

/// <summary>An alert as sinks see it.</summary>
/// <param name="Scope">The model or deployment monitored.</param>
/// <param name="Rule">The rule that held.</param>
/// <param name="Value">The figure's value.</param>
/// <param name="Window">The window, or "".</param>
/// <param name="At">When it fired.</param>
public sealed record AlertNotice(string Scope, AlertRule Rule, double Value, string Window, DateTimeOffset At)
{
    /// <summary>One line for people, e.g. "credit-risk@champion: psi(distance) > 0.2 (value 0.31) in window 2026-03".</summary>
    public string Message => $"{Scope}: {Rule.Text} (value {FormatValue(Value)})" + (Window.Length > 0 ? $" in window {Window}" : "");

    /// <summary>A figure as alert lines print it: four significant digits, but a large one (an rmse of 18,773.66 in the label's
    /// units) in full to two decimals, as a threshold is written, not as 1.877E+04.</summary>
    public static string FormatValue(double value) => Math.Abs(value) is >= 1e4 and < 1e15
        ? value.ToString("0.##", CultureInfo.InvariantCulture) : value.ToString("G4", CultureInfo.InvariantCulture);
}

/// <summary>Where fired alerts go: the terminal, a JSON Lines file, a webhook.</summary>
public interface IAlertSink
{
    /// <summary>Short name recorded in the alert history, e.g. "webhook".</summary>
    string Name { get; }

    /// <summary>Delivers one alert; throws when it could not (the engine records the failure and goes on).</summary>
    Task DeliverAsync(AlertNotice alert, CancellationToken ct);
}

/// <summary>Evaluates alert rules over one window's figures with cooldown and de-duplication from the alert history, then delivers.</summary>
/// <param name="store">The alert history.</param>
/// <param name="time">The clock behind cooldowns.</param>
/// <param name="sinks">Where fired alerts go, in order.</param>
public sealed class AlertEngine(IAlertStore store, TimeProvider time, IReadOnlyList<IAlertSink> sinks)
{
    /// <summary>Rules of <paramref name="settings"/> that hold on <paramref name="figures"/>; rules whose figure is absent do not fire,
    /// nor do rules whose condition (<see cref="AlertRuleSpec.When"/>) does not hold or was not computed.</summary>
    /// <param name="settings">Rules and cooldown.</param>
    /// <param name="scope">What is monitored (a model reference or deployment name).</param>
    /// <param name="window">The window's key (e.g. "2026-03-01/2026-03-02"), or "" when not windowed (no de-duplication).</param>
    /// <param name="figures">The window's figures by name.</param>
    /// <param name="ct">Cancels delivery.</param>
    public async Task<IReadOnlyList<AlertOutcome>> EvaluateAsync(AlertSettings settings, string scope, string window,
        IReadOnlyDictionary<string, double> figures, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(figures);
        var outcomes = new List<AlertOutcome>();
        foreach (var spec in settings.Rules)
        {
            var rule = spec.Rule;
            if (!figures.TryGetValue(rule.Figure, out var value) || !double.IsFinite(value) || !rule.HoldsFor(value)) continue;
            if (spec.When is { } when)
            {
                var computed = figures.TryGetValue(when.Figure, out var w) && double.IsFinite(w);
                if (!computed || !when.HoldsFor(w))
                {
                    var seen = computed ? $"value {AlertNotice.FormatValue(w)}" : "not computed for this window";
                    outcomes.Add(new AlertOutcome(rule, value, AlertStatus.Suppressed, $"its condition '{when.Text}' does not hold ({seen})", null));
                    continue;
                }
            }
            if (window.Length > 0 && await store.ExistsAsync(scope, rule.Text, window, ct))
            {
                outcomes.Add(new AlertOutcome(rule, value, AlertStatus.Duplicate, $"already alerted for window {window}", null));
                continue;
            }
            var now = time.GetUtcNow();
            var cooldown = spec.Cooldown ?? settings.Cooldown;
            if (await store.LastAsync(scope, rule.Text, ct) is { } last && now - last.At < cooldown)
            {
                outcomes.Add(new AlertOutcome(rule, value, AlertStatus.Cooldown,
                    $"fired at {last.At:yyyy-MM-dd HH:mm:ss}Z; quiet until {last.At + cooldown:yyyy-MM-dd HH:mm:ss}Z (cooldown {cooldown})", null));
                continue;
            }
            var notice = new AlertNotice(scope, rule, value, window, now);
            var delivered = new List<string>();
            foreach (var sink in sinks)
            {
                try
                {
                    await sink.DeliverAsync(notice, ct);
                    delivered.Add(sink.Name);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    delivered.Add($"{sink.Name} (failed: {e.Message})");
                }
            }
            var stored = await store.AppendAsync(new AlertRecord
            {
                Scope = scope, Rule = rule.Text, Value = value, Window = window, At = now, Delivered = string.Join(", ", delivered),
            }, ct);
            outcomes.Add(new AlertOutcome(rule, value, AlertStatus.Fired, stored.Delivered, stored));
        }
        return outcomes;
    }
}
