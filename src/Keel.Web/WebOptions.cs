namespace Keel.Web;

/// <summary>How the tracking server listens and what it accepts.</summary>
public sealed record WebOptions
{
    /// <summary>IP address to listen on. Default "127.0.0.1" (loopback: reads need no token). Any other address needs tokens in the store.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one. Default 5000.</summary>
    public int Port { get; init; } = 5000;

    /// <summary>Largest artifact upload in bytes. Default 1 GiB.</summary>
    public long MaxArtifactBytes { get; init; } = 1L << 30;

    /// <summary>Largest JSON request body in bytes. Default 4 MiB.</summary>
    public long MaxJsonBytes { get; init; } = 4L << 20;
}
