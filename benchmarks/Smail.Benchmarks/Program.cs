using System.Globalization;
using Smail.Benchmarks;
using Smail.Tests.Infrastructure;

// Streaming benchmarks: Smail as its own process, the Ollama emulator and the listeners in this one;
// then the page's rendering cost in headless Chromium.
// Usage: dotnet run -c Release --project benchmarks/Smail.Benchmarks [history|journal|stop|concurrency|render]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

await using var emulator = await Smail.OllamaEmulator.OllamaEmulator.StartAsync();
await using var smail = await SmailProcess.StartAsync(emulator.BaseAddress);
using var api = new SmailApi(smail.Address);
var bench = new StreamingBenchmarks(emulator, smail, api);

Console.WriteLine($"Smail benchmarks ({configuration}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}); Smail is process {smail.Id}, for dotnet-trace -p");
var only = args.FirstOrDefault();

if (only is null or "history")
{
    Console.WriteLine();
    Console.WriteLine("Big histories: Smail started on a store written to disk beforehand (start = process start → /api/health answers)");
    Console.WriteLine("| conversations | messages each | store size | start | GET /api/sessions p50 / max | RSS after |");
    Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var (count, each) in new[] { (0, 0), (10_000, 50) }.Where(_ => Environment.GetEnvironmentVariable("SMAIL_BENCH_ARGS") is null))
    {
        var r = await HistoryBenchmark.StartOnStoreAsync(emulator.BaseAddress, count, each);
        Console.WriteLine($"| {r.Conversations:N0} | {r.MessagesEach} | {r.StoreBytes / 1024.0 / 1024.0:0} MB | {r.StartTime.TotalSeconds:0.00} s | " +
            $"{r.ListP50Ms:0.0} / {r.ListMaxMs:0.0} ms | {r.RssBytes / 1024.0 / 1024.0:0} MB |");
    }
    Console.WriteLine();
    Console.WriteLine("One answer (1,000 tokens, 5 ms apart) in a conversation of N messages");
    Console.WriteLine("| messages before | delivery p50 / p99 ms | Smail CPU per chunk |");
    Console.WriteLine("| ---: | ---: | ---: |");
    foreach (var messages in new[] { 0, 2000, 0, 2000 })
    {
        var (p50, p99, cpu) = await HistoryBenchmark.AnswerInConversationAsync(emulator, messages);
        Console.WriteLine($"| {messages:N0} | {p50:0.00} / {p99:0.00} | {cpu:0} µs |");
    }
}
if (only is "history")
{
    return;
}

if (only is null or "journal")
{
    var (kills, withLoss, window, lost) = await JournalLossBenchmark.RunAsync(emulator, 20);
    Console.WriteLine();
    Console.WriteLine("kill -9 mid-answer (tokens every 5 ms, killed after a random 50–400 received), restart, compare");
    Console.WriteLine("| kills | kills that lost text a listener had | largest loss window | most chunks lost |");
    Console.WriteLine("| ---: | ---: | ---: | ---: |");
    Console.WriteLine($"| {kills} | {withLoss} | {window:0.0} ms | {lost} |");
}
if (only is "journal")
{
    return;
}

if (only is null or "stop")
{
    Console.WriteLine();
    Console.WriteLine($"Stop: POST …/stop sent → the emulator sees the upstream request's connection close (target {StopBenchmark.TargetMs:0} ms)");
    Console.WriteLine("| wire | stops | p50 ms | p99 ms | max ms | within target |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | --- |");
    foreach (var r in await StopBenchmark.RunAsync(emulator, 50))
    {
        Console.WriteLine($"| {r.Wire} | {r.Stops} | {r.P50:0.0} | {r.P99:0.0} | {r.Max:0.0} | {(r.Max <= StopBenchmark.TargetMs ? "yes" : "no")} |");
    }
}
if (only is "stop")
{
    return;
}

if (only is null or "cluster")
{
    await using var relay = await RelayProcess.StartAsync(emulator.BaseAddress, SmailProcess.RepoRoot());
    var single = new ConcurrencyBenchmark(emulator, smail.Address, smail.Id, relay.Address, relay.Id);
    await single.SmailAsync(100); // warm-up
    var answers = args.Skip(1).Select(int.Parse).DefaultIfEmpty(1000).First();
    var (one, three, costs) = await ClusterBenchmark.RunAsync(emulator, single, answers);
    Console.WriteLine();
    Console.WriteLine($"{answers:N0} concurrent answers ({ConcurrencyBenchmark.Tokens} tokens at 20 tokens/s): one Smail on the JSON store, and nginx → three Smail on PostgreSQL (fsync on) and Redis");
    Console.WriteLine("| path | exact | TTFT p50 / p99 ms | chunk p50 / p99 / max ms | CPU ms per 1,000 chunks |");
    Console.WriteLine("| --- | ---: | --- | --- | --- |");
    Console.WriteLine($"| one instance, JSON | {one.Exact}/{one.Answers} | {one.Ttft.P50:0.0} / {one.Ttft.P99:0.0} | {one.Chunk.P50:0.00} / {one.Chunk.P99:0.00} / {one.Chunk.Max:0.0} | Smail {one.CpuMsPer1000Chunks:0.0} |");
    Console.WriteLine($"| three instances | {three.Exact}/{three.Answers} | {three.Ttft.P50:0.0} / {three.Ttft.P99:0.0} | {three.Chunk.P50:0.00} / {three.Chunk.P99:0.00} / {three.Chunk.Max:0.0} | " +
        $"Smail (3) {costs.Smail:0.0}, PostgreSQL {costs.Postgres:0.0}, Redis {costs.Redis:0.0}, nginx {costs.Nginx:0.0} |");
    Console.WriteLine($"Added by the cluster: chunk p50 {three.Chunk.P50 - one.Chunk.P50:+0.00;-0.00} ms, p99 {three.Chunk.P99 - one.Chunk.P99:+0.00;-0.00} ms, " +
        $"TTFT p50 {three.Ttft.P50 - one.Ttft.P50:+0.0;-0.0} ms; CPU per 1,000 chunks {costs.Smail + costs.Postgres + costs.Redis + costs.Nginx - one.CpuMsPer1000Chunks:+0.0;-0.0} ms");
}
if (only is "cluster")
{
    return;
}

if (only is null or "concurrency")
{
    await using var relay = await RelayProcess.StartAsync(emulator.BaseAddress, SmailProcess.RepoRoot());
    var concurrency = new ConcurrencyBenchmark(emulator, smail.Address, smail.Id, relay.Address, relay.Id);
    // Warm-up, the same for all three paths: the emulator's cold model load, connection pools, and the JIT.
    // 100 answers, because .NET optimizes a method after 30 calls: with 20, the start burst of the first
    // measured run was compiled code still being recompiled, which a server that has been up a while is not.
    await concurrency.DirectAsync(100);
    await concurrency.SmailAsync(100);
    await concurrency.RelayAsync(100);
    var sizes = args.Skip(1).Select(int.Parse).DefaultIfEmpty().Where(n => n > 0).ToArray();
    Console.WriteLine();
    Console.WriteLine($"Concurrent answers, all started within 1 s, {ConcurrencyBenchmark.Tokens} tokens each at 20 tokens/s");
    Console.WriteLine("added = path minus direct, at the same percentile; CPU and RSS are the relaying process's own");
    Console.WriteLine("| answers | path | exact | TTFT p50 / p99 ms | chunk p50 / p99 / max ms | added chunk p50 / p99 / max ms | after the burst: added p50 / p99 ms | added TTFT p50 ms | CPU ms per 1,000 chunks | peak RSS |");
    Console.WriteLine("| ---: | --- | ---: | --- | --- | --- | --- | ---: | ---: | ---: |");
    foreach (var answers in sizes.Length > 0 ? sizes : [200, 1000, 5000])
    {
        var direct = await concurrency.DirectAsync(answers);
        var results = new List<ConcurrencyBenchmark.Result> { direct, await concurrency.SmailAsync(answers) };
        if (answers <= 1000)
        {
            results.Add(await concurrency.RelayAsync(answers));
        }
        foreach (var r in results)
        {
            var isDirect = ReferenceEquals(r, direct);
            Console.WriteLine($"| {r.Answers:N0} | {r.Name} | {r.Exact}/{r.Answers} | {r.Ttft.P50:0.0} / {r.Ttft.P99:0.0} | " +
                $"{r.Chunk.P50:0.00} / {r.Chunk.P99:0.00} / {r.Chunk.Max:0.0} | " +
                (isDirect ? $"— | ({r.SteadyChunk.P50:0.00} / {r.SteadyChunk.P99:0.00}) | — | — | — |" : $"{r.Chunk.P50 - direct.Chunk.P50:0.00} / {r.Chunk.P99 - direct.Chunk.P99:0.00} / {r.Chunk.Max - direct.Chunk.Max:0.0} | " +
                $"{r.SteadyChunk.P50 - direct.SteadyChunk.P50:0.00} / {r.SteadyChunk.P99 - direct.SteadyChunk.P99:0.00} | " +
                $"{r.Ttft.P50 - direct.Ttft.P50:0.0} | {r.CpuMsPer1000Chunks:0.0} | {r.PeakRssBytes / 1024.0 / 1024.0:0} MB |"));
        }
    }
}
if (only is "concurrency")
{
    return;
}

if (only is null or "render")
{
    var render = await RenderBenchmark.RunAsync(smail.Address);
    Console.WriteLine();
    Console.WriteLine($"Rendering a {render.Tokens:N0}-token markdown answer, main-thread time per chunk (MessageView.appendContent + layout)");
    Console.WriteLine("| tokens | median ms | p99 ms |");
    Console.WriteLine("| --- | ---: | ---: |");
    Console.WriteLine($"| first 1,000 | {render.FirstMedian:0.000} | {render.FirstP99:0.000} |");
    Console.WriteLine($"| last 1,000 | {render.LastMedian:0.000} | {render.LastP99:0.000} |");
    Console.WriteLine($"Last/first: median {render.LastMedian / render.FirstMedian:0.00}×, p99 {render.LastP99 / render.FirstP99:0.00}× (target: within 2×)");
}
if (only is "render")
{
    return;
}

await bench.DeliveryLatencyAsync(1, 200); // warm-up: JIT, connection pools, the model "load"

Console.WriteLine();
Console.WriteLine("Delivery latency, emulator flush → listener #1 receives (1000 tokens, 5 ms apart)");
Console.WriteLine("| listeners | p50 ms | p99 ms | max ms |");
Console.WriteLine("| ---: | ---: | ---: | ---: |");
foreach (var listeners in new[] { 1, 2, 10, 100 })
{
    var (p50, p99, max) = await bench.DeliveryLatencyAsync(listeners);
    Console.WriteLine($"| {listeners} | {p50:0.00} | {p99:0.00} | {max:0.00} |");
}

Console.WriteLine();
Console.WriteLine("Resident memory per attached listener (each receiving a live answer)");
Console.WriteLine("| listeners | Smail RSS before | per listener |");
Console.WriteLine("| ---: | ---: | ---: |");
foreach (var listeners in new[] { 100, 1000 })
{
    var (baseline, perListener) = await bench.MemoryPerListenerAsync(listeners);
    Console.WriteLine($"| {listeners} | {baseline / 1024.0 / 1024.0:0.0} MB | {perListener / 1024.0:0.0} KB |");
}

Console.WriteLine();
Console.WriteLine("A reader that never reads, beside a healthy one (50,000 tokens as fast as the emulator sends)");
Console.WriteLine("| stuck reader | healthy listener's time to read everything |");
Console.WriteLine("| --- | ---: |");
foreach (var stuck in new[] { false, true, false, true })
{
    var elapsed = await bench.FastAnswerAsync(50_000, stuck);
    Console.WriteLine($"| {(stuck ? "yes" : "no")} | {elapsed.TotalMilliseconds:0} ms |");
}

