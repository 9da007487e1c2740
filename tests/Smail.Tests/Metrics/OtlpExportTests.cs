using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Metrics;

/// <summary>OTLP export switches on by configuration alone: point Smail at a collector and traces and metrics arrive.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task SettingTheOtlpEndpoint_ExportsTracesAndMetrics()
    {
        var received = new ConcurrentQueue<string>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        collectorBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var collector = collectorBuilder.Build();
        collector.MapPost("/v1/{signal}", (string signal) =>
        {
            received.Enqueue(signal);
            return Results.Ok();
        });
        await collector.StartAsync();
        var endpoint = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var host = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        host.Emulator.Scripts.Enqueue(ChatScript.Answer("traced"));
        await host.Events((await host.SendAsync(await host.CreateSessionAsync(), "Hi")).EventsUrl).ReadToEndAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!(received.Contains("traces") && received.Contains("metrics")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Contains("traces", received);
        Assert.Contains("metrics", received);
    }
}
