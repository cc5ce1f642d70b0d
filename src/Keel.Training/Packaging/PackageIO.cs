using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core;

namespace Keel.Training.Packaging;

/// <summary>Reads and writes the zip container of a model package: manifest.json plus an optional model.zip.</summary>
internal static class PackageIO
{
    public const string ManifestEntry = "manifest.json";
    public const string ModelEntry = "model.zip";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(Stream stream, Manifest manifest, byte[]? model)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        using (var entry = zip.CreateEntry(ManifestEntry).Open())
        {
            JsonSerializer.Serialize(entry, manifest, Json);
        }
        if (model is null) return;
        using var m = zip.CreateEntry(ModelEntry, CompressionLevel.NoCompression).Open();
        m.Write(model);
    }

    public static (Manifest Manifest, byte[]? Model) Read(Stream stream)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var entry = zip.GetEntry(ManifestEntry) ?? throw new KeelInputException($"The model package has no {ManifestEntry}.");
            Manifest manifest;
            using (var s = entry.Open())
            {
                manifest = JsonSerializer.Deserialize<Manifest>(s, Json) ?? throw new KeelInputException($"The model package's {ManifestEntry} is empty.");
            }
            if (manifest.FormatVersion > Manifest.CurrentVersion)
                throw new KeelInputException($"The model package has format version {manifest.FormatVersion}; this Keel reads up to {Manifest.CurrentVersion}.");
            byte[]? model = null;
            if (zip.GetEntry(ModelEntry) is { } modelEntry)
            {
                using var s = modelEntry.Open();
                using var ms = new MemoryStream();
                s.CopyTo(ms);
                model = ms.ToArray();
            }
            return (manifest, model);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            throw new KeelInputException($"Not a Keel model package: {e.Message}", e);
        }
    }

    /// <summary>The baseline state stored in the manifest, as <typeparamref name="T"/>.</summary>
    public static T BaselineState<T>(Manifest manifest) =>
        manifest.Baseline is { } e && e.Deserialize<T>(Json) is { } state
            ? state
            : throw new KeelInputException($"The model package of type '{manifest.Type}' has no baseline state.");
}
