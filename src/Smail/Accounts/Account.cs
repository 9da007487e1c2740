using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Smail.Accounts;

/// <summary>The contract's account roles.</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string User = "user";
}

/// <summary>The contract's account states: <c>pending</c> waits for an admin's approval.</summary>
internal static class AccountStatus
{
    public const string Active = "active";
    public const string Pending = "pending";
    public const string Disabled = "disabled";
}

/// <summary>
/// A person who signs in. <see cref="SecurityStamp"/> changes when every credential of the account must stop
/// working at once (disabled, deleted, password reset); each request checks it.
/// </summary>
internal sealed record Account(
    string Id, string Username, string Role, string Status, string? PasswordHash, string SecurityStamp, DateTimeOffset CreatedAt)
{
    /// <summary>When the account last made a request; written at most every few minutes.</summary>
    public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>The subject of an OpenID Connect account at its issuer (<c>oidc</c> mode).</summary>
    public string? ExternalId { get; init; }

    public bool IsActive => Status == AccountStatus.Active;
}

/// <summary>One browser's sign-in. Signing out removes it, and with it that cookie's access and open streams.</summary>
internal sealed record SignInSession(string Id, string AccountId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>A personal API token. Only the SHA-256 of the secret is kept; the secret is shown once.</summary>
internal sealed record ApiToken(string Id, string AccountId, string Name, string Hash, DateTimeOffset CreatedAt)
{
    public DateTimeOffset? LastUsedAt { get; init; }
}

/// <summary>
/// A person's named settings for a conversation (system prompt, model, options such as temperature or the thinking
/// switch). The one marked default fills in what a new conversation is not given.
/// </summary>
internal sealed record Preset(string Id, string AccountId, string Name, DateTimeOffset CreatedAt)
{
    public string? SystemPrompt { get; init; }
    public string? Model { get; init; }
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Options { get; init; }
    public bool IsDefault { get; init; }
}

/// <summary>The accounts file, <c>accounts.json</c> beside the conversations.</summary>
internal sealed record AccountsDocument(
    ImmutableList<Account> Accounts, ImmutableList<SignInSession> SignIns, ImmutableList<ApiToken> Tokens)
{
    /// <summary>Every account's presets (the person of <c>Auth:Mode=none</c> has the account id <c>local</c>).</summary>
    public ImmutableList<Preset> Presets { get; init; } = [];

    public const int CurrentSchemaVersion = 1;
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public static AccountsDocument Empty { get; } = new([], [], []);

    /// <summary>A document as read: a list missing from it (written by hand, or by an older Smail) is an empty one.</summary>
    public static AccountsDocument Complete(AccountsDocument? read) =>
        read is null ? Empty : read with { Accounts = read.Accounts ?? [], SignIns = read.SignIns ?? [], Tokens = read.Tokens ?? [], Presets = read.Presets ?? [] };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AccountsDocument))]
internal sealed partial class AccountsJsonContext : JsonSerializerContext;
