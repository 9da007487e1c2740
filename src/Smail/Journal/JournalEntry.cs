using System.Text.Json;
using System.Text.Json.Serialization;
using Smail.Generations;
using Smail.Sessions;

namespace Smail.Journal;

/// <summary>
/// One line of the write-ahead journal. <see cref="Id"/> is the generation the line belongs to. Only the
/// fields of its <see cref="Type"/> are set.
/// </summary>
internal sealed record JournalEntry(string Type, string Id)
{
    /// <summary>A generation began: its conversation, answer, kind, and for a new answer the turn it added.</summary>
    public const string Begin = "begin";

    /// <summary>Text of an answer in progress, in the order listeners saw it.</summary>
    public const string Text = "text";

    /// <summary>The answer restarted from its beginning (<see cref="Reason"/>): only the text lines after the last one count.</summary>
    public const string Restart = "restart";

    /// <summary>How the answer ended: status, stats and error (the text is the sum of its text lines).</summary>
    public const string Finish = "finish";

    /// <summary>The conversation file now holds everything this id journaled: replay skips it.</summary>
    public const string Saved = "saved";

    public string? Session { get; init; }
    public string? Message { get; init; }
    public GenerationKind? Kind { get; init; }

    /// <summary>For a continuation, how much content and thinking the stored answer had: replay keeps that much and appends.</summary>
    public int? SeedLength { get; init; }
    public int? SeedThinkingLength { get; init; }
    public NewTurn? Turn { get; init; }
    public string? Content { get; init; }
    public string? Thinking { get; init; }
    public string? Status { get; init; }
    public MessageStats? Stats { get; init; }
    public MessageError? Error { get; init; }
    /// <summary>For a restart, the failure's code; for a finish, the stored done reason.</summary>
    public string? Reason { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
