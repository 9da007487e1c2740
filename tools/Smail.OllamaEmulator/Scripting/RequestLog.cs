using System.Collections.Concurrent;

namespace Smail.OllamaEmulator.Scripting;

/// <summary>Every request the emulator received, in arrival order.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> All => [.. _requests];

    /// <summary>The chat requests, on either wire: Ollama's /api/chat or the OpenAI-compatible /v1/chat/completions.</summary>
    public IReadOnlyList<RecordedRequest> Chats => [.. _requests.Where(r => r.Path is "/api/chat" or "/v1/chat/completions")];

    internal RecordedRequest Add(string path, string body)
    {
        var request = new RecordedRequest(path, body);
        _requests.Enqueue(request);
        return request;
    }

    /// <summary>Waits until the emulator has received <paramref name="count"/> chat requests.</summary>
    public async Task<RecordedRequest> WaitForChatAsync(int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var chats = Chats;
            if (chats.Count >= count)
            {
                return chats[count - 1];
            }
            await Task.Delay(10);
        }
        throw new TimeoutException($"The emulator did not receive chat request #{count}.");
    }
}
