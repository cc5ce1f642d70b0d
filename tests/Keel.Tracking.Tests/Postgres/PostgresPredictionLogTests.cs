using Keel.Core.PredictionLog;
using Keel.Tracking.PredictionLog;
using Keel.Tracking.Tests.Contracts;
using Npgsql;

namespace Keel.Tracking.Tests.Postgres;

/// <summary>The prediction log contract against a real PostgreSQL schema (the store's own), plus what sharing it promises.</summary>
public sealed class PostgresPredictionLogTests : PredictionLogContract
{
    private readonly PostgresStoreScope _scope = new();
    private KeelStore? _store;

    protected override async Task<IPredictionLogStore> CreateAsync(TimeProvider time) =>
        await PredictionLogStores.OpenAsync(_store = await _scope.OpenAsync(time));

    protected override async Task CloseAsync()
    {
        await Subject.DisposeAsync();
        await _scope.DisposeAsync();
    }

    [Fact]
    public async Task OpenIfExists_SchemaWithoutLog_NullThenTheLogOnceOpened()
    {
        var other = await _scope.OpenAsync(Time);
        Assert.Null(await PredictionLogStores.OpenIfExistsAsync(other));
        await using (var created = await PredictionLogStores.OpenAsync(other)) await created.AppendAsync([Record("z1", T0)]);
        await using var found = await PredictionLogStores.OpenIfExistsAsync(other);
        Assert.NotNull(found);
        Assert.NotNull(await found.GetAsync("z1"));
    }

    [Fact]
    public async Task Append_FromTwoReplicasOnOneSchema_BothBatchesInOneLog()
    {
        var replica = await _scope.OpenAsync(Time, _scope.UriOf(_store!));
        await using var second = await PredictionLogStores.OpenAsync(replica);
        await Task.WhenAll(
            Task.Run(() => Subject.AppendAsync(Enumerable.Range(0, 500).Select(i => Record($"a{i}", T0.AddMilliseconds(i))).ToArray())),
            Task.Run(() => second.AppendAsync(Enumerable.Range(0, 500).Select(i => Record($"b{i}", T0.AddMilliseconds(i))).ToArray())));
        Assert.Equal(1000, (await Subject.ListAsync(new PredictionQuery { Model = "credit-risk", Limit = 5000 })).Count);
    }

    [Fact]
    public async Task Tables_InTheStoresSchema_BesideTheOtherStores()
    {
        await using var conn = new NpgsqlConnection(PostgresTestServer.ConnectionFor(_scope.Schema!));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT to_regclass('predictions') IS NOT NULL AND to_regclass('prediction_feedback') IS NOT NULL AND to_regclass('runs') IS NOT NULL;", conn);
        Assert.True((bool)(await cmd.ExecuteScalarAsync())!);
    }
}
