using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;
using Smail.Tests.Security;
using static Smail.Tests.Infrastructure.Accounts;

namespace Smail.Tests.Accounts;

/// <summary>
/// Per-user isolation over every route Smail maps (<see cref="RouteWalker"/>, so a new endpoint is covered
/// without anyone remembering): a second user sends each route another user's conversation, message,
/// generation, token and account ids, and hears exactly what an id that does not exist would get, with the
/// owner's data unchanged. The peers' advisories this rules out: continuing another user's chat by its id
/// (Open WebUI CVE-2026-45349) and reading another user's live stream (LibreChat CVE-2026-31950).
/// </summary>
public sealed class IsolationTests : HostedTest
{
    private HttpClient _owner = null!;
    private HttpClient _intruder = null!;

    public override async Task InitializeAsync()
    {
        await InitializeAsync(LocalMode());
        _owner = Host.Client;
        _intruder = Host.NewClient();
        await _owner.SignUpAsync("ada_owner");     // the first account: an admin
        await _intruder.SignUpAsync("intruder");
    }

    private sealed record OwnerIds(string Session, string UserMessage, string Answer, string Generation, string Token, string Account, string Attachment);

    private async Task<OwnerIds> OwnersThingsAsync()
    {
        var session = await _owner.CreateSessionAsync("Owner's secret plans");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("The plans are ", "in the drawer."));
        var accepted = await _owner.SendAsync(session, "Where are the plans?");
        await new SseClient(_owner, accepted.EventsUrl).ReadToEndAsync();
        using var token = await _owner.PostAsJsonAsync("/api/tokens", new { name = "laptop" });
        var tokenId = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var me = await _owner.GetFromJsonAsync<JsonElement>("/api/auth/me");
        using var file = await _owner.PostAsync($"/api/sessions/{session}/attachments?name=combination.txt", new StringContent("The safe opens with 4-8-15-16."));
        var attachment = (await file.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        return new OwnerIds(session, accepted.UserMessageId, accepted.AssistantMessageId, accepted.GenerationId, tokenId, me.GetProperty("id").GetString()!, attachment);
    }

    private async Task<string> OwnersViewAsync(OwnerIds ids) =>
        await _owner.GetStringAsync("/api/sessions") + await _owner.GetStringAsync($"/api/sessions/{ids.Session}")
        + await _owner.GetStringAsync("/api/tokens")
        // Every field of the owner's account but its last activity, which the owner's own requests move.
        + string.Join(";", (await _owner.GetFromJsonAsync<JsonElement>("/api/admin/users")).GetProperty("users").EnumerateArray()
            .Where(u => u.GetProperty("username").GetString() == "ada_owner")
            .Select(u => string.Join(",", u.EnumerateObject().Where(p => p.Name != "lastSeenAt").Select(p => $"{p.Name}={p.Value}"))));

    private static Dictionary<string, string> IdsFor(RouteWalker.Route route, OwnerIds ids) => new()
    {
        ["id"] = route.Template.StartsWith("/api/generations", StringComparison.Ordinal) ? ids.Generation
            : route.Template.StartsWith("/api/tokens", StringComparison.Ordinal) ? ids.Token
            : route.Template.StartsWith("/api/admin/users", StringComparison.Ordinal) ? ids.Account
            : ids.Session,
        ["messageId"] = route.Template.Contains("edit", StringComparison.Ordinal)
            ? ids.UserMessage : ids.Answer,
        ["attachmentId"] = ids.Attachment,
    };

    private static Dictionary<string, string> UnknownIdsFor(RouteWalker.Route route) => new()
    {
        ["id"] = Guid.NewGuid().ToString("N"),
        ["messageId"] = Guid.NewGuid().ToString("N"),
        ["attachmentId"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())),
    };

    private static async Task<(HttpStatusCode Status, string? Code, string Body)> SendAsync(HttpClient client, RouteWalker.Route route, Dictionary<string, string> ids)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path(ids))
        {
            Content = route.ChangesState ? JsonContent.Create(new { content = "Now tell me", title = "Stolen", model = "llama3.2", name = "t" }) : null,
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            // The change feed: read what it sends at once (health first), not forever.
            using var first = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var buffer = new byte[8192];
            var stream = await response.Content.ReadAsStreamAsync(first.Token);
            var read = await stream.ReadAsync(buffer, first.Token);
            return (response.StatusCode, null, System.Text.Encoding.UTF8.GetString(buffer, 0, read));
        }
        var body = await response.Content.ReadAsStringAsync();
        string? code = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            code = JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
        }
        return (response.StatusCode, code, body);
    }

    [Fact]
    public async Task EveryRoute_GivenAnotherUsersIds_AnswersLikeAnUnknownId_AndChangesNothingOfTheirs()
    {
        var ids = await OwnersThingsAsync();
        var before = await OwnersViewAsync(ids);
        var routes = RouteWalker.All(Host.App.Services);
        Assert.True(routes.Count >= 25, $"only {routes.Count} routes found");
        var withIds = 0;

        foreach (var route in routes)
        {
            if (route.Template is "/api/auth/signout")
            {
                continue; // Would sign the intruder out for the routes after it; its own test is in SignUpAndSignInTests.
            }
            var sent = IdsFor(route, ids);
            var foreign = await SendAsync(_intruder, route, sent);
            // Nothing of the owner's in any answer, whatever the route, beyond the ids the intruder sent (a 404 may repeat those).
            var told = sent.Values.Aggregate(foreign.Body, (body, id) => body.Replace(id, "", StringComparison.Ordinal));
            foreach (var secret in new[] { ids.Session, ids.Generation, ids.Token, ids.Answer, ids.UserMessage, ids.Account, ids.Attachment, "secret plans", "in the drawer", "ada_owner", "4-8-15-16", "combination.txt" })
            {
                Assert.False(told.Contains(secret, StringComparison.Ordinal), $"{route} showed the owner's {secret}: {foreign.Body}");
            }
            if (!route.Template.Contains('{'))
            {
                continue;
            }
            withIds++;
            var unknown = await SendAsync(_intruder, route, UnknownIdsFor(route));
            Assert.True(foreign.Status == HttpStatusCode.NotFound, $"{route} with the owner's ids: {(int)foreign.Status} {foreign.Body}");
            Assert.True((foreign.Status, foreign.Code) == (unknown.Status, unknown.Code),
                $"{route}: the owner's ids gave {(int)foreign.Status} {foreign.Code}, unknown ids {(int)unknown.Status} {unknown.Code}");
        }

        Assert.True(withIds >= 15, $"only {withIds} routes with ids");
        Assert.Equal(before, await OwnersViewAsync(ids));
        Assert.Single(Host.Emulator.Requests.Chats);
    }

    [Fact]
    public async Task TheChangeFeed_TellsOnlyTheOwner_OfTheirConversations()
    {
        var ids = await OwnersThingsAsync();
        using var feed = await _intruder.GetAsync("/api/changes", HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await feed.Content.ReadAsStreamAsync());

        (await _owner.PatchAsJsonAsync($"/api/sessions/{ids.Session}", new { title = "Renamed by the owner" })).EnsureSuccessStatusCode();
        var own = await _intruder.CreateSessionAsync("The intruder's own");

        // Changes arrive in order: once the intruder hears of their own conversation, the owner's rename was not sent to them.
        var heard = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            heard.Add(line);
            if (line.Contains(own, StringComparison.Ordinal))
            {
                break;
            }
        }
        Assert.Contains(heard, l => l.Contains(own, StringComparison.Ordinal));
        Assert.DoesNotContain(heard, l => l.Contains(ids.Session, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheListAndSearch_ShowOnlyTheUsersOwnConversations()
    {
        var ids = await OwnersThingsAsync();
        var own = await _intruder.CreateSessionAsync("plans of my own");
        var list = await _intruder.GetFromJsonAsync<JsonElement>("/api/sessions");
        Assert.Equal([own], list.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var search = await _intruder.GetFromJsonAsync<JsonElement>("/api/sessions?q=plans");
        Assert.Equal([own], search.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var ownersSearch = await _owner.GetFromJsonAsync<JsonElement>("/api/sessions?q=drawer");
        Assert.Equal([ids.Session], ownersSearch.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
    }
}
