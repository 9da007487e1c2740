using System.Text.Json;

namespace Smail.Sessions;

/// <summary>
/// Reads a conversation file's summary without building its messages. Files Smail writes put the summary
/// fields first, so a few KB are enough (<see cref="ReadPrefix"/>); an older file is read whole in one pass of
/// a <see cref="Utf8JsonReader"/> that skips every message's text (<see cref="Read"/>).
/// </summary>
internal static class SessionSummaryReader
{
    /// <summary>How much of a file <see cref="ReadPrefix"/> is given: the summary fields come first and are short.</summary>
    public const int PrefixBytes = 4096;

    /// <summary>The summary from the start of a file, or null when the prefix does not have every field (read it whole then).</summary>
    public static StoredSummary? ReadPrefix(ReadOnlySpan<byte> prefix, bool isWholeFile)
    {
        try
        {
            var reader = new Utf8JsonReader(prefix, isWholeFile, default);
            var fields = new Fields();
            return ReadObject(ref reader, ref fields, countMessages: false) ? fields.ToSummary() : null;
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            return null;
        }
    }

    /// <summary>The summary of a whole file, counting its messages; null when it is not a readable conversation.</summary>
    public static StoredSummary? Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            var fields = new Fields();
            ReadObject(ref reader, ref fields, countMessages: true);
            return fields.ToSummary();
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            return null;
        }
    }

    // Malformed JSON, a date that is not one, a number where text should be: the caller reads the file whole to say why.
    private static bool IsMalformed(Exception ex) => ex is JsonException or FormatException or InvalidOperationException;

    /// <summary>Reads top-level properties until every summary field is known (true) or the input ends (false).</summary>
    private static bool ReadObject(ref Utf8JsonReader reader, ref Fields fields, bool countMessages)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            if (!reader.Read())
            {
                return false;
            }
            if (countMessages && name == "messages" && reader.TokenType == JsonTokenType.StartArray)
            {
                (fields.Count, fields.Streaming) = CountMessages(ref reader);
            }
            else if (!fields.TryTake(name, ref reader) && !reader.TrySkip())
            {
                return false;
            }
            if (fields.ToSummary() is not null && !countMessages)
            {
                return true;
            }
        }
        return fields.ToSummary() is not null;
    }

    private static (int Count, bool Streaming) CountMessages(ref Utf8JsonReader reader)
    {
        var count = 0;
        var streaming = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            count++;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isStatus = reader.ValueTextEquals("status"u8);
                reader.Read();
                if (isStatus && reader.TokenType == JsonTokenType.String)
                {
                    streaming |= reader.ValueTextEquals("streaming"u8);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        return (count, streaming);
    }

    /// <summary>The summary's fields as they are found, in whatever order.</summary>
    private struct Fields
    {
        private string? _id, _title, _model, _owner;
        private DateTimeOffset? _created, _updated;

        public int? Count { get; set; }
        public bool? Streaming { get; set; }

        /// <summary>Takes the value under the reader if <paramref name="name"/> is a summary field; false otherwise.</summary>
        public bool TryTake(string? name, ref Utf8JsonReader reader)
        {
            switch (name)
            {
                case "ownerId" when reader.TokenType == JsonTokenType.String: _owner = reader.GetString(); return true;
                case "id" when reader.TokenType == JsonTokenType.String: _id = reader.GetString(); return true;
                case "title" when reader.TokenType == JsonTokenType.String: _title = reader.GetString(); return true;
                case "model" when reader.TokenType == JsonTokenType.String: _model = reader.GetString(); return true;
                case "createdAt" when reader.TokenType == JsonTokenType.String: _created = reader.GetDateTimeOffset(); return true;
                case "updatedAt" when reader.TokenType == JsonTokenType.String: _updated = reader.GetDateTimeOffset(); return true;
                case "messageCount" when reader.TokenType == JsonTokenType.Number: Count = reader.GetInt32(); return true;
                case "answerInProgress" when reader.TokenType is JsonTokenType.True or JsonTokenType.False: Streaming = reader.GetBoolean(); return true;
                default: return false;
            }
        }

        public readonly StoredSummary? ToSummary() =>
            _id is null || _title is null || _created is null || _updated is null || Count is null || Streaming is null
                ? null
                : new StoredSummary(_id, _title, _model, _created.Value, _updated.Value, Count.Value, Streaming.Value) { OwnerId = _owner };
    }
}
