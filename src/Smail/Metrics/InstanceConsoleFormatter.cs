using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Smail.Metrics;

/// <summary>
/// The console's usual lines (<c>info: Category[0]</c>, then the scopes and the message indented), with the instance
/// after the level: <c>info: [smail-2] Category[0]</c>. Used when several instances may write to one log (Redis is
/// configured, or <c>Smail:Instance</c> is set), so every line says which process wrote it.
/// </summary>
internal sealed class InstanceConsoleFormatter(IOptionsMonitor<InstanceConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "smail-instance";
    private const string Indent = "      ";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }
        var settings = options.CurrentValue;
        textWriter.Write($"{LevelOf(logEntry.LogLevel)}: [{settings.Instance}] {logEntry.Category}[{logEntry.EventId.Id}]{Environment.NewLine}");
        if (settings.IncludeScopes && scopeProvider is not null)
        {
            var wroteScope = false;
            scopeProvider.ForEachScope((scope, writer) =>
            {
                writer.Write(wroteScope ? " => " : Indent + "=> ");
                writer.Write(scope);
                wroteScope = true;
            }, textWriter);
            if (wroteScope)
            {
                textWriter.Write(Environment.NewLine);
            }
        }
        WriteIndented(textWriter, message);
        if (logEntry.Exception is not null)
        {
            WriteIndented(textWriter, logEntry.Exception.ToString());
        }
    }

    private static void WriteIndented(TextWriter writer, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            writer.Write(Indent);
            writer.Write(text.ReplaceLineEndings(Environment.NewLine + Indent));
            writer.Write(Environment.NewLine);
        }
    }

    private static string LevelOf(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}

internal sealed class InstanceConsoleFormatterOptions : ConsoleFormatterOptions
{
    public string Instance { get; set; } = "";
}
