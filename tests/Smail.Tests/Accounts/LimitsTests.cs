using System.Net;
using System.Net.Http.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;
using static Smail.Tests.Infrastructure.Accounts;

namespace Smail.Tests.Accounts;

/// <summary>Sign-in throttling and per-user limits: 429 <c>rate_limited</c> with <c>Retry-After</c>, and nobody else affected.</summary>
public sealed class LimitsTests : HostedTest
{
    public override Task InitializeAsync() => InitializeAsync(LocalMode(more: new Dictionary<string, string?>
    {
        ["Limits:MessagesPerMinute"] = "3",
        ["Limits:ConcurrentGenerations"] = "1",
    }));

    [Fact]
    public async Task TenFailedSignIns_Throttle_ThatAccount_EvenWithTheRightPassword_AndNoOtherAccount()
    {
        await Host.Client.SignUpAsync("ada");
        using var other = Host.NewClient();
        await other.SignUpAsync("grace");
        using var guesser = Host.NewClient();
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await guesser.SignInAsync("ada", $"guess number {i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var throttled = await guesser.SignInAsync("ADA");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("rate_limited", await CodeOf(throttled));
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        using var graceSignsIn = await Host.NewClient().SignInAsync("grace");
        Assert.Equal(HttpStatusCode.OK, graceSignsIn.StatusCode);
        // The throttled person's existing sign-in is not touched.
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.GetAsync("/api/sessions")).StatusCode);
    }

    [Fact]
    public async Task MessagesPerMinute_AreLimitedPerUser()
    {
        await Host.Client.SignUpAsync("ada");
        using var grace = Host.NewClient();
        await grace.SignUpAsync("grace");
        var session = await Host.Client.CreateSessionAsync();
        for (var i = 0; i < 3; i++)
        {
            Host.Emulator.Scripts.Enqueue(ChatScript.Answer("ok"));
            var accepted = await Host.Client.SendAsync(session, $"message {i}");
            await new SseClient(Host.Client, accepted.EventsUrl).ReadToEndAsync();
        }
        using var fourth = await Host.Client.PostAsJsonAsync($"/api/sessions/{session}/messages", new { content = "one more" });
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal("rate_limited", await CodeOf(fourth));
        Assert.True(fourth.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");

        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("ok"));
        await grace.SendAsync(await grace.CreateSessionAsync(), "my first");
    }

    [Fact]
    public async Task ConcurrentGenerations_AreLimitedPerUser()
    {
        await Host.Client.SignUpAsync("ada");
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("slow").WithDelays(TimeSpan.Zero, TimeSpan.Zero).StallAfter(1));
        var first = await Host.Client.CreateSessionAsync();
        var running = await Host.Client.SendAsync(first, "a long one");
        var second = await Host.Client.CreateSessionAsync();
        using var refused = await Host.Client.PostAsJsonAsync($"/api/sessions/{second}/messages", new { content = "meanwhile" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("rate_limited", await CodeOf(refused));
        Assert.NotNull(refused.Headers.RetryAfter);
        // Nothing was stored for the refused message.
        Assert.Equal(0, (await Host.GetSessionAsync(second)).GetProperty("messages").GetArrayLength());

        (await Host.Client.PostAsync($"/api/generations/{running.GenerationId}/stop", null)).EnsureSuccessStatusCode();
        await new SseClient(Host.Client, running.EventsUrl).ReadToEndAsync();
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("now"));
        await Host.Client.SendAsync(second, "now it may");
    }
}
