using System.Diagnostics;
using Smail.OllamaEmulator.Scripting;
using Smail.Tests.Infrastructure;

namespace Smail.Benchmarks;

/// <summary>
/// How long a stop takes to reach the model server, over each wire: from the moment the client sends
/// <c>POST …/stop</c> to the moment the emulator sees its request's connection close. The target is 200 ms.
/// One Smail process with two upstreams on the same emulator, so both wires are measured in the same run.
/// </summary>
internal static class StopBenchmark
{
    public const double TargetMs = 200;

    public sealed record Result(string Wire, int Stops, double P50, double P99, double Max);

    public static async Task<IReadOnlyList<Result>> RunAsync(OllamaEmulator.OllamaEmulator emulator, int stops)
    {
        await using var smail = await SmailProcess.StartAsync(emulator.BaseAddress, null,
            "--Upstreams:openai:Type", "openai", "--Upstreams:openai:BaseUrl", new Uri(emulator.BaseAddress, "v1").ToString());
        using var api = new SmailApi(smail.Address);
        var results = new List<Result>();
        foreach (var (wire, model) in new[] { ("ollama (NDJSON)", "ollama/llama3.2"), ("openai (SSE)", "openai/llama3.2") })
        {
            results.Add(Summarize(wire, stops, await MeasureTwiceAsync(emulator, api, api, model, stops)));
        }

        // Two instances on one Redis: the answer runs on the first, the stop is asked of the second, and travels by pub/sub.
        await using var redis = await RedisServer.StartAsync();
        await using var owner = await SmailProcess.StartAsync(emulator.BaseAddress, null, "--ConnectionStrings:Redis", redis.Configuration);
        await using var other = await SmailProcess.StartAsync(emulator.BaseAddress, null, "--ConnectionStrings:Redis", redis.Configuration);
        using var ownerApi = new SmailApi(owner.Address);
        using var otherApi = new SmailApi(other.Address);
        results.Add(Summarize("ollama, stop asked of another instance (Redis)", stops, await MeasureTwiceAsync(emulator, ownerApi, otherApi, "llama3.2", stops)));
        return results;
    }

    // A warm-up (JIT, connections), then the measured stops.
    private static async Task<List<double>> MeasureTwiceAsync(OllamaEmulator.OllamaEmulator emulator, SmailApi starts, SmailApi stops, string model, int count)
    {
        await MeasureAsync(emulator, starts, stops, model, 5);
        return await MeasureAsync(emulator, starts, stops, model, count);
    }

    private static Result Summarize(string wire, int stops, List<double> times)
    {
        var sorted = times.Order().ToArray();
        return new Result(wire, stops, sorted[sorted.Length / 2], sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(0.99 * sorted.Length) - 1)], sorted[^1]);
    }

    private static async Task<List<double>> MeasureAsync(OllamaEmulator.OllamaEmulator emulator, SmailApi api, SmailApi stopper, string model, int stops)
    {
        var times = new List<double>();
        for (var i = 0; i < stops; i++)
        {
            var before = emulator.Requests.Chats.Count;
            emulator.Scripts.Enqueue(ChatScript.Answer([.. Enumerable.Repeat(" tok", 2000)]).WithDelays(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)));
            var (generationId, eventsUrl) = await api.StartAnswerAsync(model);
            using var listening = new CancellationTokenSource();
            var first = new TaskCompletionSource();
            var reading = api.ListenAsync(eventsUrl, first, listening.Token);
            await first.Task;
            while (emulator.Requests.Chats.Count == before || emulator.Requests.Chats[^1].ChunkSentTimestamps.Count == 0)
            {
                await Task.Delay(5);
            }
            var chat = emulator.Requests.Chats[^1];
            var stopped = Stopwatch.GetTimestamp();
            await stopper.StopAsync(generationId);
            var disconnected = await chat.WhenDisconnected.WaitAsync(TimeSpan.FromSeconds(10));
            times.Add(Stopwatch.GetElapsedTime(stopped, disconnected).TotalMilliseconds);
            await reading.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        return times;
    }
}
