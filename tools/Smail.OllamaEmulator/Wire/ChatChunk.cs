using System.Globalization;
using System.Text;

namespace Smail.OllamaEmulator.Wire;

/// <summary>The statistics Ollama adds to the final chunk; zero values are omitted on the wire.</summary>
internal sealed record ChatMetrics(
    long TotalDuration, long LoadDuration, int PromptEvalCount, long PromptEvalDuration, int EvalCount, long EvalDuration);

/// <summary>Formats one line of /api/chat's NDJSON stream in api.ChatResponse field order.</summary>
internal static class ChatChunk
{
    public static string Format(string model, DateTimeOffset createdAt, string content, string? thinking,
        bool done = false, string? doneReason = null, ChatMetrics? metrics = null)
    {
        var sb = new StringBuilder(128);
        sb.Append("{\"model\":");
        GoJson.WriteString(sb, model);
        sb.Append(",\"created_at\":\"").Append(GoJson.Timestamp(createdAt)).Append('"');
        sb.Append(",\"message\":{\"role\":\"assistant\",\"content\":");
        GoJson.WriteString(sb, content);
        if (!string.IsNullOrEmpty(thinking))
        {
            sb.Append(",\"thinking\":");
            GoJson.WriteString(sb, thinking);
        }
        sb.Append('}');
        if (!string.IsNullOrEmpty(doneReason))
        {
            sb.Append(",\"done_reason\":");
            GoJson.WriteString(sb, doneReason);
        }
        sb.Append(",\"done\":").Append(done ? "true" : "false");
        if (metrics is not null)
        {
            AppendNonZero(sb, "total_duration", metrics.TotalDuration);
            AppendNonZero(sb, "load_duration", metrics.LoadDuration);
            AppendNonZero(sb, "prompt_eval_count", metrics.PromptEvalCount);
            AppendNonZero(sb, "prompt_eval_duration", metrics.PromptEvalDuration);
            AppendNonZero(sb, "eval_count", metrics.EvalCount);
            AppendNonZero(sb, "eval_duration", metrics.EvalDuration);
        }
        return sb.Append('}').ToString();
    }

    private static void AppendNonZero(StringBuilder sb, string name, long value)
    {
        if (value != 0)
        {
            sb.Append(",\"").Append(name).Append("\":").Append(value.ToString(CultureInfo.InvariantCulture));
        }
    }
}
