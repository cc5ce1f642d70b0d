using System.Diagnostics;
using System.Text.RegularExpressions;
using Keel.Client;
using Microsoft.Playwright;

namespace Keel.Web.UiTests;

/// <summary>
/// One real `keel server` process on 127.0.0.1 (a free port) over a temporary store filled by the real pipeline (`keel run`, twice, so the
/// model has two versions) and by Keel.Client logging two runs with loss curves through the server; and one headless Debian chromium.
/// </summary>
public sealed partial class KeelServerFixture : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package puts the browser; Playwright's own download is never used.</summary>
    public const string Chromium = "/usr/bin/chromium";

    private const string Spec = """
        data: {path: credit_data.csv, label: Status, positive_class: good}
        models: [zero_rule, linear]
        register: {name: credit-risk, alias: champion}
        seed: 5
        """;

    private Process? _server;
    private IPlaywright? _playwright;

    /// <summary>Why the tests skip (KEEL_UI_TESTS=0), or null when they run.</summary>
    public static string? SkipReason => Environment.GetEnvironmentVariable("KEEL_UI_TESTS") == "0"
        ? "KEEL_UI_TESTS=0: web UI browser tests skipped (CI runs them; they need Debian's chromium at /usr/bin/chromium)" : null;

    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-ui-e2e-").FullName;

    /// <summary>The UI's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The ids of the two client-logged runs (experiment "client-curves"), in logging order.</summary>
    public IReadOnlyList<string> ClientRuns { get; private set; } = [];

    public async Task InitializeAsync()
    {
        if (SkipReason is not null) return;
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} not found: the web UI tests drive Debian's chromium; install it with 'apt-get install -y chromium' (.ci/run does), or set KEEL_UI_TESTS=0 to skip them");
        File.Copy(Path.Combine(RepoRoot(), "samples", "credit_data.csv"), Path.Combine(Folder, "credit_data.csv"));
        await File.WriteAllTextAsync(Path.Combine(Folder, "keel.yaml"), Spec);
        for (var i = 0; i < 2; i++) await KeelAsync("run", "keel.yaml");
        var token = (await KeelAsync("tokens", "create", "ui-e2e", "--role", "write")).Trim().Split('\n')[^1].Trim();

        _server = Start("server", "--port", "0");
        Address = await AddressAsync(_server);
        await using (var client = await KeelClient.ConnectAsync(new KeelClientOptions { ServerUrl = Address, Token = token }))
        {
            var ids = new List<string>();
            foreach (var (name, lr) in new[] { ("lr-0.1", 0.1), ("lr-0.3", 0.3) })
            {
                await using var run = await client.StartRunAsync("client-curves", name);
                await run.LogParamAsync("lr", lr.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await run.LogParamAsync("optimizer", "adam");
                for (var step = 0; step < 30; step++) await run.LogMetricAsync("loss", Math.Exp(-lr * step), step);
                await run.LogMetricAsync("auc", 0.7 + lr / 2);
                await run.EndAsync();
                ids.Add(run.Id);
            }
            ClientRuns = ids;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
    }

    /// <summary>A fresh page (its own context: no cookies shared between tests).</summary>
    public async Task<IPage> PageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Address.ToString() });
        return await context.NewPageAsync();
    }

    /// <summary>Runs `keel ARGS` in the store's folder to the end; fails with its error output unless it exits 0.</summary>
    public async Task<string> KeelAsync(params string[] args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"keel {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}{await stdout}");
        return await stdout;
    }

    private Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keel.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["KEEL_STORE"] = null;
        info.Environment["COLUMNS"] = "250";
        return Process.Start(info)!;
    }

    private static async Task<Uri> AddressAsync(Process server)
    {
        while (await server.StandardOutput.ReadLineAsync() is { } line)
            if (ListeningOn().Match(line) is { Success: true } m) return new Uri(m.Groups[1].Value);
        throw new InvalidOperationException("keel server exited before listening: " + await server.StandardError.ReadToEndAsync());
    }

    [GeneratedRegex(@"(http://127\.0\.0\.1:\d+/)")]
    private static partial Regex ListeningOn();

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_server is not null)
        {
            _server.Kill();
            await _server.WaitForExitAsync();
            _server.Dispose();
        }
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
