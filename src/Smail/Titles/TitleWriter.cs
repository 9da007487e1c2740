using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Smail.Changes;
using Smail.Ollama;
using Smail.Sessions;
using Smail.Upstreams;

namespace Smail.Titles;

/// <summary>
/// After a conversation's first answer, asks the model for a short title in the conversation's language and shows it
/// being written in the owner's sidebar (<see cref="ChangeFeed.TitleWritten"/>). The title is stored only if nobody
/// chose one meanwhile: a person's title (<see cref="TitleSources.Person"/>) is never replaced, and a conversation gets
/// one model title at most. A failure leaves the title the conversation had; it is logged, never shown as an error.
/// </summary>
internal sealed partial class TitleWriter(
    RoutingUpstream upstreams, ISessionStore store, ChangeFeed feed, IOptions<TitleOptions> options,
    IHostApplicationLifetime lifetime, ILogger<TitleWriter> logger)
{
    /// <summary>Enough of each message for the gist; the rest costs the model time and says little more about the title.</summary>
    private const int ExcerptLength = 1500;

    private static readonly IReadOnlyDictionary<string, JsonElement> s_options = JsonDocument.Parse(
        """{"num_predict": 32, "temperature": 0.3}""").RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    private const string Instructions =
        "You name conversations. Reply with a title of two to six words that says what the conversation is about, " +
        "in the language the person wrote in. Reply with the title only: no quotes, no label, no full stop at the end.";

    /// <summary>An answer ended: if it completed the conversation's first turn, its title is written in the background.</summary>
    public void AnswerEnded(string sessionId, string status)
    {
        if (options.Value.Enabled && status == MessageStatus.Complete)
        {
            _ = Task.Run(() => WriteAsync(sessionId));
        }
    }

    /// <summary>A conversation whose one question has its complete answer, and whose title nobody has chosen yet.</summary>
    public static bool NeedsTitle(Session session) =>
        session.TitleSource is null && new ConversationTree(session).Path is [_, { Role: MessageRoles.Assistant, Status: MessageStatus.Complete, Content.Length: > 0 }];

    private async Task WriteAsync(string sessionId)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        timeout.CancelAfter(options.Value.Timeout);
        Session? session = null;
        // The conversation as stored once the title was written or refused; null when it must be read again.
        Session? stored = null;
        try
        {
            session = await store.GetAsync(sessionId, timeout.Token);
            if (session is null || !NeedsTitle(session))
            {
                return;
            }
            var written = await StreamTitleAsync(session, timeout.Token);
            if (written.Length == 0)
            {
                LogNoTitle(sessionId);
                return;
            }
            var kept = await store.UpdateAsync(sessionId, current => NeedsTitle(current)
                ? current with { Title = written, TitleSource = TitleSources.Model }
                : current, CancellationToken.None);
            LogTitleWritten(sessionId, kept?.Title == written);
            stored = kept;
        }
        catch (Exception ex) when (ex is UpstreamException or OperationCanceledException or StorageException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            LogTitleFailed(sessionId, ex.Message);
        }
        finally
        {
            // The pages saw the title being written: they end on the one the conversation keeps, whatever happened.
            if (session is not null)
            {
                stored ??= await store.GetAsync(sessionId, CancellationToken.None).ConfigureAwait(false) ?? session;
                feed.TitleWritten(new TitleChange(sessionId, stored.Title, Done: true), stored.OwnerId);
            }
        }
    }

    private async Task<string> StreamTitleAsync(Session session, CancellationToken cancellationToken)
    {
        var (question, answer) = new ConversationTree(session).Path is [var q, var a] ? (q, a) : throw new OperationCanceledException("The conversation went on.");
        var model = options.Value.Model ?? answer.Model ?? session.Model ?? throw new OperationCanceledException("The conversation names no model.");
        var request = new UpstreamChatRequest(model,
        [
            new UpstreamMessage(MessageRoles.System, Instructions),
            new UpstreamMessage(MessageRoles.User, $"Name this conversation.\n\nPerson: {Excerpt(question.Content)}\n\nAssistant: {Excerpt(answer.Content)}"),
        ], Think: false, s_options);

        var text = new StringBuilder();
        var shown = "";
        await foreach (var chunk in upstreams.StreamChatAsync(request, cancellationToken))
        {
            text.Append(chunk.Content);
            var soFar = TitleText.Clean(text.ToString());
            if (soFar.Length > 0 && soFar != shown)
            {
                shown = soFar;
                feed.TitleWritten(new TitleChange(session.Id, soFar, Done: false), session.OwnerId);
            }
            if (text.Length > TitleText.MaxLength * 4 || text.ToString().Contains('\n', StringComparison.Ordinal) && shown.Length > 0)
            {
                break; // a title is one short line: the rest is the model rambling on
            }
        }
        return TitleText.Clean(text.ToString());
    }

    private static string Excerpt(string text) => text.Length <= ExcerptLength ? text : text[..ExcerptLength] + "…";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Title of {SessionId} written (kept: {Kept})")]
    private partial void LogTitleWritten(string sessionId, bool kept);

    [LoggerMessage(Level = LogLevel.Information, Message = "The model wrote no title for {SessionId}")]
    private partial void LogNoTitle(string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "No title for {SessionId}: {Reason}")]
    private partial void LogTitleFailed(string sessionId, string reason);
}
