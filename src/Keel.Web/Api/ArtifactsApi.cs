using Keel.Core;
using Keel.Core.Deployments;
using Keel.Core.Tracking;
using Keel.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Keel.Web.Api;

/// <summary>
/// /api/v1/runs/{id}/artifacts: streamed upload (PUT, size-limited, optional X-Content-SHA256 check) and download (GET) by run-relative path.
/// </summary>
/// <remarks>
/// The path is only a name: content is stored by its SHA-256, so nothing a client sends becomes a file path. Names are still held to
/// plain relative segments (no '..', '.', empty segments, leading '/', drive letters, backslashes or control characters) so what is
/// listed is what was meant.
/// </remarks>
internal sealed class ArtifactsApi(KeelStore store, RunsApi runs, WebOptions options)
{
    public const string HashHeader = "X-Content-SHA256";

    public void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/runs/{id}/artifacts", ListAsync);
        api.MapPut("/runs/{id}/artifacts/{**path}", UploadAsync);
        api.MapGet("/runs/{id}/artifacts/{**path}", DownloadAsync);
    }

    /// <summary>
    /// The validated run-relative path, or a 400 naming the path field. The request target is checked as sent too: Kestrel removes
    /// dot segments before routing, so "a/../b" would otherwise arrive as "b".
    /// </summary>
    public static string ValidPath(HttpContext ctx, string? path)
    {
        var target = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = query < 0 ? target : target[..query];
        var decoded = Uri.UnescapeDataString(rawPath);
        if (decoded.Split('/', '\\').Any(seg => seg is "." or ".."))
            throw ApiException.Bad("path", "segments that are not '.' or '..' (as sent, before any normalising)");
        return ValidPath(path);
    }

    /// <summary>The validated run-relative path, or a 400 naming the path field.</summary>
    public static string ValidPath(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) throw ApiException.Bad("path", "a run-relative artifact path, e.g. plots/roc.svg");
        if (raw.Length > 1000) throw ApiException.Bad("path", "at most 1000 characters");
        if (raw.Contains('\\')) throw ApiException.Bad("path", "'/' between segments, not '\\'");
        if (raw.Contains('%')) throw ApiException.Bad("path", "no '%' (paths are decoded once; an encoded '%' is refused)");
        if (raw.StartsWith('/') || (raw.Length > 1 && raw[1] == ':')) throw ApiException.Bad("path", "a relative path, not an absolute one");
        foreach (var seg in raw.Split('/'))
            if (seg is "" or "." or ".." || seg.Any(char.IsControl))
                throw ApiException.Bad("path", "segments that are not empty, '.' or '..' and have no control characters");
        return raw;
    }

    private async Task<IResult> ListAsync(HttpContext ctx, string id)
    {
        var run = await runs.RunForAsync(ctx, id, TokenRole.Read);
        return ApiJson.Ok(new { run_id = run.Id, artifacts = await store.Tracking.ListArtifactsAsync(run.Id, ctx.RequestAborted) });
    }

    private async Task<IResult> UploadAsync(HttpContext ctx, string id, string? path)
    {
        var valid = ValidPath(ctx, path);
        var expected = ctx.Request.Headers[HashHeader].ToString();
        if (expected.Length > 0 && !Keel.Core.Artifacts.ArtifactPath.IsSha256(expected))
            throw ApiException.Bad(HashHeader, "64 lower-case hex characters (the SHA-256 of the body)");
        if (ctx.Request.ContentLength > options.MaxArtifactBytes)
            throw new ApiException(413, "body", $"body: expected at most {options.MaxArtifactBytes} bytes per artifact");
        var run = await runs.RunForAsync(ctx, id, TokenRole.Write);
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = options.MaxArtifactBytes;
        var blob = await store.Artifacts.PutAsync(new LimitedStream(ctx.Request.Body, options.MaxArtifactBytes), ctx.RequestAborted);
        if (expected.Length > 0 && expected != blob.Sha256)
            throw new ApiException(400, HashHeader, $"{HashHeader}: the body's SHA-256 is {blob.Sha256}, not {expected}; nothing was logged");
        var entry = new ArtifactEntry(valid, blob.Sha256, blob.Bytes);
        await store.Tracking.LogArtifactAsync(run.Id, entry, ctx.RequestAborted);
        ctx.Items[Access.TargetItem] = $"run {run.Id} artifact {valid}";
        return ApiJson.Ok(entry, 201);
    }

    private async Task<IResult> DownloadAsync(HttpContext ctx, string id, string? path)
    {
        var valid = ValidPath(ctx, path);
        var run = await runs.RunForAsync(ctx, id, TokenRole.Read);
        var entry = (await store.Tracking.ListArtifactsAsync(run.Id, ctx.RequestAborted)).FirstOrDefault(a => a.Path == valid)
            ?? throw new ApiException(404, "path", $"path: run {run.Id} has no artifact '{valid}'");
        var stream = await store.Artifacts.OpenReadAsync(entry.Sha256, ctx.RequestAborted);
        ctx.Response.Headers[HashHeader] = entry.Sha256;
        return Results.Stream(stream, "application/octet-stream", fileDownloadName: null, enableRangeProcessing: false);
    }

    /// <summary>Reads at most <c>limit</c> bytes, then refuses with 413 (a chunked body has no length to check up front).</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            _read += n;
            if (_read > limit) throw new ApiException(413, "body", $"body: expected at most {limit} bytes per artifact");
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
