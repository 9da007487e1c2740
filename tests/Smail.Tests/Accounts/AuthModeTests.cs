using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.Accounts;
using Smail.Tests.Infrastructure;
using static Smail.Tests.Infrastructure.Accounts;

namespace Smail.Tests.Accounts;

/// <summary>
/// The modes themselves: <c>none</c> only on loopback (a real process refuses to start otherwise), <c>proxy</c>
/// believes its header only from trusted addresses, conversations from before accounts go to the first admin,
/// and the <c>users add</c> command makes an account without the web page.
/// </summary>
public sealed class AuthModeTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://*:5000", false)]
    [InlineData("http://+:5000", false)]
    [InlineData("http://[::]:5000", false)]
    [InlineData("http://192.168.1.20:5000", false)]
    [InlineData("http://gpu-box.lan:5000", false)]
    public void LoopbackIs_OnlyLoopbackAddresses(string url, bool loopback) => Assert.Equal(loopback, LoopbackOnly.IsLoopback(url));

    [Fact]
    public async Task ModeNone_OnEveryInterface_RefusesToStart_NamingAuthMode()
    {
        var (exit, output) = await RunSmailAsync(["--urls", "http://0.0.0.0:0"], stdin: null);
        Assert.NotEqual(0, exit);
        Assert.Contains("Auth:Mode", output, StringComparison.Ordinal);
        (exit, output) = await RunSmailAsync([], stdin: null, environment: new() { ["ASPNETCORE_HTTP_PORTS"] = "0" });
        Assert.NotEqual(0, exit);
        Assert.Contains("Auth:Mode", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersAdd_ReadsThePasswordFromStdin_AndTheAccountSignsIn_AsAdmin()
    {
        var store = Directory.CreateTempSubdirectory("smail-users-").FullName;
        var (exit, output) = await RunSmailAsync(["users", "add", "root-admin", "--admin", "--Storage:Path", store], stdin: "a long enough password\n");
        Assert.True(exit == 0, output);
        Assert.DoesNotContain("a long enough password", output, StringComparison.Ordinal);

        await using var host = await TestHost.StartAsync(LocalMode(more: new Dictionary<string, string?> { ["Storage:Path"] = store }));
        using var signIn = await host.Client.SignInAsync("root-admin", "a long enough password");
        var user = await signIn.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("admin", user.GetProperty("role").GetString());
        // The next sign-up is not "the first account": it waits like any other.
        using var next = host.NewClient();
        Assert.Equal("user", (await next.SignUpAsync("someone")).GetProperty("role").GetString());
        await host.DisposeAsync();
        Directory.Delete(store, recursive: true);
    }

    [Fact]
    public async Task ConversationsFromBeforeAccounts_BelongToTheFirstAdmin()
    {
        var store = Directory.CreateTempSubdirectory("smail-legacy-").FullName;
        string old, local;
        await using (var before = await TestHost.StartAsync(new Dictionary<string, string?> { ["Storage:Path"] = store }))
        {
            old = await before.CreateSessionAsync();
            local = await before.CreateSessionAsync();
        }
        // A file from before accounts has no owner at all; one made under Auth:Mode=none belongs to "local".
        var oldFile = Directory.GetFiles(store, $"{old}*").Single();
        var text = await File.ReadAllTextAsync(oldFile);
        Assert.Contains("\"ownerId\": \"local\",", text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(oldFile, text.Replace("\"ownerId\": \"local\",", "", StringComparison.Ordinal));

        await using var host = await TestHost.StartAsync(LocalMode(more: new Dictionary<string, string?> { ["Storage:Path"] = store }));
        await host.Client.SignUpAsync("first");
        using var second = host.NewClient();
        await second.SignUpAsync("second");
        foreach (var id in new[] { old, local })
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync($"/api/sessions/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await second.GetAsync($"/api/sessions/{id}")).StatusCode);
        }
        Assert.Empty((await second.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("sessions").EnumerateArray());
        await host.DisposeAsync();
        Directory.Delete(store, recursive: true);
    }

    [Fact]
    public async Task ProxyMode_BelievesTheHeader_OnlyFromATrustedAddress()
    {
        await using (var trusted = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "proxy",
            ["Auth:TrustedProxies:0"] = "127.0.0.0/8",
        }))
        {
            using var alice = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me") { Headers = { { "Remote-User", "alice" } } };
            var me = await (await trusted.Client.SendAsync(alice)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("alice", me.GetProperty("username").GetString());
            Assert.Equal("admin", me.GetProperty("role").GetString());
            Assert.Equal(HttpStatusCode.Unauthorized, (await trusted.Client.GetAsync("/api/sessions")).StatusCode);
        }
        await using var untrusted = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "proxy",
            ["Auth:TrustedProxies:0"] = "10.9.8.7",
        });
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/sessions") { Headers = { { "Remote-User", "alice" } } };
        using var response = await untrusted.Client.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthenticated", await CodeOf(response));
    }

    /// <summary>Runs the built Smail as its own process and returns its exit code and everything it printed.</summary>
    private static Task<(int ExitCode, string Output)> RunSmailAsync(string[] args, string? stdin, Dictionary<string, string>? environment = null) =>
        SmailProcess.RunToEndAsync(args, stdin, new Dictionary<string, string>(environment ?? [])
        {
            ["Storage__Path"] = Directory.CreateTempSubdirectory("smail-mode-").FullName,
        });
}
