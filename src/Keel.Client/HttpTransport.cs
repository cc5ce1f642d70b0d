using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Core;
using Keel.Core.Tracking;

namespace Keel.Client;

/// <summary>Logs through the tracking server's REST API, retrying network errors, 429 and 5xx with doubling waits.</summary>
internal sealed class HttpTransport : ITransport
{
    // An explicit resolver: apps that switch reflection-based serialization off by default (file-based apps, trimmed apps)
    // can still log through the client.
    private static readonly JsonSerializerOptions Json = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
    private readonly HttpClient _http;
    private readonly KeelClientOptions _options;

    public HttpTransport(KeelClientOptions options)
    {
        _options = options;
        var baseUrl = options.ServerUrl!.ToString();
        _http = new HttpClient(options.Handler ?? new HttpClientHandler(), disposeHandler: options.Handler is null)
        {
            BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (options.Token is { } token) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Requests sent, retries included (for tests and diagnostics).</summary>
    public int Attempts { get; private set; }

    public async Task<string> CreateRunAsync(string experiment, string name, DateTimeOffset start, IReadOnlyDictionary<string, string> tags, CancellationToken ct)
    {
        var run = await SendJsonAsync(HttpMethod.Post, "api/v1/runs", new { experiment, name, start_time = start, tags }, ct);
        return run.GetProperty("id").GetString()!;
    }

    // Every retry of a batch carries its idempotency key, so a batch whose answer was lost is stored once.
    public Task LogBatchAsync(string runId, LogBatch batch, CancellationToken ct) => SendJsonAsync(HttpMethod.Post, $"api/v1/runs/{runId}/batch", new
    {
        @params = batch.Params,
        tags = batch.Tags,
        metrics = batch.Metrics.Select(m => new { key = m.Key, value = m.Value, step = m.Step, timestamp = m.Timestamp }),
    }, ct, batch.IdempotencyKey);

    public Task SetStatusAsync(string runId, RunStatus status, DateTimeOffset end, CancellationToken ct) =>
        SendJsonAsync(HttpMethod.Post, $"api/v1/runs/{runId}/status", new { status = status.ToString().ToLowerInvariant(), end_time = end }, ct);

    public async Task<ArtifactEntry> UploadAsync(string runId, string path, string localFile, CancellationToken ct)
    {
        string sha;
        await using (var file = File.OpenRead(localFile)) sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        var url = $"api/v1/runs/{runId}/artifacts/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";
        var e = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StreamContent(File.OpenRead(localFile)) };
            request.Headers.Add("X-Content-SHA256", sha);
            return request;
        }, ct);
        return new ArtifactEntry(e.GetProperty("path").GetString()!, e.GetProperty("sha256").GetString()!, e.GetProperty("bytes").GetInt64());
    }

    private Task<JsonElement> SendJsonAsync(HttpMethod method, string url, object body, CancellationToken ct, string? idempotencyKey = null)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(body, Json);
        return SendAsync(() =>
        {
            var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } };
            if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }, ct);
    }

    private async Task<JsonElement> SendAsync(Func<HttpRequestMessage> make, CancellationToken ct)
    {
        var delay = _options.RetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            Attempts++;
            using var request = make();
            string? failure;
            try
            {
                using var response = await _http.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.IsSuccessStatusCode) return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
                var message = ErrorMessage(text) ?? $"HTTP {(int)response.StatusCode}";
                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                    throw response.StatusCode == HttpStatusCode.NotFound ? new KeelNotFoundException($"keel server {request.Method} {request.RequestUri}: {message}")
                        : new KeelInputException($"keel server {request.Method} {request.RequestUri}: {(int)response.StatusCode} {message}");
                failure = $"{(int)response.StatusCode} {message}";
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
            }
            if (attempt >= _options.MaxRetries)
                throw new KeelInputException($"keel server {_http.BaseAddress}: gave up after {attempt + 1} tries; last: {failure}");
            await Task.Delay(delay, _options.Time, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    private static string? ErrorMessage(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("error", out var e) && e.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return text.Length > 200 ? text[..200] : text.Length > 0 ? text : null;
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
