using System.Text.Json;
using Microsoft.Extensions.Options;
using Smail.Generations;
using Smail.Sessions;

namespace Smail.Journal;

/// <summary>
/// At start-up, before the server takes requests: puts back into the conversations whatever the journal holds that
/// they do not (messages sent, answers written up to the crash), then forgets those lines. An answer that was still
/// being written is stored as interrupted, so Continue can pick it up. Applying a journal twice gives the same
/// conversations, so a crash during replay is harmless. In a shared journal (PostgreSQL), an answer that Redis says
/// is running is another instance's, alive or being taken over: its lines are left alone.
/// </summary>
internal sealed partial class JournalReplay(
    ISessionStore store, IJournalLines lines, TimeProvider time, ILogger<JournalReplay> logger, Redis.GenerationStreams? streams = null) : IHostedService
{
    private const string InterruptedMessage =
        "Smail stopped while writing this answer (a crash or a restart). What was saved is kept; Continue picks up from here.";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var entries = await lines.ReadAsync(cancellationToken);
        var saved = entries.Where(e => e.Type == JournalEntry.Saved).Select(e => e.Id).ToHashSet();
        var replayed = new List<string>();
        try
        {
            var running = OthersMayRun(out var cluster) ? await cluster.RunningAsync() : new HashSet<string>();
            foreach (var group in entries.Where(e => !saved.Contains(e.Id) && !running.Contains(e.Id)).GroupBy(e => e.Id))
            {
                await ApplyAsync([.. group], cancellationToken);
                replayed.Add(group.Key);
            }
            await MarkStillStreamingAsInterruptedAsync(cancellationToken);
            await lines.ForgetAsync(lines.Shared ? [.. replayed, .. saved] : null, cancellationToken);
        }
        catch (Exception ex) when (ex is StorageException || Redis.RedisFailure.Is(ex))
        {
            // The journal stays, and the next start tries again: the server still serves what it has.
            LogReplayFailed(ex);
            return;
        }
        if (replayed.Count > 0)
        {
            LogReplayed(entries.Count, replayed.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ApplyAsync(IReadOnlyList<JournalEntry> entries, CancellationToken ct)
    {
        if (entries.FirstOrDefault(e => e.Type == JournalEntry.Begin) is not { Session: { } sessionId, Message: { } messageId } begin)
        {
            return;
        }
        // After a restart, only the text written since counts, and the continued answer's seed is gone too.
        var restart = entries.LastOrDefault(e => e.Type == JournalEntry.Restart);
        var written = restart is null ? entries : entries.SkipWhile(e => !ReferenceEquals(e, restart)).ToList();
        var content = string.Concat(written.Where(e => e.Type == JournalEntry.Text).Select(e => e.Content));
        var thinking = string.Concat(written.Where(e => e.Type == JournalEntry.Text).Select(e => e.Thinking));
        var finish = entries.FirstOrDefault(e => e.Type == JournalEntry.Finish);
        await store.UpdateAsync(sessionId, session =>
        {
            session = begin.Turn?.ApplyTo(session) ?? session;
            if (session.FindMessage(messageId) is not { } stored
                || (begin.Kind == GenerationKind.Regenerate && begin.Turn is null && content.Length == 0 && thinking.Length == 0))
            {
                // A regeneration from before branching (it wrote over the answer) that wrote nothing leaves that answer.
                return session;
            }
            if (begin.Kind == GenerationKind.Continue && restart is null)
            {
                content = Prefix(stored.Content, begin.SeedLength) + content;
                thinking = Prefix(stored.Thinking, begin.SeedThinkingLength) + thinking;
            }
            if (finish is null && stored.Status != MessageStatus.Streaming && stored.Content.StartsWith(content, StringComparison.Ordinal))
            {
                // Its end is stored already, carrying on this text: another instance took the answer over and finished
                // it while this one was down, or the store had it just before the crash. That end stands.
                return session;
            }
            var replayed = stored with
            {
                Content = content,
                Thinking = thinking.Length == 0 ? null : thinking,
                Status = finish?.Status ?? MessageStatus.Interrupted,
                Stats = finish?.Stats ?? stored.Stats,
                Error = finish is null ? new MessageError("interrupted", InterruptedMessage) : finish.Error,
                RestartedAfter = restart?.Reason ?? stored.RestartedAfter,
                DoneReason = finish?.Reason,
            };
            return session.ReplaceMessage(replayed, time.GetUtcNow());
        }, ct);
        if (finish is null)
        {
            LogInterrupted(sessionId);
        }
    }

    // A conversation file from before the journal, or one whose answer began and never reached the journal; never
    // one whose answer runs on another instance now.
    private async Task MarkStillStreamingAsInterruptedAsync(CancellationToken ct)
    {
        var streaming = (await store.ListAsync(ct)).Where(s => s.HasStreaming).ToList();
        IReadOnlyDictionary<string, string> elsewhere = OthersMayRun(out var cluster)
            ? await cluster.ClaimsAsync([.. streaming.Select(s => s.Id)])
            : new Dictionary<string, string>();
        foreach (var session in streaming.Where(s => !elsewhere.ContainsKey(s.Id)))
        {
            await store.UpdateAsync(session.Id, s => s with
            {
                Messages = [.. s.Messages.Select(m => m.Status == MessageStatus.Streaming
                    ? m with { Status = MessageStatus.Interrupted, Error = new MessageError("interrupted", InterruptedMessage) }
                    : m)],
                UpdatedAt = time.GetUtcNow(),
            }, ct);
            LogInterrupted(session.Id);
        }
    }

    /// <summary>True when other instances write this journal and Redis can tell what they run now.</summary>
    private bool OthersMayRun([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Redis.GenerationStreams? cluster)
    {
        cluster = lines.Shared ? streams : null;
        return cluster is not null;
    }

    private static string Prefix(string? text, int? length) => text is null ? "" : text[..Math.Min(text.Length, length ?? text.Length)];

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} journal lines of {Answers} answers into the conversations")]
    private partial void LogReplayed(int count, int answers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {SessionId} had an answer cut off by the last shutdown; stored what was written as interrupted")]
    private partial void LogInterrupted(string sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not replay the journal into the conversation files; it is kept for the next start")]
    private partial void LogReplayFailed(Exception ex);
}
