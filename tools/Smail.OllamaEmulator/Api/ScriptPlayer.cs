using System.Diagnostics;
using System.Text;
using Smail.OllamaEmulator.Scripting;
using Smail.OllamaEmulator.Wire;

namespace Smail.OllamaEmulator.Api;

/// <summary>
/// Plays one script to the response: the chunks at their pace, then a fault or the end with statistics. The
/// <see cref="IChatWire"/> frames them as the server being played would (Ollama, or OpenAI-compatible).
/// </summary>
internal sealed class ScriptPlayer(HttpContext context, IChatWire wire, ChatScript script, long startedTimestamp, RecordedRequest record)
{
    private static readonly TimeSpan s_beforeReset = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Answers one chat request with <paramref name="script"/>, on either wire: waits for the headers, answers a
    /// scripted status with <paramref name="writeStatus"/> (and <c>Retry-After</c> when the script has one), or
    /// plays the answer; records when the client leaves, unless the emulator itself cut the connection.
    /// </summary>
    public static async Task PlayAsync(HttpContext context, ChatScript script, RecordedRequest record, bool stream, IChatWire wire,
        Func<int, string, Task> writeStatus, Action? answering = null)
    {
        var ct = context.RequestAborted;
        var selfAborted = false;
        using var _ = ct.Register(() => { if (!selfAborted) record.MarkDisconnected(); });
        try
        {
            var started = Stopwatch.GetTimestamp();
            await Task.Delay(script.HeadersDelay, ct);
            if (script.Fault == ChatFault.Status)
            {
                if (script.RetryAfter is { } wait)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                await writeStatus(script.StatusCode, script.ErrorMessage ?? "error");
                return;
            }
            answering?.Invoke();
            var player = new ScriptPlayer(context, wire, script, started, record);
            selfAborted = stream ? await player.StreamAsync(ct) : await player.WriteWholeAsync(ct);
            record.MarkCompleted();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && !selfAborted)
        {
            // The client left. Usually the abort token says so and the registration above records when; but a write can
            // find the connection gone first (Kestrel's ConnectionResetException or ConnectionAbortedException) and end
            // this method, and with it the registration, before the token fires: record it here too (the first record
            // stands).
            record.MarkDisconnected();
        }
    }

    /// <summary>Streams the answer. Returns true when the emulator itself aborted the connection (a scripted reset).</summary>
    public async Task<bool> StreamAsync(CancellationToken ct)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = wire.ContentType;
        var evalStarted = Stopwatch.GetTimestamp();
        var written = 0;
        await WriteAsync(wire.Start(), ct);
        foreach (var chunk in script.Chunks)
        {
            if (written == script.FaultAfter && await TryFaultAsync(ct) is { } aborted)
            {
                return aborted;
            }
            if (written > 0)
            {
                await Task.Delay(script.ChunkDelay, ct);
            }
            if (written == script.HoldAfterChunks && script.Hold is { } hold)
            {
                await hold.WaitAsync(ct);
            }
            await WriteAsync(wire.Chunk(chunk.Content, chunk.Thinking), ct);
            record.MarkChunkSent();
            written++;
        }
        if (written <= script.FaultAfter && await TryFaultAsync(ct) is { } abortedAtEnd)
        {
            return abortedAtEnd;
        }
        await WriteAsync(wire.End(script.DoneReason, Metrics(evalStarted, written)), ct);
        return false;
    }

    /// <summary>Answers <c>"stream": false</c> with one JSON object holding the whole message.</summary>
    public async Task<bool> WriteWholeAsync(CancellationToken ct)
    {
        await Task.Delay(script.ChunkDelay * script.Chunks.Count, ct);
        var content = string.Concat(script.Chunks.Select(c => c.Content));
        var thinking = string.Concat(script.Chunks.Select(c => c.Thinking));
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(wire.Whole(content, thinking, script.DoneReason, Metrics(Stopwatch.GetTimestamp(), script.Chunks.Count)), ct);
        return false;
    }

    // Returns null when the script has no fault here, else whether the emulator aborted the socket itself.
    private async Task<bool?> TryFaultAsync(CancellationToken ct)
    {
        switch (script.Fault)
        {
            case ChatFault.ResetAfter:
                await context.Response.Body.FlushAsync(ct);
                // A reset discards what the client has not read yet; give the chunks time to be read,
                // as they would be when a real model server crashes mid-answer.
                await Task.Delay(s_beforeReset, ct);
                context.Abort();
                return true;
            case ChatFault.ErrorLineAfter:
                await WriteAsync(wire.ErrorInStream(script.ErrorMessage ?? "error"), ct);
                return false;
            case ChatFault.MalformedLineAfter:
                await WriteAsync(wire.Malformed(), ct);
                return false;
            case ChatFault.StallAfter:
                await context.Response.Body.FlushAsync(ct);
                await Task.Delay(Timeout.Infinite, ct);
                return false;
            default:
                return null;
        }
    }

    private ChatMetrics Metrics(long evalStarted, int evalCount)
    {
        var total = Stopwatch.GetElapsedTime(startedTimestamp);
        var eval = Stopwatch.GetElapsedTime(evalStarted);
        var load = script.HeadersDelay;
        return new ChatMetrics(
            Nanoseconds(total), Nanoseconds(load) / 2, script.PromptEvalCount, Nanoseconds(load) / 2, evalCount, Math.Max(1, Nanoseconds(eval)));
    }

    private static long Nanoseconds(TimeSpan span) => span.Ticks * 100;

    private async Task WriteAsync(string text, CancellationToken ct)
    {
        if (text.Length == 0)
        {
            return;
        }
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await context.Response.Body.FlushAsync(ct);
    }
}
