using Microsoft.Extensions.Logging;
using System.Net;
using System.Text;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Security;

/// <summary>
/// A corpus of malformed requests sent to every route <see cref="RouteWalker"/> finds: each gets a clear 4xx
/// problem, never a 500, and the server goes on serving (LibreChat's CVE-2026-31949: one request crashed it).
/// </summary>
public class MalformedRequestTests : HostedTest
{
    /// <summary>Routes left out of the corpus: the signed-in variant keeps its sign-in.</summary>
    private protected virtual bool LeftOut(RouteWalker.Route route) => false;

    private static readonly string[] s_ids =
    [
        "x_unknown", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%00b", new string('a', 5000), "%F0%9F%92%A9", "%E2%80%AE", "CON", "-1", "%FF%FE",
    ];

    private static readonly (string ContentType, byte[] Body)[] s_bodies =
    [
        ("application/json", "{"u8.ToArray()),
        ("application/json", "[]"u8.ToArray()),
        ("application/json", "null"u8.ToArray()),
        ("application/json", "\"text\""u8.ToArray()),
        ("application/json", """{"content": 5, "title": [], "model": {}, "options": "x", "events": 7}"""u8.ToArray()),
        ("application/json", """{"content": "\uD800", "title": "\u0000"}"""u8.ToArray()),
        ("application/json", [0xC3, 0x28, 0x7B, 0xFF]),
        ("application/json", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000))),
        ("application/json", Encoding.UTF8.GetBytes($"{{\"content\": \"{new string('x', 2 * 1024 * 1024)}\"}}")),
        ("text/plain", "hello"u8.ToArray()),
        ("application/x-www-form-urlencoded", "content=hi"u8.ToArray()),
        ("application/json; charset=utf-16", "{}"u8.ToArray()),
    ];

    [Fact]
    public async Task EveryRoute_AnswersEveryMalformedRequest_WithAProblem_NeverA500_AndKeepsServing()
    {
        var session = await Host.CreateSessionAsync();
        var failures = new List<string>();
        foreach (var route in RouteWalker.All(Host.App.Services).Where(r => !LeftOut(r)))
        {
            foreach (var id in s_ids.Append(session))
            {
                var path = route.Path(new Dictionary<string, string> { ["id"] = id, ["messageId"] = id });
                foreach (var (contentType, body) in route.ChangesState ? s_bodies : [("", Array.Empty<byte>())])
                {
                    using var request = new HttpRequestMessage(new HttpMethod(route.Method), path + (route.ChangesState ? "" : "?after=-5&q=%00"));
                    if (contentType.Length > 0)
                    {
                        request.Content = new ByteArrayContent(body);
                        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                    }
                    // Kestrel refuses a body over the limit and closes the connection, maybe while it is still
                    // being sent: not a connection to hand to the next request.
                    var oversized = body.Length > 1024 * 1024;
                    request.Headers.ConnectionClose = oversized;
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    try
                    {
                        using var response = await Host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                        if ((int)response.StatusCode >= 500)
                        {
                            failures.Add($"{route} {path[..Math.Min(path.Length, 80)]} [{contentType}, {body.Length} bytes]: {(int)response.StatusCode}");
                        }
                    }
                    catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                    {
                        // A stream or long poll held open for a valid id: not a failure.
                    }
                    catch (HttpRequestException) when (oversized)
                    {
                        // Refused before it was all sent: the client sees the connection close, not the 413.
                    }
                    catch (HttpRequestException ex)
                    {
                        failures.Add($"{route} {path[..Math.Min(path.Length, 80)]} [{contentType}, {body.Length} bytes]: {ex.Message} {ex.InnerException?.Message}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(30)));
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.GetAsync("/api/health")).StatusCode);
        Assert.Empty(Host.App.Logs.All.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}"));
    }
}

/// <summary>The same corpus, signed in with Auth:Mode=local, so every route's own handling is reached, not only the 401.</summary>
public sealed class SignedInMalformedRequestTests : MalformedRequestTests
{
    public override async Task InitializeAsync()
    {
        await InitializeAsync(Infrastructure.Accounts.LocalMode());
        await Host.Client.SignUpAsync("fuzzer");
    }

    private protected override bool LeftOut(RouteWalker.Route route) => route.Template == "/api/auth/signout";
}
