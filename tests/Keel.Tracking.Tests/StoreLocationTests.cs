using Keel.Core;

namespace Keel.Tracking.Tests;

public sealed class StoreLocationTests
{
    private static readonly string Base = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "keel-base"));

    private static StoreLocation Parse(string uri, string? artifacts = null) =>
        StoreLocation.Parse(new StoreOptions { Uri = uri, ArtifactRoot = artifacts, BaseDirectory = Base });

    [Fact]
    public void Parse_DefaultFolder_DbAndArtifactsInside()
    {
        var loc = StoreLocation.Parse(new StoreOptions { BaseDirectory = Base });
        Assert.Equal(Path.Combine(Base, ".keel", "keel.db"), loc.DatabasePath);
        Assert.Equal(Path.Combine(Base, ".keel", "artifacts"), loc.ArtifactRoot);
        Assert.Equal($"sqlite:{loc.DatabasePath}, artifacts {loc.ArtifactRoot}", loc.Description);
    }

    [Fact]
    public void Parse_SqliteRelativePath_ArtifactsBesideDb()
    {
        var loc = Parse("sqlite:data/track.db");
        Assert.Equal(Path.Combine(Base, "data", "track.db"), loc.DatabasePath);
        Assert.Equal(Path.Combine(Base, "data", "artifacts"), loc.ArtifactRoot);
    }

    [Fact]
    public void Parse_SqliteTripleSlash_AbsolutePath()
    {
        var loc = Parse("sqlite:///srv/keel/keel.db");
        Assert.Equal(Path.GetFullPath("/srv/keel/keel.db"), loc.DatabasePath);
        Assert.Equal(Path.GetFullPath("/srv/keel/artifacts"), loc.ArtifactRoot);
    }

    [Fact]
    public void Parse_ArtifactRootSet_OverridesDerivedRoot() =>
        Assert.Equal(Path.Combine(Base, "blobs"), Parse("sqlite:x.db", "blobs").ArtifactRoot);

    [Theory]
    [InlineData("postgresql://host/db", "store URI 'postgresql://host/db': unsupported scheme; expected a folder or sqlite:PATH")]
    [InlineData("s3://bucket", "store URI 's3://bucket': unsupported scheme; expected a folder or sqlite:PATH")]
    [InlineData("", "store URI ''")]
    [InlineData("sqlite:", "expected a database file path")]
    [InlineData("sqlite://host/x.db", "sqlite:///ABSOLUTE/PATH")]
    public void Parse_BadUri_ThrowsInput(string uri, string message) =>
        Assert.Contains(message, Assert.Throws<KeelInputException>(() => Parse(uri)).Message);
}
