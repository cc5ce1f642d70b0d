using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Keel.Monitoring.Alerts;

/// <summary>The alert sinks: a text writer (the terminal), a JSON Lines file and a webhook.</summary>
public static class AlertSinks
{
    /// <summary>Writes one line per alert ("ALERT …") to <paramref name="writer"/>, e.g. standard error for cron and CI.</summary>
    public static IAlertSink Writer(TextWriter writer, string name = "terminal") => new WriterSink(writer, name);

    /// <summary>Appends one JSON object per alert to <paramref name="path"/> (created with its folder if needed).</summary>
    public static IAlertSink JsonLines(string path) => new JsonLinesSink(path);

    /// <summary>POSTs each alert as JSON to <paramref name="options"/>' URL, retried with backoff, each attempt under a timeout.</summary>
    /// <param name="options">URL, timeout, retries and backoff.</param>
    /// <param name="client">The HTTP client (the caller owns it).</param>
    /// <param name="time">The clock for timeouts and backoff waits.</param>
    public static IAlertSink Webhook(WebhookOptions options, HttpClient client, TimeProvider time) => new WebhookSink(options, client, time);

    /// <summary>The JSON body of an alert: scope, rule, figure, operator, threshold, value, window, time (ISO 8601) and message.</summary>
    public static Dictionary<string, object> Body(AlertNotice a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new()
        {
            ["scope"] = a.Scope,
            ["rule"] = a.Rule.Text,
            ["figure"] = a.Rule.Figure,
            ["operator"] = a.Rule.Operator,
            ["threshold"] = a.Rule.Threshold,
            ["value"] = a.Value,
            ["window"] = a.Window,
            ["at"] = a.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["message"] = a.Message,
        };
    }

    private sealed class WriterSink(TextWriter writer, string name) : IAlertSink
    {
        public string Name => name;

        public Task DeliverAsync(AlertNotice alert, CancellationToken ct) => writer.WriteLineAsync($"ALERT {alert.Message}".AsMemory(), ct);
    }

    private sealed class JsonLinesSink(string path) : IAlertSink
    {
        /// <summary>Only what JSON itself requires is escaped, so a rule reads as written ("psi(x) > 0.2", not "\u003E").</summary>
        private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        public string Name => "log";

        public async Task DeliverAsync(AlertNotice alert, CancellationToken ct)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.AppendAllTextAsync(path, JsonSerializer.Serialize(Body(alert), Readable) + "\n", ct);
        }
    }

    private sealed class WebhookSink(WebhookOptions options, HttpClient client, TimeProvider time) : IAlertSink
    {
        public string Name => "webhook";

        public async Task DeliverAsync(AlertNotice alert, CancellationToken ct)
        {
            var body = Body(alert);
            var wait = options.Backoff;
            string last = "";
            for (var attempt = 0; attempt <= options.Retries; attempt++)
            {
                if (attempt > 0)
                {
                    await Task.Delay(wait, time, ct);
                    wait *= 2;
                }
                using var timeout = new CancellationTokenSource(options.Timeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                try
                {
                    using var response = await client.PostAsJsonAsync(options.Url, body, linked.Token);
                    if (response.IsSuccessStatusCode) return;
                    last = $"answer {(int)response.StatusCode} {response.ReasonPhrase}";
                    if (!Retryable(response.StatusCode)) break;
                }
                catch (HttpRequestException e)
                {
                    last = e.Message;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    last = $"no answer within {options.Timeout.TotalSeconds:0.###} s";
                }
            }
            throw new HttpRequestException($"POST {options.Url} gave up: {last}");
        }

        private static bool Retryable(HttpStatusCode code) => code is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)code >= 500;
    }
}
