using System.IO.Compression;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Training.Tests;

public class PackageTests
{
    private static (JsonElement Manifest, string[] Entries) Open(IFittedModel model)
    {
        using var ms = new MemoryStream();
        model.Save(ms);
        ms.Position = 0;
        using var zip = new ZipArchive(ms, ZipArchiveMode.Read);
        using var s = zip.GetEntry("manifest.json")!.Open();
        return (JsonDocument.Parse(s).RootElement.Clone(), zip.Entries.Select(e => e.FullName).Order().ToArray());
    }

    [Fact]
    public void Save_MlNetModel_ManifestAndModelZip()
    {
        var (train, _) = TestData.Split(TestData.Penguins());
        var model = TrainerCatalog.Create(TestData.FastSpec("lightgbm", TaskKind.Multiclass), TaskKind.Multiclass, 0).Fit(train, null, TestData.Context()).Model;

        var (manifest, entries) = Open(model);

        Assert.Equal(["manifest.json", "model.zip"], entries);
        Assert.Equal(1, manifest.GetProperty("format_version").GetInt32());
        Assert.Equal("lightgbm", manifest.GetProperty("type").GetString());
        Assert.Equal("multiclass", manifest.GetProperty("task").GetString());
        Assert.Equal(["Adelie", "Chinstrap", "Gentoo"], manifest.GetProperty("classes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("30", manifest.GetProperty("effective_params").GetProperty("number_of_iterations").GetString());
        Assert.Contains(manifest.GetProperty("featurizer").GetProperty("feature_names").EnumerateArray(), e => e.GetString() == "Island=Biscoe");
        Assert.Equal(train.Features.Columns.Count, manifest.GetProperty("input_schema").GetArrayLength());
    }

    [Fact]
    public void Save_Baseline_StateInManifestOnly()
    {
        var (train, _) = TestData.Split(TestData.Credit());
        var model = TrainerCatalog.Create(TestData.FastSpec("zero_rule", TaskKind.Binary), TaskKind.Binary, 0).Fit(train, null, TestData.Context()).Model;

        var (manifest, entries) = Open(model);

        Assert.Equal(["manifest.json"], entries);
        Assert.Equal(2, manifest.GetProperty("baseline").GetProperty("priors").GetArrayLength());
    }

    [Fact]
    public void Load_NotAZip_ThrowsInputError()
    {
        using var ms = new MemoryStream("hello"u8.ToArray());

        Assert.Throws<KeelInputException>(() => ModelPackage.Load(ms));
    }

    [Fact]
    public void Load_NewerFormatVersion_Throws()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        using (var w = new StreamWriter(zip.CreateEntry("manifest.json").Open()))
        {
            w.Write("""{"format_version": 99, "type": "zero_rule", "task": "binary", "classes": [], "input_schema": [], "effective_params": {}}""");
        }
        ms.Position = 0;

        var e = Assert.Throws<KeelInputException>(() => ModelPackage.Load(ms));
        Assert.Contains("99", e.Message);
    }

    [Fact]
    public void Save_WithMissingTokens_RecordedAndReadBack()
    {
        var (train, _) = TestData.Split(TestData.Penguins());
        var model = TrainerCatalog.Create(TestData.FastSpec("lightgbm", TaskKind.Multiclass), TaskKind.Multiclass, 0).Fit(train, null, TestData.Context()).Model;
        using var ms = new MemoryStream();

        ModelPackage.Save(model, ms, ["", "NA", "?"]);
        ms.Position = 0;
        var opened = ModelPackage.Open(ms);

        Assert.Equal(["", "NA", "?"], opened.MissingTokens);
        Assert.Equal(model.Predict(train.Features).Probabilities, opened.Model.Predict(train.Features).Probabilities);
    }

    [Fact]
    public void Open_OldPackageWithoutMissingTokens_LoadsWithNoTokensRecorded()
    {
        var (train, _) = TestData.Split(TestData.Penguins());
        var model = TrainerCatalog.Create(TestData.FastSpec("lightgbm", TaskKind.Multiclass), TaskKind.Multiclass, 0).Fit(train, null, TestData.Context()).Model;
        using var saved = new MemoryStream();
        ModelPackage.Save(model, saved, ["?"]);
        using var old = new MemoryStream();
        using (var src = new ZipArchive(new MemoryStream(saved.ToArray()), ZipArchiveMode.Read))
        using (var dst = new ZipArchive(old, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in src.Entries)
            {
                using var input = entry.Open();
                using var output = dst.CreateEntry(entry.FullName).Open();
                if (entry.FullName != "manifest.json")
                {
                    input.CopyTo(output);
                    continue;
                }
                var manifest = System.Text.Json.Nodes.JsonNode.Parse(input)!.AsObject();
                Assert.True(manifest.Remove("missing_tokens"));
                using var writer = new Utf8JsonWriter(output);
                manifest.WriteTo(writer);
            }
        }
        old.Position = 0;

        var opened = ModelPackage.Open(old);

        Assert.Null(opened.MissingTokens);
        Assert.Equal(model.Predict(train.Features).Probabilities, opened.Model.Predict(train.Features).Probabilities);
    }
}
