using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Smail.Sessions;

namespace Smail.Accounts;

/// <summary>The audit log's actions, defined once.</summary>
internal static class AuditActions
{
    public const string SignIn = "sign_in";
    public const string SignInFailed = "sign_in_failed";
    public const string SignOut = "sign_out";
    public const string SignUp = "sign_up";
    public const string Approve = "approve";
    public const string Disable = "disable";
    public const string Enable = "enable";
    public const string Delete = "delete";
    public const string TokenCreated = "token_created";
    public const string TokenRevoked = "token_revoked";
    public const string PasswordSet = "password_set";
}

internal sealed record AuditEntry(DateTimeOffset At, string Action, string? ActorId, string? Actor, string? TargetId, string? Target, string? Detail);

internal sealed record AuditList(IReadOnlyList<AuditEntry> Entries);

/// <summary>
/// Who did what to which account: a structured log category (<c>Smail.Audit</c>) for the operator's log
/// pipeline, and <c>audit.jsonl</c> beside the conversations, read by admins through <c>GET /api/admin/audit</c>.
/// Never a password or a token's secret.
/// </summary>
internal sealed partial class AuditLog
{
    public const string FileName = "audit.jsonl";
    private const int Kept = 1000;

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly LinkedList<AuditEntry> _recent = new();

    public AuditLog(IOptions<StorageOptions> storage, TimeProvider time, ILoggerFactory loggers)
    {
        var folder = Path.GetFullPath(storage.Value.Path);
        Directory.CreateDirectory(folder);
        _path = Path.Combine(folder, FileName);
        _time = time;
        _logger = loggers.CreateLogger("Smail.Audit");
        foreach (var entry in ReadTail(_path))
        {
            Remember(entry);
        }
    }

    public void Record(string action, Account? actor, Account? target, string? detail = null) =>
        Record(action, actor?.Id, actor?.Username, target?.Id, target?.Username, detail);

    public void Record(string action, string? actorId, string? actor, string? targetId, string? target, string? detail)
    {
        var entry = new AuditEntry(_time.GetUtcNow(), action, actorId, actor, targetId, target, detail);
        LogEntry(_logger, action, actor ?? "-", target ?? "-", detail ?? "");
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, AuditJsonContext.Default.AuditEntry);
        lock (_lock)
        {
            Remember(entry);
            try
            {
                using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
                file.Write(line);
                file.Write("\n"u8);
            }
            catch (IOException ex)
            {
                // The log line above still has it; an audit write never fails the request it records.
                LogWriteFailed(_logger, ex);
            }
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<AuditEntry> Read(int limit)
    {
        lock (_lock)
        {
            return [.. _recent.Take(Math.Clamp(limit, 1, Kept))];
        }
    }

    private void Remember(AuditEntry entry)
    {
        _recent.AddFirst(entry);
        if (_recent.Count > Kept)
        {
            _recent.RemoveLast();
        }
    }

    private static IEnumerable<AuditEntry> ReadTail(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        var entries = new List<AuditEntry>();
        foreach (var line in File.ReadLines(path).TakeLast(Kept))
        {
            try
            {
                if (JsonSerializer.Deserialize(line, AuditJsonContext.Default.AuditEntry) is { } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
                // A line cut by a crash: the ones around it still count.
            }
        }
        return entries;
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Audit {Action}: actor {Actor}, account {Target} {Detail}")]
    private static partial void LogEntry(ILogger logger, string action, string actor, string target, string detail);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Could not append to the audit file")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditEntry))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
