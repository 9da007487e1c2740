using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Streaming;

/// <summary>Keep-alives while quiet, replay for a while after the end, then a clear 410, and a clean shutdown.</summary>
public sealed class GenerationLifetimeTests
{
    [Fact]
    public async Task AQuietStream_CarriesKeepAliveComments()
    {
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Generations:KeepAliveInterval"] = "00:00:00.200" });
        host.Emulator.Scripts.Enqueue(ChatScript.Answer("a", "b").WithDelays(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(700)));
        var accepted = await host.SendAsync(await host.CreateSessionAsync(), "Go");

        var body = await host.Client.GetStringAsync(accepted.EventsUrl);

        Assert.True(body.Split(": keep-alive\n\n").Length - 1 >= 4, body);
        Assert.EndsWith("\n\n", body, StringComparison.Ordinal);
        Assert.Contains("event: done", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterTheRetention_EventsAre410Gone_PointingAtTheStoredAnswer()
    {
        // Long enough that a loaded machine still replays right after the end (1 s was not, with three suites running).
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Generations:ReplayRetention"] = "00:00:03" });
        host.Emulator.Scripts.Enqueue(ChatScript.Answer("kept"));
        var session = await host.CreateSessionAsync();
        var accepted = await host.SendAsync(session, "Go");
        await host.Events(accepted.EventsUrl).ReadToEndAsync();
        var replayable = await host.Client.GetAsync(accepted.EventsUrl);

        var gone = await host.Client.GetAsync(accepted.EventsUrl);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (gone.StatusCode == HttpStatusCode.OK)
        {
            // The state this waits for is the retention's end, which only time brings; the loop checks for it.
            gone.Dispose();
            await Task.Delay(100, deadline.Token);
            gone = await host.Client.GetAsync(accepted.EventsUrl);
        }

        Assert.Equal(HttpStatusCode.OK, replayable.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        var problem = await gone.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("generation_expired", problem.GetProperty("code").GetString());
        Assert.Equal(session, problem.GetProperty("sessionId").GetString());
        Assert.Equal(accepted.AssistantMessageId, problem.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task Stop_AtAnyMomentFromStartToPastExpiry_Is202Or410_NeverAnError()
    {
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Generations:ReplayRetention"] = "00:00:01" });
        host.Emulator.Scripts.Enqueue(ChatScript.Answer("a", "b", "c").WithDelays(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(50)));
        var accepted = await host.SendAsync(await host.CreateSessionAsync(), "Go");
        var statuses = new List<HttpStatusCode>();

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (statuses.LastOrDefault() != HttpStatusCode.Gone)
        {
            // Back to back, so stops land before the first token, mid-answer, after the end and across the expiry.
            using var stop = await host.Client.PostAsync($"/api/generations/{accepted.GenerationId}/stop", null, deadline.Token);
            statuses.Add(stop.StatusCode);
        }

        Assert.All(statuses, status => Assert.Contains(status, new[] { HttpStatusCode.Accepted, HttpStatusCode.Gone }));
        Assert.Contains(HttpStatusCode.Accepted, statuses);
    }

    [Fact]
    public async Task Shutdown_StoresThePartialAnswerAsInterrupted_AndEndsEveryStreamWithAFinalEvent()
    {
        var host = await TestHost.StartAsync();
        host.Emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Range(0, 500).Select(i => $" s{i}")])
            .WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        var session = await host.CreateSessionAsync();
        var accepted = await host.SendAsync(session, "Go");
        var listener = host.Events(accepted.EventsUrl).ReadToEndAsync();
        await (await host.Emulator.Requests.WaitForChatAsync()).WhenChunksSent(10);
        var storePath = host.App.StorePath;
        var file = Path.Combine(storePath, session + ".json");
        var keepStore = Path.Combine(Path.GetTempPath(), "smail-shutdown-" + Guid.NewGuid().ToString("N") + ".json");

        await host.App.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().StopApplicationAsync(file, keepStore);
        var events = await listener;
        await host.DisposeAsync();

        Assert.Equal("error", events[^1].Type);
        Assert.Equal("server_shutdown", events[^1].Data.GetProperty("code").GetString());
        using var stored = JsonDocument.Parse(await File.ReadAllTextAsync(keepStore));
        var answer = stored.RootElement.GetProperty("messages")[1];
        Assert.Equal("interrupted", answer.GetProperty("status").GetString());
        Assert.Equal(events.AnswerText(), answer.GetProperty("content").GetString());
        File.Delete(keepStore);
    }
}

internal static class LifetimeExtensions
{
    /// <summary>Stops the app as SIGTERM would, then keeps a copy of one stored file before the test host deletes its folder.</summary>
    public static async Task StopApplicationAsync(this Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime, string file, string copyTo)
    {
        var stopped = new TaskCompletionSource();
        lifetime.ApplicationStopped.Register(() => stopped.TrySetResult());
        lifetime.StopApplication();
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        File.Copy(file, copyTo);
    }
}
