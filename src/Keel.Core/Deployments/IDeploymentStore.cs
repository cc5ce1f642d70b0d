namespace Keel.Core.Deployments;

/// <summary>
/// Deployments, their append-only state history, the review queue, feedback and hashed API tokens. One contract suite checks every backend.
/// </summary>
/// <remarks>Every method returns copies; every write is one transaction. Unknown names throw <see cref="KeelNotFoundException"/>.</remarks>
public interface IDeploymentStore
{
    /// <summary>
    /// Creates the deployment (a <see cref="DeploymentEventKind.Create"/> event, state as given) or, when it exists with different file text,
    /// stores the new text as the next <see cref="Deployment.SpecVersion"/> (an <see cref="DeploymentEventKind.Update"/> event, state kept).
    /// Returns the event, or null when the same text was applied again (nothing written).
    /// </summary>
    Task<DeploymentEvent?> ApplyAsync(Deployment deployment, string actor, CancellationToken ct = default);

    /// <summary>The deployment called <paramref name="name"/>, or null.</summary>
    Task<Deployment?> GetAsync(string name, CancellationToken ct = default);

    /// <summary>All deployments, by name.</summary>
    Task<IReadOnlyList<Deployment>> ListAsync(CancellationToken ct = default);

    /// <summary>The file text of one spec version of a deployment, or null when there is no such version.</summary>
    Task<string?> GetSpecAsync(string name, int specVersion, CancellationToken ct = default);

    /// <summary>Moves the deployment to <paramref name="to"/> and appends the event (its From is the state before), in one transaction.</summary>
    /// <exception cref="KeelNotFoundException">No such deployment.</exception>
    Task<DeploymentEvent> ChangeStateAsync(string name, DeploymentEventKind kind, DeploymentState to, string actor, string? reason, CancellationToken ct = default);

    /// <summary>Every event of a deployment, oldest first.</summary>
    Task<IReadOnlyList<DeploymentEvent>> GetHistoryAsync(string name, CancellationToken ct = default);

    /// <summary>Queues an answer for review and returns it with its id.</summary>
    Task<ReviewItem> EnqueueReviewAsync(ReviewItem item, CancellationToken ct = default);

    /// <summary>Review items oldest first: only pending ones unless <paramref name="includeLabelled"/>; of one deployment when named; at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ReviewItem>> ListReviewsAsync(string? deployment, bool includeLabelled, int limit, CancellationToken ct = default);

    /// <summary>How many review items <see cref="ListReviewsAsync"/> would list without a limit.</summary>
    Task<long> CountReviewsAsync(string? deployment, bool includeLabelled, CancellationToken ct = default);

    /// <summary>The review item with <paramref name="id"/>, or null.</summary>
    Task<ReviewItem?> GetReviewAsync(long id, CancellationToken ct = default);

    /// <summary>The review items of one request, by row.</summary>
    Task<IReadOnlyList<ReviewItem>> ListRequestReviewsAsync(string requestId, CancellationToken ct = default);

    /// <summary>Labels a pending review item and records the label as <see cref="Feedback"/> (source "review"), in one transaction.</summary>
    /// <exception cref="KeelInputException">The item is already labelled, or the label is not a class of the model (a number for regression).</exception>
    /// <exception cref="KeelNotFoundException">No such item.</exception>
    Task<Feedback> LabelReviewAsync(long id, string label, string actor, CancellationToken ct = default);

    /// <summary>Records an outcome (e.g. from POST /feedback).</summary>
    Task AddFeedbackAsync(Feedback feedback, CancellationToken ct = default);

    /// <summary>Feedback oldest first: of one request when <paramref name="requestId"/> is given, else all.</summary>
    Task<IReadOnlyList<Feedback>> ListFeedbackAsync(string? requestId, CancellationToken ct = default);

    /// <summary>Stores a token record (its hash, never the token).</summary>
    Task AddTokenAsync(ApiToken token, CancellationToken ct = default);

    /// <summary>The token record with <paramref name="id"/>, or null.</summary>
    Task<ApiToken?> FindTokenAsync(string id, CancellationToken ct = default);

    /// <summary>All token records, oldest first (revoked ones included).</summary>
    Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken ct = default);

    /// <summary>Marks a token revoked at <paramref name="at"/>; later checks refuse it.</summary>
    /// <exception cref="KeelNotFoundException">No such token.</exception>
    Task RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken ct = default);
}

/// <summary>Conveniences over <see cref="IDeploymentStore"/>.</summary>
public static class DeploymentStoreExtensions
{
    /// <summary>Whether <paramref name="presented"/> (e.g. a bearer token) matches a stored, unrevoked token.</summary>
    public static async Task<bool> VerifyTokenAsync(this IDeploymentStore store, string? presented, CancellationToken ct = default) =>
        await store.FindVerifiedTokenAsync(presented, ct) is not null;

    /// <summary>The stored, unrevoked token that <paramref name="presented"/> matches (its role and scopes with it), or null.</summary>
    public static async Task<ApiToken?> FindVerifiedTokenAsync(this IDeploymentStore store, string? presented, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ApiTokens.IdOf(presented) is { } id && await store.FindTokenAsync(id, ct) is { } record && ApiTokens.Verify(presented, record) ? record : null;
    }
}
