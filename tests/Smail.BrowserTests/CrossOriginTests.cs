using System.Net.Http.Json;
using System.Text.Json;
using Smail.Tests.Infrastructure;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>
/// Another site's page, open in the same browser as Smail, attacks it: a page on a second port of the same
/// machine stands for any site.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class CrossOriginTests(BrowserFixture browser) : PageTest(browser)
{
    [Fact]
    public async Task APageFromAnotherOrigin_CannotStopAnAnswer_CreateAConversation_OrReadAny()
    {
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 60).Select(i => $" w{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(25)));
        var session = await Host.CreateSessionAsync();
        var answer = await Host.SendAsync(session, "Count to sixty");
        var attacker = await NewPageAsync();
        // The emulator's port is another origin: the attacker's page runs there.
        await attacker.GotoAsync(new Uri(Host.Emulator.BaseAddress, "/api/version").ToString());

        var outcome = await attacker.EvaluateAsync<JsonElement>(
            """
            async ({ smail, generation }) => {
              // A "simple" request needs no preflight: only the server can refuse it.
              // Its answer is unreadable either way (and Cross-Origin-Resource-Policy turns it into an error).
              await fetch(`${smail}/api/generations/${generation}/stop`, { method: 'POST', mode: 'no-cors' }).catch(() => {});
              const create = await fetch(`${smail}/api/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
                .then((r) => `answered ${r.status}`, () => 'blocked');
              const read = await fetch(`${smail}/api/sessions`).then((r) => r.text(), () => 'blocked');
              return { create, read };
            }
            """,
            new { smail = Host.App.BaseAddress.ToString().TrimEnd('/'), generation = answer.GenerationId });
        var events = await Host.Events(answer.EventsUrl).ReadToEndAsync();

        Assert.Equal("blocked", outcome.GetProperty("create").GetString());
        Assert.Equal("blocked", outcome.GetProperty("read").GetString());
        Assert.Equal("stop", events.Last(e => e.Type == "done").Data.GetProperty("reason").GetString());
        Assert.Equal(60, events.Count(e => e.Type == "delta"));
        Assert.Single((await Host.Client.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("sessions").EnumerateArray());
    }
}
