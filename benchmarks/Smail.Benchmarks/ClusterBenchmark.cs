using Smail.Tests.Infrastructure;

namespace Smail.Benchmarks;

/// <summary>
/// The same many answers through nginx across three Smail instances on PostgreSQL and Redis, against one instance on
/// the JSON store, in the same run: what the cluster adds to latency, and the CPU each part spends per 1,000 chunks
/// (the three Smail processes, PostgreSQL with its backends, Redis, nginx). PostgreSQL runs with fsync on, as deployed.
/// </summary>
internal static class ClusterBenchmark
{
    public sealed record Costs(double Smail, double Postgres, double Redis, double Nginx);

    public static async Task<(ConcurrencyBenchmark.Result Single, ConcurrencyBenchmark.Result Cluster, Costs Costs)> RunAsync(
        OllamaEmulator.OllamaEmulator emulator, ConcurrencyBenchmark single, int answers)
    {
        await using var postgres = await PostgresServer.StartAsync(durable: true);
        await using var redis = await RedisServer.StartAsync();
        // Three pools of at most 90 stay under the server's 300 connections, with room for each instance's listener.
        var database = await postgres.CreateDatabaseAsync() + ";Maximum Pool Size=90";
        var instances = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => SmailProcess.StartAsync(emulator.BaseAddress, null,
            "--Storage:Provider", "postgres", "--ConnectionStrings:Postgres", database, "--ConnectionStrings:Redis", redis.Configuration,
            "--Smail:Instance", $"smail-{i}")));
        try
        {
            await using var nginx = await NginxProxy.StartAsync([.. instances.Select(i => i.Address)]);
            var cluster = new ConcurrencyBenchmark(emulator, nginx.Address, instances[0].Id, emulator.BaseAddress, 0);
            await cluster.SmailAsync(100); // warm-up: the JIT of all three, pools of connections
            var groups = new Dictionary<string, Func<IReadOnlyList<int>>>
            {
                ["smail"] = () => [.. instances.Select(i => i.Id)],
                ["postgres"] = () => ProcessStats.WithDescendants(postgres.ProcessId),
                ["redis"] = () => [redis.ProcessId],
                ["nginx"] = () => ProcessStats.WithDescendants(nginx.ProcessId),
            };
            var before = groups.ToDictionary(g => g.Key, g => ProcessStats.CpuTimes(g.Value()));
            var result = await cluster.SmailAsync(answers);
            var spent = groups.ToDictionary(g => g.Key, g =>
            {
                var after = ProcessStats.CpuTimes(g.Value());
                return after.Sum(p => (p.Value - before[g.Key].GetValueOrDefault(p.Key)).TotalMilliseconds);
            });
            var perThousandChunks = answers * ConcurrencyBenchmark.Tokens / 1000.0;
            var costs = new Costs(spent["smail"] / perThousandChunks, spent["postgres"] / perThousandChunks,
                spent["redis"] / perThousandChunks, spent["nginx"] / perThousandChunks);
            return (await single.SmailAsync(answers), result, costs);
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }
}
