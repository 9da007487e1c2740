using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Smail.Tests.Security;

/// <summary>
/// Every route Smail maps, as the routing system lists it (<see cref="EndpointDataSource"/>): a test that walks
/// these covers a new endpoint without anyone remembering to add it.
/// </summary>
internal static partial class RouteWalker
{
    public sealed record Route(string Method, string Template)
    {
        /// <summary>The route with every parameter filled in from <paramref name="values"/>, or with a stand-in id.</summary>
        public string Path(IReadOnlyDictionary<string, string>? values = null) =>
            "/" + Parameter().Replace(Template.TrimStart('/'), m => values?.GetValueOrDefault(m.Groups["name"].Value) ?? "x_unknown");

        public bool ChangesState => Method is not ("GET" or "HEAD");

        public override string ToString() => $"{Method} {Template}";
    }

    public static IReadOnlyList<Route> All(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new Route(method, e.RoutePattern.RawText ?? "")))
            .Distinct()
            .OrderBy(r => r.Template, StringComparer.Ordinal)];

    [GeneratedRegex("\\{(?<name>[^}:?]+)[^}]*\\}")]
    private static partial Regex Parameter();
}
