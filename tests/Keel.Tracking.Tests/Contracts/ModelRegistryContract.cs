using Keel.Core;
using Keel.Core.Registry;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Behaviour every <see cref="IModelRegistry"/> backend must show. Subclass it with a factory for the backend.</summary>
public abstract class ModelRegistryContract : StoreContract<IModelRegistry>
{
    protected IModelRegistry Registry => Subject;

    protected static ModelVersion Version(string name = "credit", string candidate = "lightgbm", char sha = 'a') => new()
    {
        Name = name,
        Version = 99, // assigned by the registry; whatever the caller says is ignored
        SourceRunId = new string('r', 32),
        ModelSha256 = new string(sha, 64),
        Candidate = candidate,
        Task = "binary",
        SchemaJson = """{"columns":[]}""",
        DataSha256 = new string('d', 64),
        Metrics = new Dictionary<string, double> { ["auc"] = 0.91, ["log_loss"] = 0.3 },
    };

    [Fact]
    public async Task Register_TwoNames_NumbersEachNameFromOne()
    {
        Assert.Equal(1, (await Registry.RegisterAsync(Version("credit"))).Version);
        Assert.Equal(2, (await Registry.RegisterAsync(Version("credit"))).Version);
        Assert.Equal(1, (await Registry.RegisterAsync(Version("churn"))).Version);
        Assert.Equal(3, (await Registry.RegisterAsync(Version("credit"))).Version);
        var models = await Registry.ListModelsAsync();
        Assert.Equal(["churn", "credit"], models.Select(m => m.Name));
        Assert.Equal([1, 3], models.Select(m => m.LatestVersion));
    }

    [Fact]
    public async Task Register_Version_StoredAsGivenWithRegistryTime()
    {
        var stored = await Registry.RegisterAsync(Version());
        var expected = Version() with { Version = 1, CreatedAt = T0 };
        var got = (await Registry.GetVersionAsync("credit", 1))!;
        foreach (var v in new[] { stored, got })
        {
            Assert.Equal((expected.Name, expected.Version, expected.SourceRunId, expected.ModelSha256, expected.Candidate, expected.Task, expected.SchemaJson, expected.DataSha256, expected.CreatedAt),
                (v.Name, v.Version, v.SourceRunId, v.ModelSha256, v.Candidate, v.Task, v.SchemaJson, v.DataSha256, v.CreatedAt));
            Assert.Equal(expected.Metrics, v.Metrics);
        }
    }

    [Fact]
    public async Task Register_Later_EarlierVersionsUnchanged()
    {
        await Registry.RegisterAsync(Version(candidate: "first", sha: 'a'));
        Time.Advance(TimeSpan.FromHours(1));
        await Registry.RegisterAsync(Version(candidate: "second", sha: 'b'));
        var v1 = (await Registry.GetVersionAsync("credit", 1))!;
        Assert.Equal(("first", new string('a', 64), T0), (v1.Candidate, v1.ModelSha256, v1.CreatedAt));
        Assert.Equal([2, 1], (await Registry.ListVersionsAsync("credit")).Select(v => v.Version));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-lead")]
    [InlineData("has space")]
    [InlineData("../up")]
    public async Task Register_BadName_ThrowsInputNamingIt(string name)
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Registry.RegisterAsync(Version(name)));
        Assert.Contains($"'{name}'", e.Message);
        Assert.Empty(await Registry.ListModelsAsync());
    }

    [Fact]
    public async Task Register_BadModelHash_ThrowsInput() =>
        await Assert.ThrowsAsync<KeelInputException>(() => Registry.RegisterAsync(Version() with { ModelSha256 = "abc" }));

    [Fact]
    public async Task Register_EightInParallel_VersionsOneToEightOnce()
    {
        var tasks = Enumerable.Range(0, 8).Select(i => Task.Run(() => Registry.RegisterAsync(Version(candidate: $"c{i}")))).ToArray();
        var versions = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(1, 8), versions.Select(v => v.Version).Order());
        var stored = await Registry.ListVersionsAsync("credit");
        Assert.Equal(Enumerable.Range(1, 8).Reverse(), stored.Select(v => v.Version));
        Assert.Equal(8, stored.Select(v => v.Candidate).Distinct().Count());
    }

    [Fact]
    public async Task GetVersion_UnknownModelOrVersion_ReturnsNull()
    {
        await Registry.RegisterAsync(Version());
        Assert.Null(await Registry.GetVersionAsync("credit", 2));
        Assert.Null(await Registry.GetVersionAsync("nope", 1));
        Assert.Null(await Registry.GetModelAsync("nope"));
    }

    [Fact]
    public async Task ListVersions_UnknownModel_ThrowsNotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.ListVersionsAsync("nope"));

    [Fact]
    public async Task SetAlias_NewThenMoved_GetByAliasFollowsAndEventsRecordFromTo()
    {
        await Registry.RegisterAsync(Version());
        await Registry.RegisterAsync(Version());
        var first = await Registry.SetAliasAsync("credit", "champion", 1, "ann", "first release");
        Time.Advance(TimeSpan.FromMinutes(5));
        var moved = await Registry.SetAliasAsync("credit", "champion", 2, "bob", null);
        Assert.Equal(new AliasEvent("credit", "champion", null, 1, T0, "ann", "first release"), first);
        Assert.Equal(new AliasEvent("credit", "champion", 1, 2, T0.AddMinutes(5), "bob", null), moved);
        Assert.Equal(2, (await Registry.GetByAliasAsync("credit", "champion"))!.Version);
        Assert.Equal(new Dictionary<string, int> { ["champion"] = 2 }, (await Registry.GetModelAsync("credit"))!.Aliases);
        Assert.Equal([first, moved], await Registry.GetAliasHistoryAsync("credit"));
    }

    [Fact]
    public async Task SetAlias_SameVersionAgain_NoExtraEvent()
    {
        await Registry.RegisterAsync(Version());
        await Registry.SetAliasAsync("credit", "champion", 1, "ann", null);
        var again = await Registry.SetAliasAsync("credit", "champion", 1, "ann", "retry");
        Assert.Equal((1, 1), (again.FromVersion, again.ToVersion));
        Assert.Single(await Registry.GetAliasHistoryAsync("credit"));
    }

    [Fact]
    public async Task DeleteAlias_Existing_RemovedAndRecorded()
    {
        await Registry.RegisterAsync(Version());
        await Registry.SetAliasAsync("credit", "champion", 1, "ann", null);
        Time.Advance(TimeSpan.FromMinutes(1));
        var ev = await Registry.DeleteAliasAsync("credit", "champion", "bob", "rollback");
        Assert.Equal(new AliasEvent("credit", "champion", 1, null, T0.AddMinutes(1), "bob", "rollback"), ev);
        Assert.Null(await Registry.GetByAliasAsync("credit", "champion"));
        Assert.Empty((await Registry.GetModelAsync("credit"))!.Aliases);
        Assert.Equal(2, (await Registry.GetAliasHistoryAsync("credit")).Count);
    }

    [Fact]
    public async Task DeleteAlias_Unknown_ThrowsNotFound()
    {
        await Registry.RegisterAsync(Version());
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.DeleteAliasAsync("credit", "champion", "ann", null));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.DeleteAliasAsync("nope", "champion", "ann", null));
    }

    [Theory]
    [InlineData("Champion")]
    [InlineData("1st")]
    [InlineData("has space")]
    [InlineData("")]
    public async Task SetAlias_InvalidAliasName_ThrowsInputAndRecordsNothing(string alias)
    {
        await Registry.RegisterAsync(Version());
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Registry.SetAliasAsync("credit", alias, 1, "ann", null));
        Assert.Contains($"'{alias}'", e.Message);
        Assert.Empty(await Registry.GetAliasHistoryAsync("credit"));
    }

    [Fact]
    public async Task SetAlias_UnknownModelOrVersion_ThrowsNotFoundAndRecordsNothing()
    {
        await Registry.RegisterAsync(Version());
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.SetAliasAsync("nope", "champion", 1, "ann", null));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.SetAliasAsync("credit", "champion", 2, "ann", null));
        Assert.Empty(await Registry.GetAliasHistoryAsync("credit"));
        Assert.Null(await Registry.GetByAliasAsync("credit", "champion"));
    }

    [Fact]
    public async Task SetAlias_EmptyActor_ThrowsInput()
    {
        await Registry.RegisterAsync(Version());
        await Assert.ThrowsAsync<KeelInputException>(() => Registry.SetAliasAsync("credit", "champion", 1, " ", null));
    }

    [Fact]
    public async Task GetAliasHistory_UnknownModel_ThrowsNotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Registry.GetAliasHistoryAsync("nope"));

    [Fact]
    public async Task ReturnedObjects_AreCopies()
    {
        await Registry.RegisterAsync(Version());
        await Registry.SetAliasAsync("credit", "champion", 1, "ann", null);
        var v = (await Registry.GetVersionAsync("credit", 1))!;
        if (v.Metrics is IDictionary<string, double> { IsReadOnly: false } m) m["auc"] = 0;
        var model = (await Registry.GetModelAsync("credit"))!;
        if (model.Aliases is IDictionary<string, int> { IsReadOnly: false } a) a["champion"] = 7;
        Assert.Equal(0.91, (await Registry.GetVersionAsync("credit", 1))!.Metrics["auc"]);
        Assert.Equal(1, (await Registry.GetModelAsync("credit"))!.Aliases["champion"]);
    }
}
