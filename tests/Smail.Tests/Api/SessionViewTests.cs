using Smail.Generations;
using Smail.Sessions;

namespace Smail.Tests.Api;

/// <summary>What GET /api/sessions/{id} says about a running answer is one consistent moment.</summary>
public sealed class SessionViewTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private static Session WithMessages(params ChatMessage[] messages) =>
        new(SmailIds.New(), "Test", "llama3.2", null, s_now, s_now, [.. messages]);

    [Fact]
    public void AGenerationWhoseAnswerIsNotInTheConversationYet_IsNotReportedAsRunning()
    {
        // Claimed, but the turn not staged yet: following it would attach its text to the previous answer.
        var earlier = new ChatMessage("m2", "assistant", "Earlier answer.", MessageStatus.Complete, s_now);
        var session = WithMessages(new ChatMessage("m1", "user", "Hi", MessageStatus.Complete, s_now), earlier);
        var running = new Generation("g1", session.Id, "m4", "llama3.2", GenerationKind.New, s_now);

        var view = SessionView.From(session, running);

        Assert.Null(view.ActiveGenerationId);
        Assert.Equal(["m1", "m2"], view.Messages.Select(m => m.Id));
    }

    [Fact]
    public void AGenerationWhoseAnswerIsThere_IsReportedWithTheTextListenersHaveSeen()
    {
        var placeholder = new ChatMessage("m2", "assistant", "", MessageStatus.Streaming, s_now);
        var session = WithMessages(new ChatMessage("m1", "user", "Hi", MessageStatus.Complete, s_now), placeholder);
        var running = new Generation("g1", session.Id, "m2", "llama3.2", GenerationKind.New, s_now);
        running.Begin();
        running.Add(new Smail.Ollama.UpstreamChunk("Hel", null));

        var view = SessionView.From(session, running);

        Assert.Equal("g1", view.ActiveGenerationId);
        Assert.Equal("Hel", view.Messages[^1].Content);
    }
}
