using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;

namespace Smail.Tests.Infrastructure;

/// <summary>An open change feed (/api/changes), read by a real SSE parser into a queue the test takes changes from.</summary>
public sealed class ChangeFeedReader : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<(string Type, JsonElement Data)> _changes = Channel.CreateUnbounded<(string, JsonElement)>();
    private readonly Task _reading;

    public ChangeFeedReader(HttpClient client)
    {
        _reading = Task.Run(async () =>
        {
            using var response = await client.GetAsync("/api/changes", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(_stop.Token);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(_stop.Token))
            {
                await _changes.Writer.WriteAsync((item.EventType, JsonDocument.Parse(item.Data).RootElement.Clone()), _stop.Token);
            }
        });
    }

    /// <summary>The next change of <paramref name="type"/> (others are skipped), within a generous bound.</summary>
    public Task<JsonElement> NextAsync(string type) => NextAsync(type, _ => true);

    /// <summary>The next change of <paramref name="type"/> that <paramref name="matches"/> (others are skipped), within a generous bound.</summary>
    public async Task<JsonElement> NextAsync(string type, Func<JsonElement, bool> matches)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var (found, data) = await _changes.Reader.ReadAsync(timeout.Token);
            if (found == type && matches(data))
            {
                return data;
            }
        }
    }

    /// <summary>The next change to conversation <paramref name="id"/>, passing over any of the kinds in <paramref name="skipping"/>.</summary>
    public async Task<string> NextSessionChangeAsync(string id, params string[] skipping)
    {
        while (true)
        {
            var change = await NextAsync("session");
            if (change.GetProperty("id").GetString() == id && change.GetProperty("change").GetString() is { } kind && !skipping.Contains(kind))
            {
                return kind;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
