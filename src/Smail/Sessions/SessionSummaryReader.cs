using System.Text.Json;

namespace Smail.Sessions;

/// <summary>
/// Reads a conversation file's summary without building its messages: one pass of a <see cref="Utf8JsonReader"/>
/// that skips every message's text. Start-up reads thousands of files this way in well under a second.
/// </summary>
internal static class SessionSummaryReader
{
    /// <summary>How much of a file <see cref="ReadPrefix"/> is given: the summary fields come first and are short.</summary>
    public const int PrefixBytes = 4096;

    /// <summary>
    /// The summary from the start of a file Smail wrote, which puts the summary fields (message count included)
    /// before everything else; null when the prefix does not have them all (an older file): read it whole then.
    /// </summary>
    public static StoredSummary? ReadPrefix(ReadOnlySpan<byte> prefix, bool isWholeFile)
    {
        var reader = new Utf8JsonReader(prefix, isWholeFile, default);
        string? id = null, title = null, model = null;
        DateTimeOffset? created = null, updated = null;
        int? count = null;
        bool? streaming = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            if (!reader.Read())
            {
                return null;
            }
            switch (name)
            {
                case "id" when reader.TokenType == JsonTokenType.String: id = reader.GetString(); break;
                case "title" when reader.TokenType == JsonTokenType.String: title = reader.GetString(); break;
                case "model" when reader.TokenType == JsonTokenType.String: model = reader.GetString(); break;
                case "createdAt" when reader.TokenType == JsonTokenType.String: created = reader.GetDateTimeOffset(); break;
                case "updatedAt" when reader.TokenType == JsonTokenType.String: updated = reader.GetDateTimeOffset(); break;
                case "messageCount" when reader.TokenType == JsonTokenType.Number: count = reader.GetInt32(); break;
                case "answerInProgress" when reader.TokenType is JsonTokenType.True or JsonTokenType.False: streaming = reader.GetBoolean(); break;
                default:
                    if (!reader.TrySkip())
                    {
                        return null;
                    }
                    break;
            }
            if (id is not null && title is not null && created is not null && updated is not null && count is not null && streaming is not null)
            {
                return new StoredSummary(id, title, model, created.Value, updated.Value, count.Value, streaming.Value);
            }
        }
        return null;
    }

    /// <summary>The summary, or null when the file is not a conversation (the caller then reads it whole to say why).</summary>
    public static StoredSummary? Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        string? id = null, title = null, model = null;
        DateTimeOffset? created = null, updated = null;
        int count = 0;
        var streaming = false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "id" when reader.TokenType == JsonTokenType.String: id = reader.GetString(); break;
                case "title" when reader.TokenType == JsonTokenType.String: title = reader.GetString(); break;
                case "model" when reader.TokenType == JsonTokenType.String: model = reader.GetString(); break;
                case "createdAt" when reader.TokenType == JsonTokenType.String: created = reader.GetDateTimeOffset(); break;
                case "updatedAt" when reader.TokenType == JsonTokenType.String: updated = reader.GetDateTimeOffset(); break;
                case "messages" when reader.TokenType == JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        count++;
                        streaming |= ReadMessageIsStreaming(ref reader);
                    }
                    break;
                default: reader.Skip(); break;
            }
        }
        return id is null || title is null || created is null || updated is null
            ? null
            : new StoredSummary(id, title, model, created.Value, updated.Value, count, streaming);
    }

    private static bool ReadMessageIsStreaming(ref Utf8JsonReader reader)
    {
        var streaming = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isStatus = reader.ValueTextEquals("status"u8);
            reader.Read();
            if (isStatus && reader.TokenType == JsonTokenType.String)
            {
                streaming = reader.ValueTextEquals("streaming"u8);
            }
            else
            {
                reader.Skip();
            }
        }
        return streaming;
    }
}
