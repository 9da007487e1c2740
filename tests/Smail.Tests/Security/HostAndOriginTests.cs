using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.Security;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Security;

/// <summary>
/// DNS rebinding and cross-site requests, over a real socket: a foreign <c>Host</c> gets 400 on every route, and
/// a request another site's page makes gets 403 on every API route; neither changes anything.
/// </summary>
public sealed class HostAndOriginTests : HostedTest
{
    private string _sessionId = "";

    public override Task InitializeAsync() => InitializeAsync(new Dictionary<string, string?> { ["AllowedHosts"] = "smail.lan" });

    private IReadOnlyList<RouteWalker.Route> Routes() => RouteWalker.All(Host.App.Services);

    private HttpRequestMessage Request(RouteWalker.Route route, Action<HttpRequestMessage> change)
    {
        var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path(new Dictionary<string, string> { ["id"] = _sessionId }));
        if (route.ChangesState)
        {
            request.Content = JsonContent.Create(new { content = "hi", title = "Renamed", model = "llama3.2" });
        }
        change(request);
        return request;
    }

    private async Task<string> SnapshotAsync() => (await Host.Client.GetStringAsync("/api/sessions")) + await Host.Client.GetStringAsync($"/api/sessions/{_sessionId}");

    [Fact]
    public async Task AForeignHost_Gets400_OnEveryRoute_AndTheStaticPages_AndChangesNothing()
    {
        _sessionId = await Host.CreateSessionAsync();
        var before = await SnapshotAsync();
        var routes = Routes();
        Assert.True(routes.Count >= 15, $"only {routes.Count} routes found");

        foreach (var route in routes.Append(new("GET", "/")).Append(new("GET", "/dashboard")).Append(new("GET", "/js/main.js")))
        {
            foreach (var host in new[] { "attacker.example", "localhost.attacker.example", "127.0.0.1.nip.io", "smail.lan.evil" })
            {
                using var request = Request(route, r => r.Headers.Host = $"{host}:{Host.App.BaseAddress.Port}");
                using var response = await Host.Client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{route} with Host {host}: {(int)response.StatusCode}");
            }
        }

        Assert.Equal(before, await SnapshotAsync());
        // Someone opening Smail by a name not listed sees why.
        using var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Host = $"gpu-box.lan:{Host.App.BaseAddress.Port}";
        Assert.Contains("Invalid Hostname", await (await Host.Client.SendAsync(page)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("LOCALHOST")]
    [InlineData("smail.lan")]
    public async Task LoopbackNames_TheMachinesName_AndConfiguredNames_AreServed(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Host = $"{host}:{Host.App.BaseAddress.Port}";
        using var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Environment.MachineName.ToLowerInvariant(), HostAllowList.Defaults);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*.example.com")]
    [InlineData(".local")]
    [InlineData("http://smail.lan")]
    [InlineData("smail.lan:8080")]
    public void AWildcardOrSuffixRule_StopsTheStart_NamingTheSetting(string configured)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => HostAllowList.From($"smail.lan;{configured}"));
        Assert.Contains("AllowedHosts", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACrossSiteRequest_Gets403CrossSiteRequest_OnEveryApiRoute_AndChangesNothing()
    {
        _sessionId = await Host.CreateSessionAsync();
        var before = await SnapshotAsync();
        var port = Host.App.BaseAddress.Port;
        var crossSite = new (string Name, Action<HttpRequestMessage> Apply)[]
        {
            ("an Origin of another site", r => r.Headers.Add("Origin", "http://attacker.example")),
            ("an Origin on another port of this machine", r => r.Headers.Add("Origin", $"http://127.0.0.1:{port + 1}")),
            ("the Origin null", r => r.Headers.Add("Origin", "null")),
            ("Sec-Fetch-Site: cross-site", r => r.Headers.Add("Sec-Fetch-Site", "cross-site")),
        };

        foreach (var route in Routes().Where(r => r.Template.StartsWith("/api", StringComparison.Ordinal)))
        {
            foreach (var (name, apply) in crossSite)
            {
                using var request = Request(route, apply);
                using var response = await Host.Client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{route} with {name}: {(int)response.StatusCode}");
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal("cross_site_request", problem.GetProperty("code").GetString());
            }
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task SmailsOwnPage_AndClientsThatAreNotBrowsers_AreServed()
    {
        var origin = $"http://127.0.0.1:{Host.App.BaseAddress.Port}";
        using var fromThePage = new HttpRequestMessage(HttpMethod.Post, "/api/sessions") { Content = JsonContent.Create(new { title = "From the page" }) };
        fromThePage.Headers.Add("Origin", origin);
        fromThePage.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var fromCurl = new HttpRequestMessage(HttpMethod.Post, "/api/sessions") { Content = JsonContent.Create(new { title = "From curl" }) };

        using var pageResponse = await Host.Client.SendAsync(fromThePage);
        using var curlResponse = await Host.Client.SendAsync(fromCurl);

        Assert.Equal(HttpStatusCode.Created, pageResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Created, curlResponse.StatusCode);
    }

    [Fact]
    public async Task EveryResponse_CarriesTheSecurityHeaders_AndThePolicyAllowsOnlySmailsOwnScripts()
    {
        foreach (var path in new[] { "/", "/dashboard", "/api/health", "/api/sessions/x_unknown", "/js/main.js" })
        {
            using var response = await Host.Client.GetAsync(path);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self' 'sha256-", csp, StringComparison.Ordinal);
            foreach (var directive in new[] { "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "img-src 'self' data: https:" })
            {
                Assert.Contains(directive, csp, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single(), StringComparison.Ordinal);
        }
    }
}
