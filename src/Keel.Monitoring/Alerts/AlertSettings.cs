namespace Keel.Monitoring.Alerts;

/// <summary>One rule of the monitor section with its own cooldown and condition.</summary>
/// <param name="Rule">The parsed rule.</param>
/// <param name="Cooldown">How long after firing it stays quiet on the same scope; null: <see cref="AlertSettings.Cooldown"/>.</param>
/// <param name="When">A comparison of the same form that must also hold on the window for the rule to fire, e.g.
/// <c>rows &gt;= 500</c> or <c>labelled_rows &gt;= 200</c>, so that a figure resting on a handful of rows does not; null: none.</param>
public sealed record AlertRuleSpec(AlertRule Rule, TimeSpan? Cooldown = null, AlertRule? When = null);

/// <summary>Where a webhook alert goes and how hard to try.</summary>
public sealed record WebhookOptions
{
    /// <summary>The URL that receives an HTTP POST with a JSON body per alert (required).</summary>
    public required Uri Url { get; init; }

    /// <summary>Time allowed per attempt. Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Further attempts after a failed one (a network error, a timeout, 408, 429 or 5xx). Default 3.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>Wait before the first retry, doubled before each next one. Default 1 s.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>The alert part of a spec's or deployment file's monitor section.</summary>
public sealed record AlertSettings
{
    /// <summary>The rules. Default none.</summary>
    public IReadOnlyList<AlertRuleSpec> Rules { get; init; } = [];

    /// <summary>How long a rule that fired stays quiet on the same scope (a reminder follows if it still holds). Default 6 h.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromHours(6);

    /// <summary>A JSON Lines file each alert is appended to. Default null: none.</summary>
    public string? LogFile { get; init; }

    /// <summary>A webhook each alert is posted to. Default null: none.</summary>
    public WebhookOptions? Webhook { get; init; }
}
