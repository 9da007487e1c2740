using System.Globalization;
using Smail.Benchmarks;
using Smail.Tests.Infrastructure;

// Streaming benchmarks: Smail as its own process, the Ollama emulator and the listeners in this one;
// then the page's rendering cost in headless Chromium.
// Usage: dotnet run -c Release --project benchmarks/Smail.Benchmarks [streaming|render]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

await using var emulator = await Smail.OllamaEmulator.OllamaEmulator.StartAsync();
await using var smail = await SmailProcess.StartAsync(emulator.BaseAddress);
using var api = new SmailApi(smail.Address);
var bench = new StreamingBenchmarks(emulator, smail, api);

Console.WriteLine($"Smail benchmarks ({configuration}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd})");
var only = args.FirstOrDefault();

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
