using Keel.Core;
using Keel.Core.Registry;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Behaviour every <see cref="IModelRegistry"/> backend must show. Subclass it with a factory for the backend.</summary>
public abstract class ModelRegistryContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected ManualTime Time { get; } = new(T0);

    protected IModelRegistry Registry { get; private set; } = null!;

    /// <summary>A fresh, empty registry using <paramref name="time"/> as its clock.</summary>
    protected abstract Task<IModelRegistry> CreateRegistryAsync(TimeProvider time);

    /// <summary>Closes whatever <see cref="CreateRegistryAsync"/> opened.</summary>
    protected abstract Task DisposeRegistryAsync();

    public async Task InitializeAsync() => Registry = await CreateRegistryAsync(Time);

    public Task DisposeAsync() => DisposeRegistryAsync();

    protected static ModelVersion Version(string name = "credit", string candidate = "lightgbm", double auc = 0.8) => new()
    {
        Name = name,
        SourceRunId = new string('a', 32),
        ModelSha256 = new string('b', 64),
        Candidate = candidate,
        Task = "binary",
        SchemaJson = """{"columns":[]}""",
        DataSha256 = new string('c', 64),
        Metrics = new Dictionary<string, double> { ["auc"] = auc },
        Version = 99,
    };

    [Fact]
    public async Task Register_TwoVersions_NumberedOneAndTwoFromTheClock()
    {
        var v1 = await Registry.RegisterAsync(Version(auc: 0.7));
        Time.Advance(TimeSpan.FromMinutes(1));
        var v2 = await Registry.RegisterAsync(Version(candidate: "sdca"));
        Assert.Equal((1, 2), (v1.Version, v2.Version));
        Assert.Equal(T0, v1.CreatedAt);
        Assert.Equal(T0.AddMinutes(1), v2.CreatedAt);
        var got = (await Registry.GetVersionAsync("credit", 1))!;
        Assert.Equal(0.7, got.Metrics["auc"]);
        Assert.Equal((v1.Candidate, v1.SchemaJson, v1.ModelSha256, v1.DataSha256, v1.SourceRunId, v1.Task),
            (got.Candidate, got.SchemaJson, got.ModelSha256, got.DataSha256, got.SourceRunId, got.Task));
        Assert.Equal("sdca", (await Registry.GetVersionAsync("credit", 2))!.Candidate);
    }

    [Fact]
    public async Task ListVersions_ThreeVersions_NewestFirst()
    {
        for (var i = 0; i < 3; i++) await Registry.RegisterAsync(Version());
        await Registry.RegisterAsync(Version(name: "other"));
        Assert.Equal([3, 2, 1], (await Registry.ListVersionsAsync("credit")).Select(v => v.Version));
    }

    [Fact]
    public async Task Lookups_UnknownModelOrVersion_NullOrNotFound()
    {
        await Registry.RegisterAsync(Version());
        Assert.Null(await Registry.GetModelAsync("nope"));
        Assert.Null(await Registry.GetVersionAsync("credit", 2));
        Assert.Null(await Registry.GetByAliasAsync("credit", "champion"));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.ListVersionsAsync("nope"));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.GetAliasHistoryAsync("nope"));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.SetAliasAsync("nope", "champion", 1, "ann", null));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.SetAliasAsync("credit", "champion", 2, "ann", null));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.DeleteAliasAsync("credit", "champion", "ann", null));
    }

    [Theory]
    [InlineData("", "b")]
    [InlineData("../x", "b")]
    [InlineData("credit", "B")]
    [InlineData("credit", "../../etc/passwd")]
    public async Task Register_BadNameOrModelHash_ThrowsInput(string name, string shaChar)
    {
        var v = Version(name: name) with { ModelSha256 = shaChar.Length == 1 ? new string(shaChar[0], 64) : shaChar };
        await Assert.ThrowsAsync<KeelInputException>(() => Registry.RegisterAsync(v));
        Assert.Empty(await Registry.ListModelsAsync());
    }

    [Fact]
    public async Task SetAlias_Moves_AppendsAuditEventsOldestFirst()
    {
        await Registry.RegisterAsync(Version());
        await Registry.RegisterAsync(Version());
        var first = await Registry.SetAliasAsync("credit", "champion", 1, "ann", "first model");
        Time.Advance(TimeSpan.FromHours(1));
        var moved = await Registry.SetAliasAsync("credit", "champion", 2, "bob", null);
        Assert.Equal(new AliasEvent("credit", "champion", null, 1, T0, "ann", "first model"), first);
        Assert.Equal(new AliasEvent("credit", "champion", 1, 2, T0.AddHours(1), "bob", null), moved);
        Assert.Equal([first, moved], await Registry.GetAliasHistoryAsync("credit"));
        Assert.Equal(2, (await Registry.GetByAliasAsync("credit", "champion"))!.Version);
    }

    [Fact]
    public async Task SetAlias_SameVersionAgain_IsNoOpWithoutNewEvent()
    {
        await Registry.RegisterAsync(Version());
        await Registry.SetAliasAsync("credit", "champion", 1, "ann", null);
        var again = await Registry.SetAliasAsync("credit", "champion", 1, "ann", null);
        Assert.Equal((1, 1), (again.FromVersion, again.ToVersion));
        Assert.Single(await Registry.GetAliasHistoryAsync("credit"));
    }

    [Theory]
    [InlineData("Champion")]
    [InlineData("1st")]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("../x")]
    public async Task SetAlias_BadAliasName_ThrowsInput(string alias)
    {
        await Registry.RegisterAsync(Version());
        await Assert.ThrowsAsync<KeelInputException>(() => Registry.SetAliasAsync("credit", alias, 1, "ann", null));
        await Assert.ThrowsAsync<KeelInputException>(() => Registry.SetAliasAsync("credit", "a" + new string('b', 64), 1, "ann", null));
        Assert.Empty(await Registry.GetAliasHistoryAsync("credit"));
    }

    [Fact]
    public async Task DeleteAlias_Existing_RemovesAndRecordsEvent()
    {
        await Registry.RegisterAsync(Version());
        await Registry.SetAliasAsync("credit", "challenger", 1, "ann", null);
        var removed = await Registry.DeleteAliasAsync("credit", "challenger", "bob", "retired");
        Assert.Equal(new AliasEvent("credit", "challenger", 1, null, T0, "bob", "retired"), removed);
        Assert.Null(await Registry.GetByAliasAsync("credit", "challenger"));
        Assert.Equal(2, (await Registry.GetAliasHistoryAsync("credit")).Count);
        Assert.Empty((await Registry.GetModelAsync("credit"))!.Aliases);
    }

    [Fact]
    public async Task ListModels_TwoModels_ByNameWithLatestVersionAndAliases()
    {
        await Registry.RegisterAsync(Version(name: "zeta"));
        await Registry.RegisterAsync(Version(name: "alpha"));
        await Registry.RegisterAsync(Version(name: "alpha"));
        await Registry.SetAliasAsync("alpha", "champion", 1, "ann", null);
        var models = await Registry.ListModelsAsync();
        Assert.Equal(["alpha", "zeta"], models.Select(m => m.Name));
        Assert.Equal(2, models[0].LatestVersion);
        Assert.Equal(new Dictionary<string, int> { ["champion"] = 1 }, models[0].Aliases);
        Assert.Equal(T0, models[1].CreatedAt);
    }

    [Fact]
    public async Task Register_EightInParallel_GetVersionsOneToEight()
    {
        var versions = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Registry.RegisterAsync(Version(candidate: $"c{i}")))));
        Assert.Equal(Enumerable.Range(1, 8), versions.Select(v => v.Version).Order());
        Assert.Equal(8, (await Registry.GetModelAsync("credit"))!.LatestVersion);
    }

    [Fact]
    public async Task Register_LaterVersion_LeavesEarlierVersionUnchanged()
    {
        var v1 = await Registry.RegisterAsync(Version(auc: 0.6));
        await Registry.RegisterAsync(Version(auc: 0.9));
        var again = (await Registry.GetVersionAsync("credit", 1))!;
        Assert.Equal(v1.Metrics, again.Metrics);
        Assert.Equal(v1.CreatedAt, again.CreatedAt);
    }
}
