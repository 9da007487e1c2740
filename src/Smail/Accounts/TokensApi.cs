using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Accounts.Authentication;
using Smail.Problems;

namespace Smail.Accounts;

/// <summary>
/// Personal API tokens (<c>Authorization: Bearer smail_…</c>) with their owner's rights. The secret is shown
/// once, when made; only its SHA-256 is kept. Revoking one ends its open requests at once.
/// </summary>
internal static class TokensApi
{
    public const int MaximumTokensPerAccount = 50;

    public static RouteGroupBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tokens").WithTags("Accounts").AddEndpointFilter(AccountRoutes.RequireAccounts);

        group.MapGet("/", List);
        group.MapPost("/", CreateAsync);
        group.MapDelete("/{id}", DeleteAsync);

        return group;
    }

    public static Ok<TokenList> List(SmailUser user, AccountStore accounts) =>
        TypedResults.Ok(new TokenList([.. accounts.TokensOf(user.Id).OrderByDescending(t => t.CreatedAt)
            .Select(t => new TokenView(t.Id, t.Name, t.CreatedAt, accounts.LastUsed(t)))]));

    public static async Task<Results<Created<CreatedToken>, ProblemHttpResult>> CreateAsync(
        CreateTokenRequest? request, SmailUser user, AccountStore accounts, AuditLog audit)
    {
        var name = request?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100 || name.Any(char.IsControl))
        {
            return ApiProblems.Invalid("invalid_token_name", "Name the token (1 to 100 characters), so you know later where it is used.");
        }
        if (accounts.TokensOf(user.Id).Count >= MaximumTokensPerAccount)
        {
            return ApiProblems.Create(StatusCodes.Status409Conflict, "too_many_tokens",
                $"An account has at most {MaximumTokensPerAccount} tokens. Revoke one you no longer use.");
        }
        var secret = BearerTokenHandler.NewSecret();
        var token = await accounts.CreateTokenAsync(user.Id, name, BearerTokenHandler.Hash(secret));
        audit.Record(AuditActions.TokenCreated, accounts.Find(user.Id), accounts.Find(user.Id), name);
        return TypedResults.Created($"/api/tokens/{token.Id}", new CreatedToken(token.Id, token.Name, secret, token.CreatedAt));
    }

    /// <summary>Another account's token id answers 404, like one that does not exist.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, SmailUser user, AccountStore accounts, AuditLog audit)
    {
        // A token may revoke itself: that request is answered, the token's other requests end.
        RevocationWatch.Release(http);
        if (!await accounts.RemoveTokenAsync(user.Id, id))
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, "token_not_found", "There is no such token.");
        }
        audit.Record(AuditActions.TokenRevoked, accounts.Find(user.Id), accounts.Find(user.Id), id);
        return TypedResults.NoContent();
    }
}
