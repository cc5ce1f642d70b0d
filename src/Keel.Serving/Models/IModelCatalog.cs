using Keel.Pipeline.Predict;

namespace Keel.Serving.Models;

/// <summary>The models the server holds hot, by registered name; each name's current version can be swapped atomically.</summary>
public interface IModelCatalog
{
    /// <summary>The served model names.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>The version currently answering for <paramref name="name"/>, or null when the name is not served.</summary>
    LoadedModel? Current(string name);
}

/// <summary>Chooses the loaded version (and arm) that answers a request: the seam rollouts (canary, A/B, bandit) plug into.</summary>
/// <remarks>The default sends every request for a name to the catalog's current version, arm "champion".</remarks>
public interface IModelRouter
{
    /// <summary>The version and arm for this request, or null when <see cref="RouteRequest.Model"/> is not served.</summary>
    ModelRoute? Route(RouteRequest request);
}

/// <summary>What a router may look at.</summary>
/// <param name="Model">The requested model (endpoint) name.</param>
/// <param name="RequestId">The request's id.</param>
/// <param name="Header">Reads a request header (e.g. a routing key), null when absent.</param>
public sealed record RouteRequest(string Model, string RequestId, Func<string, string?> Header);

/// <summary>Which loaded version answers, and the arm it is logged and counted under.</summary>
public sealed record ModelRoute(LoadedModel Model, string Arm);

/// <summary>Every request to the catalog's current version, arm "champion".</summary>
internal sealed class CatalogRouter(IModelCatalog catalog) : IModelRouter
{
    public const string Champion = "champion";

    public ModelRoute? Route(RouteRequest request) => catalog.Current(request.Model) is { } m ? new ModelRoute(m, Champion) : null;
}
