using Keel.Core;
using Keel.Monitoring.Alerts;
using Keel.Pipeline.Spec;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipeline.Alerts;

/// <summary>Reads the alert part of the <c>monitor:</c> section of a spec or deployment file; errors name the file, line and field.</summary>
/// <remarks>
/// <code>
/// monitor:
///   alerts:                          # rules: FIGURE OPERATOR NUMBER, or a mapping with its own cooldown
///     - psi(distance) > 0.2
///     - { rule: auc &lt; 0.8, cooldown: 1d }
///   cooldown: 6h                     # default 6h
///   log: alerts.jsonl                # JSON Lines file, relative to the file; default none
///   webhook: { url: https://hooks.example/keel, timeout: 10s, retries: 3, backoff: 1s }
/// </code>
/// Other keys of the section (the drift settings) are left to their own reader.
/// </remarks>
public static class AlertSettingsReader
{
    /// <summary>The alert settings of the file at <paramref name="path"/>; no rules when it has no monitor section.</summary>
    /// <exception cref="KeelInputException">The file is missing, not YAML, or a field is wrong.</exception>
    public static AlertSettings ReadFile(string path)
    {
        if (!File.Exists(path)) throw new KeelInputException($"'{path}' does not exist; expected a spec or deployment file with a monitor section.");
        return Parse(File.ReadAllText(path), Path.GetFileName(path), Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    internal static AlertSettings Parse(string yaml, string fileName, string folder)
    {
        var (f, root) = YamlFields.Load(yaml, fileName, "the file is empty");
        var monitor = root.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "monitor" }).Value;
        if (monitor is null) return new AlertSettings();
        var map = f.Mapping(monitor, "monitor");
        var k = map.Children.Where(c => c.Key is YamlScalarNode { Value: "alerts" or "cooldown" or "log" or "webhook" })
            .ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => c.Value, StringComparer.Ordinal);
        var settings = new AlertSettings();
        if (k.TryGetValue("cooldown", out var cd)) settings = settings with { Cooldown = f.Duration(cd, "monitor.cooldown") };
        if (k.TryGetValue("alerts", out var alerts)) settings = settings with { Rules = Rules(f, alerts) };
        if (k.TryGetValue("log", out var log)) settings = settings with { LogFile = Path.GetFullPath(Path.Combine(folder, f.String(log, "monitor.log"))) };
        if (k.TryGetValue("webhook", out var wh)) settings = settings with { Webhook = Webhook(f, wh) };
        return settings;
    }

    private static AlertRuleSpec[] Rules(YamlFields f, YamlNode node)
    {
        if (node is not YamlSequenceNode seq) throw f.Error(node, "monitor.alerts", "expected a list of rules such as '- psi(distance) > 0.2'");
        return seq.Children.Select((item, i) =>
        {
            var field = $"monitor.alerts[{i}]";
            if (item is YamlMappingNode m)
            {
                var k = f.Keys(m, field, "rule", "cooldown", "when");
                if (!k.TryGetValue("rule", out var r)) throw f.Error(m, $"{field}.rule", "missing; expected a rule such as 'auc < 0.8'");
                return new AlertRuleSpec(Rule(f, r, $"{field}.rule"), k.TryGetValue("cooldown", out var c) ? f.Duration(c, $"{field}.cooldown") : null,
                    k.TryGetValue("when", out var w) ? Rule(f, w, $"{field}.when") : null);
            }
            return new AlertRuleSpec(Rule(f, item, field));
        }).ToArray();
    }

    private static AlertRule Rule(YamlFields f, YamlNode node, string field)
    {
        try
        {
            return AlertRule.Parse(f.String(node, field));
        }
        catch (KeelInputException e) when (node is YamlScalarNode)
        {
            throw f.Error(node, field, e.Message);
        }
    }

    private static WebhookOptions Webhook(YamlFields f, YamlNode node)
    {
        var map = f.Mapping(node, "monitor.webhook");
        var k = f.Keys(map, "monitor.webhook", "url", "timeout", "retries", "backoff");
        if (!k.TryGetValue("url", out var u)) throw f.Error(map, "monitor.webhook.url", "missing; expected the http(s) URL that receives alerts");
        var text = f.String(u, "monitor.webhook.url");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw f.Error(u, "monitor.webhook.url", $"expected an absolute http or https URL, got '{text}'");
        var options = new WebhookOptions { Url = url };
        if (k.TryGetValue("timeout", out var t)) options = options with { Timeout = f.Duration(t, "monitor.webhook.timeout") };
        if (k.TryGetValue("backoff", out var b)) options = options with { Backoff = f.Duration(b, "monitor.webhook.backoff") };
        if (k.TryGetValue("retries", out var r))
        {
            var n = f.Integer(r, "monitor.webhook.retries");
            if (n is < 0 or > 10) throw f.Error(r, "monitor.webhook.retries", $"expected 0 to 10 further attempts, got {n}");
            options = options with { Retries = n };
        }
        return options;
    }
}
