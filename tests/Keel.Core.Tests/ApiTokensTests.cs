using Keel.Core.Deployments;

namespace Keel.Core.Tests;

public sealed class ApiTokensTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Generate_Token_RecordHoldsSaltedHashNotToken()
    {
        var (token, record) = ApiTokens.Generate("feedback", "ann", T0);
        Assert.StartsWith($"keel_{record.Id}_", token);
        Assert.DoesNotContain(token[(6 + 12)..], record.Hash + record.Salt + record.Id + record.Name);
        Assert.Equal((ApiTokens.DefaultIterations, 64, 32), (record.Iterations, record.Hash.Length, record.Salt.Length));
        Assert.True(ApiTokens.Verify(token, record));
    }

    [Fact]
    public void Generate_SameNameTwice_DifferentSaltsAndHashes()
    {
        var (_, a) = ApiTokens.Generate("x", "ann", T0, 1000);
        var (_, b) = ApiTokens.Generate("x", "ann", T0, 1000);
        Assert.NotEqual((a.Id, a.Salt, a.Hash), (b.Id, b.Salt, b.Hash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("keel_")]
    [InlineData("keel_zzzzzzzzzzzz_abc")]
    [InlineData("keel_0123456789ab")]
    public void Verify_Malformed_False(string presented)
    {
        var (_, record) = ApiTokens.Generate("x", "ann", T0, 1000);
        Assert.False(ApiTokens.Verify(presented, record));
    }

    [Fact]
    public void Verify_ChangedSecretOrRevoked_False()
    {
        var (token, record) = ApiTokens.Generate("x", "ann", T0, 1000);
        var flipped = token[..^1] + (token[^1] == 'a' ? 'b' : 'a');
        Assert.False(ApiTokens.Verify(flipped, record));
        Assert.False(ApiTokens.Verify(token, record with { RevokedAt = T0 }));
        Assert.False(ApiTokens.Verify(token, record with { Hash = new string('0', 64) }));
    }

    [Fact]
    public void Generate_EmptyName_ThrowsInput() =>
        Assert.Throws<KeelInputException>(() => ApiTokens.Generate(" ", "ann", T0));
}
