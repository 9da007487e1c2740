using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Metrics;

public sealed class TelemetryEndpointTests : HostedTest
{
    [Theory]
    [InlineData("""{"events":[{"name":"unknown"}]}""")]
    [InlineData("""{"events":[{"name":"render_time","value":-1}]}""")]
    [InlineData("""{"events":[{"name":"time_to_first_text"}]}""")]
    [InlineData("""{"events":[{"name":"feature","feature":"session_42"}]}""")]
    [InlineData("""{"events":[]}""")]
    public async Task BadReports_Are400_AndCountNothing(string body)
    {
        using var response = await Host.Client.PostAsync("/api/telemetry", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_telemetry", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ABatchWithOneBadEvent_RecordsTheGoodOnes_AndSaysWhichWasRejected()
    {
        var body = """{"events":[{"name":"reconnect"},{"name":"feature","feature":"bogus"},{"name":"render_time","value":0.2}]}""";
        using var response = await Host.Client.PostAsync("/api/telemetry", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(receipt.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Contains("bogus", rejected.GetProperty("problem").GetString(), StringComparison.Ordinal);
        var metrics = await Host.Client.GetStringAsync("/metrics");
        Assert.Contains("smail_browser_reconnects", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyReportsFromOneAddress_AreRateLimited()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 32; i++)
        {
            using var response = await Host.Client.PostAsJsonAsync("/api/telemetry", new { events = new[] { new { name = "reconnect" } } });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        using var limited = await Host.Client.PostAsJsonAsync("/api/telemetry", new { events = new[] { new { name = "reconnect" } } });
        Assert.Equal("rate_limited", (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task LogLinesOfAnAnswer_CarryItsGenerationAndConversationIds()
    {
        Host.Emulator.Scripts.Enqueue(OllamaEmulator.Scripting.ChatScript.Status(404, "model 'llama3.2' not found"));
        var session = await Host.CreateSessionAsync();
        var accepted = await Host.SendAsync(session, "Hi");
        await Host.Events(accepted.EventsUrl).ReadToEndAsync();

        var line = Assert.Single(Host.App.Logs.All, l => l.Message.Contains("model_not_found", StringComparison.Ordinal));

        Assert.Equal(accepted.GenerationId, line.Scope["GenerationId"]);
        Assert.Equal(session, line.Scope["SessionId"]);
    }

    [Fact]
    public async Task AMissingModel_IsOneWarningLine_WithoutAStackTrace_EvenAtInformationLevel()
    {
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" });
        host.Emulator.Scripts.Enqueue(OllamaEmulator.Scripting.ChatScript.Status(404, "model 'llama3.2' not found"));
        var accepted = await host.SendAsync(await host.CreateSessionAsync(), "Hi");
        await host.Events(accepted.EventsUrl).ReadToEndAsync();

        var about = host.App.Logs.All.Where(l => l.Message.Contains("not found", StringComparison.Ordinal)).ToList();

        var line = Assert.Single(about);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Null(line.Exception);
        Assert.DoesNotContain(host.App.Logs.All, l => l.Exception is not null);
    }

    [Fact]
    public async Task TheHistory_CountsThisAppsAnswers()
    {
        Host.Emulator.Scripts.Enqueue(OllamaEmulator.Scripting.ChatScript.Answer("one"));
        await Host.Events((await Host.SendAsync(await Host.CreateSessionAsync(), "Hi")).EventsUrl).ReadToEndAsync();

        var history = await Host.Client.GetFromJsonAsync<JsonElement>("/api/metrics/history");

        Assert.Equal(1, history.GetProperty("totals").GetProperty("generations").GetInt32());
        Assert.Equal(1, history.GetProperty("totals").GetProperty("messagesSent").GetInt32());
        Assert.Equal(1, history.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("generations").GetInt32()));
    }
}
