namespace Smail.Accounts;

internal sealed record CredentialsRequest(string? Username, string? Password);

internal sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);

/// <summary>An account as the API shows it. <c>mode</c> tells the page which sign-in it offers.</summary>
internal sealed record UserView(string Id, string Username, string Role, string Status)
{
    public string? Mode { get; init; }

    public static UserView From(Account account) => new(account.Id, account.Username, account.Role, account.Status);
}

internal sealed record CreateTokenRequest(string? Name);

/// <summary>A new token: <c>token</c> is its secret, shown this once.</summary>
internal sealed record CreatedToken(string Id, string Name, string Token, DateTimeOffset CreatedAt);

internal sealed record TokenView(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

internal sealed record TokenList(IReadOnlyList<TokenView> Tokens);

internal sealed record AdminUserView(
    string Id, string Username, string Role, string Status, DateTimeOffset CreatedAt, DateTimeOffset? LastSeenAt, int Conversations);

internal sealed record AdminUserList(IReadOnlyList<AdminUserView> Users);

internal sealed record AuthOptionsView(string Mode, string SignUp)
{
    /// <summary>Who is signed in on this browser; null for nobody.</summary>
    public UserView? User { get; init; }
}
