using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Keel.Core.Deployments;

namespace Keel.Web.Tests;

/// <summary>Artifact upload and download: round trip, hash check, size limit, and paths that try to leave the artifact root.</summary>
public sealed class ArtifactApiTests : IAsyncLifetime
{
    private ServerFixture _f = null!;
    private HttpClient _http = null!;
    private string _token = null!;
    private string _run = null!;

    public async Task InitializeAsync()
    {
        _f = await ServerFixture.StartAsync(new WebOptions { MaxArtifactBytes = 1000 });
        _token = await _f.TokenAsync(TokenRole.Write);
        _http = _f.Client(_token);
        _run = (await (await _http.PostAsJsonAsync("api/v1/runs", new { experiment = "churn" })).Content.ReadFromJsonAsync<RunJson>())!.Id;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _f.DisposeAsync();
    }

    private Task<HttpResponseMessage> PutAsync(string path, byte[] body, string? sha = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/runs/{_run}/artifacts/{path}") { Content = new ByteArrayContent(body) };
        if (sha is not null) request.Headers.Add("X-Content-SHA256", sha);
        return _http.SendAsync(request);
    }

    [Fact]
    public async Task Upload_WithHash_DownloadsSameBytes()
    {
        var body = Encoding.UTF8.GetBytes("roc curve");
        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        Assert.Equal(HttpStatusCode.Created, (await PutAsync("plots/roc.txt", body, sha)).StatusCode);
        var back = await _http.GetAsync($"api/v1/runs/{_run}/artifacts/plots/roc.txt");
        Assert.Equal(body, await back.Content.ReadAsByteArrayAsync());
        Assert.Equal(sha, back.Headers.GetValues("X-Content-SHA256").Single());
        Assert.Equal("plots/roc.txt", (await _f.Store.Tracking.ListArtifactsAsync(_run)).Single().Path);
    }

    [Fact]
    public async Task Upload_HashMismatch_400NothingLogged()
    {
        var response = await PutAsync("a.txt", [1, 2, 3], new string('0', 64));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("X-Content-SHA256", await response.Content.ReadAsStringAsync());
        Assert.Empty(await _f.Store.Tracking.ListArtifactsAsync(_run));
    }

    [Fact]
    public async Task Upload_OverSizeLimit_413NothingLogged()
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PutAsync("big.bin", new byte[1001])).StatusCode);
        // Chunked (no Content-Length): refused while streaming.
        var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/runs/{_run}/artifacts/big.bin") { Content = new StreamContent(new MemoryStream(new byte[5000])) };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await _http.SendAsync(request)).StatusCode);
        Assert.Empty(await _f.Store.Tracking.ListArtifactsAsync(_run));
    }

    /// <summary>Sends a raw request line, so nothing on the client side normalises the path first.</summary>
    private async Task<int> RawStatusAsync(string method, string target)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _f.Server.Address.Port);
        await using var stream = tcp.GetStream();
        var text = $"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {_token}\r\nContent-Length: 4\r\nConnection: close\r\n\r\nevil";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        using var reader = new StreamReader(stream);
        var status = await reader.ReadLineAsync();
        return int.Parse(status!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("../../../outside.txt")]
    [InlineData("a/../../outside.txt")]
    [InlineData("%2e%2e/%2e%2e/outside.txt")]
    [InlineData("%2E%2E%2F%2E%2E%2Foutside.txt")]
    [InlineData("a%2F..%2F..%2Foutside.txt")]
    [InlineData("%252e%252e/outside.txt")]
    [InlineData("/etc/outside.txt")]
    [InlineData("%2Fetc%2Foutside.txt")]
    [InlineData("C:%5Coutside.txt")]
    [InlineData("a%5C..%5C..%5Coutside.txt")]
    [InlineData("a\\..\\outside.txt")]
    [InlineData("./outside.txt")]
    [InlineData("a//outside.txt")]
    [InlineData("a%00b")]
    public async Task Upload_PathEscaping_4xxNothingWrittenOrLogged(string path)
    {
        foreach (var method in new[] { "PUT", "GET" })
        {
            var status = await RawStatusAsync(method, $"/api/v1/runs/{_run}/artifacts/{path}");
            Assert.InRange(status, 400, 499);
        }
        Assert.Empty(await _f.Store.Tracking.ListArtifactsAsync(_run));
        Assert.False(File.Exists(Path.Combine(_f.Folder, "outside.txt")));
        Assert.False(File.Exists(Path.Combine(_f.Folder, ".keel", "outside.txt")));
        Assert.DoesNotContain(Directory.EnumerateFiles(_f.ArtifactRoot, "*", SearchOption.AllDirectories), p => !p.Contains(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Download_BlobFolderIsSymlinkOutOfRoot_4xxNotFollowed()
    {
        var body = Encoding.UTF8.GetBytes("secret-ish");
        Assert.Equal(HttpStatusCode.Created, (await PutAsync("s.txt", body)).StatusCode);
        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        var shard = Path.Combine(_f.ArtifactRoot, sha[..2]);
        var outside = Path.Combine(_f.Folder, "outside");
        Directory.Move(shard, outside);
        Directory.CreateSymbolicLink(shard, outside);
        var response = await _http.GetAsync($"api/v1/runs/{_run}/artifacts/s.txt");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("symbolic link", await response.Content.ReadAsStringAsync());
        // And an upload whose content lands in that shard is refused before anything is written through the link.
        File.Delete(Path.Combine(outside, sha));
        Assert.Equal(HttpStatusCode.BadRequest, (await PutAsync("t.txt", body)).StatusCode);
        Assert.False(File.Exists(Path.Combine(outside, sha)));
    }
}
