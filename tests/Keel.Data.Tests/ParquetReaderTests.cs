using Keel.Core;
using Keel.Core.Data;
using Parquet;
using Parquet.Schema;

namespace Keel.Data.Tests;

public sealed class ParquetReaderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly DataField<int> Id = new("id");
    private static readonly DataField<double?> Score = new("score");
    private static readonly DataField<bool> Flag = new("flag");
    private static readonly DataField<DateTime> When = new("when");
    private static readonly DataField<string> City = new("city");

    private async Task<string> WriteSample()
    {
        var path = Path.Combine(_dir.Path, "s.parquet");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(Id, Score, Flag, When, City), stream);
        // Two row groups, so the reader must concatenate them.
        await WriteGroup(writer, [1, 2], [1.5, null], [true, false],
            [new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 1, 1, 0, 0, 10, DateTimeKind.Utc)], ["Oslo", null]);
        await WriteGroup(writer, [3], [-2.0], [true], [new DateTime(1970, 1, 2, 0, 0, 0, DateTimeKind.Utc)], ["NA"]);
        return path;
    }

    private static async Task WriteGroup(ParquetWriter writer, int[] ids, double?[] scores, bool[] flags, DateTime[] whens, string?[] cities)
    {
        using var g = writer.CreateRowGroup();
        await g.WriteAsync<int>(Id, ids.AsMemory());
        await g.WriteAsync<double>(Score, scores.AsMemory());
        await g.WriteAsync<bool>(Flag, flags.AsMemory());
        await g.WriteAsync<DateTime>(When, whens.AsMemory());
        await g.WriteAsync(City, cities!);
    }

    [Fact]
    public async Task Read_FlatFileWithTwoRowGroups_MapsEveryTypeAndConcatenatesGroups()
    {
        var loaded = TableReader.Read(await WriteSample(), new ReadOptions());
        var t = loaded.Table;

        Assert.Equal("parquet", loaded.Format);
        Assert.Equal(3, t.RowCount);
        Assert.Equal([ColumnType.Numeric, ColumnType.Numeric, ColumnType.Boolean, ColumnType.DateTime, ColumnType.Categorical],
            t.Columns.Select(c => c.Type));
        Assert.Equal([1, 2, 3], ((NumericColumn)t["id"]).Values.ToArray());
        Assert.True(t["score"].IsMissing(1));
        Assert.Equal(-2, ((NumericColumn)t["score"])[2]);
        Assert.Equal([1, 0, 1], ((NumericColumn)t["flag"]).Values.ToArray());
        Assert.Equal([1704067200, 1704067210, 86400], ((NumericColumn)t["when"]).Values.ToArray());
        Assert.Equal("Oslo", ((StringColumn)t["city"])[0]);
        Assert.True(t["city"].IsMissing(1));
        Assert.True(t["city"].IsMissing(2));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(loaded.Path))), loaded.Sha256);
    }

    [Fact]
    public async Task Read_CategoryRepeatedAcrossRowGroups_IsStoredOnce()
    {
        var path = Path.Combine(_dir.Path, "r.parquet");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(City), stream))
        {
            foreach (var cities in new[] { new[] { "Oslo", "Bergen" }, new[] { "Oslo" } })
            {
                using var g = writer.CreateRowGroup();
                await g.WriteAsync(City, cities);
            }
        }

        var city = (StringColumn)TableReader.Read(path, new ReadOptions()).Table["city"];
        Assert.Equal("Oslo", city[2]);
        Assert.Same(city[0], city[2]);
    }

    [Fact]
    public async Task Read_OverrideOnTypedColumn_ConvertsAndBadValueNamesRow()
    {
        var path = await WriteSample();
        var asText = new ReadOptions { Types = new Dictionary<string, ColumnType> { ["id"] = ColumnType.Categorical } };
        Assert.Equal("2", ((StringColumn)TableReader.Read(path, asText).Table["id"])[1]);

        var asNumber = new ReadOptions { Types = new Dictionary<string, ColumnType> { ["city"] = ColumnType.Numeric } };
        var e = Assert.Throws<KeelInputException>(() => TableReader.Read(path, asNumber));
        Assert.Equal("s.parquet row 0 (0-based), column 'city': expected a number, got 'Oslo'.", e.Message);
    }

    [Fact]
    public async Task Read_BinaryColumn_NamesUnsupportedColumn()
    {
        var path = Path.Combine(_dir.Path, "l.parquet");
        var blob = new DataField<byte[]>("blob");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(Id, blob), stream))
        {
            using var g = writer.CreateRowGroup();
            await g.WriteAsync<int>(Id, new[] { 1 }.AsMemory());
            await g.WriteAsync(blob, new[] { new byte[] { 1, 2 } });
        }
        var e = Assert.Throws<KeelInputException>(() => TableReader.Read(path, new ReadOptions()));
        Assert.StartsWith("l.parquet, column 'blob': unsupported Parquet type", e.Message);
    }

    [Fact]
    public async Task Read_StructColumns_SameColumnsAndValuesAsTheNestedJsonLines()
    {
        var parquet = Path.Combine(_dir.Path, "events.parquet");
        await Parquet.Serialization.ParquetSerializer.SerializeAsync(new[]
        {
            new Event { Id = 1, Address = new Event.Place { City = "Oslo", Geo = new Event.Point { Lat = 59.9 } } },
            new Event { Id = 2 },
            new Event { Id = 3, Address = new Event.Place { Geo = new Event.Point { Lat = 60.4, Lon = 5.3 } } },
        }, parquet);
        var jsonl = _dir.Write("events.jsonl", """
            {"Id": 1, "Address": {"City": "Oslo", "Geo": {"Lat": 59.9}}}
            {"Id": 2, "Address": null}
            {"Id": 3, "Address": {"Geo": {"Lat": 60.4, "Lon": 5.3}}}
            """);

        var fromParquet = TableReader.Read(parquet, new ReadOptions()).Table;
        var fromJson = TableReader.Read(jsonl, new ReadOptions()).Table;

        Assert.Equal(["Id", "Address.City", "Address.Geo.Lat", "Address.Geo.Lon"], fromParquet.Columns.Select(c => c.Name));
        foreach (var c in fromParquet.Columns)
            Assert.Equal(Enumerable.Range(0, 3).Select(r => fromJson[c.Name].Format(r)), Enumerable.Range(0, 3).Select(r => c.Format(r)));
        Assert.Equal([false, true, true], Enumerable.Range(0, 3).Select(r => fromParquet["Address.City"].IsMissing(r)));
    }

    [Fact]
    public async Task Read_ListColumn_NamesItsPath()
    {
        var path = Path.Combine(_dir.Path, "tags.parquet");
        await Parquet.Serialization.ParquetSerializer.SerializeAsync(new[] { new Tagged { Id = 1, Meta = new Tagged.Inner { Tags = ["a", "b"] } } }, path);
        var e = Assert.Throws<KeelInputException>(() => TableReader.Read(path, new ReadOptions()));
        Assert.StartsWith("tags.parquet, column 'Meta.Tags': unsupported Parquet type (list)", e.Message);
    }

    /// <summary>A record with struct fields, some missing, for a Parquet file with struct columns.</summary>
    public sealed class Event
    {
        public int Id { get; set; }
        public Place? Address { get; set; }

        public sealed class Place
        {
            public string? City { get; set; }
            public Point? Geo { get; set; }
        }

        public sealed class Point
        {
            public double? Lat { get; set; }
            public double? Lon { get; set; }
        }
    }

    /// <summary>A record with a list inside a struct.</summary>
    public sealed class Tagged
    {
        public int Id { get; set; }
        public Inner? Meta { get; set; }

        public sealed class Inner
        {
            public List<string>? Tags { get; set; }
        }
    }

    [Fact]
    public void Read_NotParquet_SaysSo()
    {
        var path = _dir.Write("bad.parquet", "a,b\n1,2\n");
        var e = Assert.Throws<KeelInputException>(() => TableReader.Read(path, new ReadOptions()));
        Assert.StartsWith("bad.parquet: not a readable Parquet file", e.Message);
    }

    [SkippableFact]
    public void Read_FirstRowGroupOfFlights_MapsDateNumbersAndCategories()
    {
        var path = Samples.SharedDataset("flights-3m.parquet");
        Skip.If(path is null, "shared/datasets/flights-3m.parquet is not beside or above the repository (CI: REPO/../shared).");

        var t = TableReader.Read(path, new ReadOptions(), maxParquetRowGroups: 1).Table;

        Assert.Equal(272727, t.RowCount);
        Assert.Equal(["date", "delay", "distance", "origin", "destination"], t.Columns.Select(c => c.Name));
        Assert.Equal([ColumnType.DateTime, ColumnType.Numeric, ColumnType.Numeric, ColumnType.Categorical, ColumnType.Categorical],
            t.Columns.Select(c => c.Type));
        Assert.Equal("2001-01-01T00:01:00Z", t["date"].Format(0));
        Assert.Equal("LAS", t["origin"].Format(0));
    }
}
