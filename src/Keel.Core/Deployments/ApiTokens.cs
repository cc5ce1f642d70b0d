using System.Security.Cryptography;
using System.Text;

namespace Keel.Core.Deployments;

/// <summary>A stored API token: only a salted PBKDF2 hash of its secret is kept, never the token itself.</summary>
/// <param name="Id">The public part of the token (12 hex characters), used to find the record.</param>
/// <param name="Name">What the token is for, e.g. "feedback-service".</param>
/// <param name="Salt">Random salt, hex.</param>
/// <param name="Hash">PBKDF2-HMAC-SHA256 of the secret, hex.</param>
/// <param name="Iterations">PBKDF2 iterations used for <paramref name="Hash"/>.</param>
/// <param name="CreatedAt">When it was generated.</param>
/// <param name="CreatedBy">Who generated it.</param>
/// <param name="RevokedAt">When it was revoked; null while valid.</param>
public sealed record ApiToken(string Id, string Name, string Salt, string Hash, int Iterations, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt = null)
{
    /// <summary>What the token may do on the tracking server. Default <see cref="TokenRole.Admin"/> (tokens made before roles existed guarded admin endpoints).</summary>
    public TokenRole Role { get; init; } = TokenRole.Admin;

    /// <summary>Experiments the token is limited to; with <see cref="Models"/> both empty (the default) it is not limited.</summary>
    public IReadOnlyList<string> Experiments { get; init; } = [];

    /// <summary>Registered models the token is limited to; with <see cref="Experiments"/> both empty (the default) it is not limited.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Whether the token is limited to some experiments or models (then anything outside them is refused).</summary>
    public bool IsScoped => Experiments.Count > 0 || Models.Count > 0;

    /// <summary>Whether the token's scope covers experiment <paramref name="name"/>.</summary>
    public bool CoversExperiment(string name) => !IsScoped || Experiments.Contains(name, StringComparer.Ordinal);

    /// <summary>Whether the token's scope covers registered model <paramref name="name"/>.</summary>
    public bool CoversModel(string name) => !IsScoped || Models.Contains(name, StringComparer.Ordinal);

    /// <summary>Equal when every field is, the scope lists compared item by item.</summary>
    public bool Equals(ApiToken? other) => other is not null && (Id, Name, Salt, Hash, Iterations, CreatedAt, CreatedBy, RevokedAt, Role)
        == (other.Id, other.Name, other.Salt, other.Hash, other.Iterations, other.CreatedAt, other.CreatedBy, other.RevokedAt, other.Role)
        && Experiments.SequenceEqual(other.Experiments) && Models.SequenceEqual(other.Models);

    /// <summary>A hash of the identifying fields.</summary>
    public override int GetHashCode() => HashCode.Combine(Id, Hash, Role);
}

/// <summary>What a token may do: read, write (includes read) or administer (includes write; tokens, aliases of any model).</summary>
public enum TokenRole
{
    Read,
    Write,
    Admin,
}

/// <summary>Generates API tokens ("keel_" + id + "_" + secret) and checks presented ones against their stored hash in constant time.</summary>
/// <remarks>
/// The secret is 32 random bytes from the OS generator, so its strength does not rest on the work factor; PBKDF2 with a per-token salt
/// still means a leaked database gives nothing usable, and <see cref="DefaultIterations"/> keeps one check near a millisecond.
/// </remarks>
public static class ApiTokens
{
    /// <summary>PBKDF2 iterations for new tokens (stored per token, so it can be raised later without invalidating old ones).</summary>
    public const int DefaultIterations = 10_000;

    private const string Prefix = "keel_";
    private const int IdBytes = 6;
    private const int SecretBytes = 32;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>A new token: the text to hand to the user once, and the record to store.</summary>
    public static (string Token, ApiToken Record) Generate(string name, string createdBy, DateTimeOffset at, int iterations = DefaultIterations)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new KeelInputException("token name: expected a non-empty name saying what the token is for");
        if (iterations < 1) throw new KeelInputException($"token iterations {iterations}: expected at least 1");
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(secret, salt, iterations);
        return ($"{Prefix}{id}_{secret}", new ApiToken(id, name, Convert.ToHexStringLower(salt), Convert.ToHexStringLower(hash), iterations, at, createdBy));
    }

    /// <summary>The id part of a presented token, or null when it does not have the token's shape.</summary>
    public static string? IdOf(string? presented)
    {
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var rest = presented.AsSpan(Prefix.Length);
        var sep = rest.IndexOf('_');
        return sep == IdBytes * 2 && rest[..sep].ToString() is var id && id.All(Uri.IsHexDigit) ? id : null;
    }

    /// <summary>Whether <paramref name="presented"/> is the token <paramref name="record"/> was made for and the record is not revoked.</summary>
    /// <remarks>The hash comparison takes the same time wherever the first difference is (<see cref="CryptographicOperations.FixedTimeEquals"/>).</remarks>
    public static bool Verify(string? presented, ApiToken record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.RevokedAt is not null || IdOf(presented) != record.Id) return false;
        var secret = presented![(Prefix.Length + IdBytes * 2 + 1)..];
        var expected = Convert.FromHexString(record.Hash);
        var actual = Derive(secret, Convert.FromHexString(record.Salt), record.Iterations);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] Derive(string secret, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
