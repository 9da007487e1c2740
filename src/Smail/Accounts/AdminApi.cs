using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Generations;
using Smail.Problems;
using Smail.Sessions;

namespace Smail.Accounts;

/// <summary>
/// The admin's routes: the accounts with their last activity, approving, disabling, enabling and deleting
/// them, and the audit log. Anyone else gets 404, as if they did not exist.
/// </summary>
internal static class AdminApi
{
    public const string Policy = "admin";

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(Policy).AddEndpointFilter(AccountRoutes.RequireAccounts);

        group.MapGet("/users", ListAsync);
        group.MapPost("/users/{id}/approve", ApproveAsync);
        group.MapPost("/users/{id}/disable", DisableAsync);
        group.MapPost("/users/{id}/enable", EnableAsync);
        group.MapDelete("/users/{id}", DeleteAsync);
        group.MapGet("/audit", Audit);

        return group;
    }

    public static async Task<Ok<AdminUserList>> ListAsync(AccountStore accounts, Ownership ownership, ISessionStore store, CancellationToken ct)
    {
        var conversations = (await store.ListAsync(ct)).CountBy(s => ownership.OwnerOf(s.OwnerId) ?? "").ToDictionary();
        return TypedResults.Ok(new AdminUserList([.. accounts.Accounts.OrderBy(a => a.CreatedAt).Select(a => new AdminUserView(
            a.Id, a.Username, a.Role, a.Status, a.CreatedAt, accounts.LastSeen(a), conversations.GetValueOrDefault(a.Id)))]));
    }

    public static Task<Results<Ok<UserView>, ProblemHttpResult>> ApproveAsync(string id, SmailUser admin, AccountStore accounts, AuditLog audit) =>
        ChangeStatusAsync(id, admin, accounts, audit, from: [AccountStatus.Pending], to: AccountStatus.Active, AuditActions.Approve);

    /// <summary>The account's cookies and tokens stop working and its open streams end within a second.</summary>
    public static Task<Results<Ok<UserView>, ProblemHttpResult>> DisableAsync(string id, SmailUser admin, AccountStore accounts, AuditLog audit) =>
        ChangeStatusAsync(id, admin, accounts, audit, from: [AccountStatus.Active, AccountStatus.Pending], to: AccountStatus.Disabled, AuditActions.Disable);

    public static Task<Results<Ok<UserView>, ProblemHttpResult>> EnableAsync(string id, SmailUser admin, AccountStore accounts, AuditLog audit) =>
        ChangeStatusAsync(id, admin, accounts, audit, from: [AccountStatus.Disabled], to: AccountStatus.Active, AuditActions.Enable);

    /// <summary>Removes the account, its tokens and its conversations (their answers stop first).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, SmailUser admin, AccountStore accounts, Ownership ownership, ISessionStore store, GenerationRegistry generations,
        AuditLog audit, CancellationToken ct)
    {
        if (accounts.Find(id) is not { } account)
        {
            return UserNotFound();
        }
        if (id == admin.Id)
        {
            return NotYourself();
        }
        // Taken before the account goes: conversations from before accounts belong to the first admin, and go with them.
        var theirs = (await store.ListAsync(ct)).Where(s => ownership.OwnerOf(s.OwnerId) == id).ToList();
        await accounts.DeleteAsync(id);
        foreach (var summary in theirs)
        {
            (await generations.RunningAnywhereAsync(summary.Id))?.Stop();
            await store.DeleteAsync(summary.Id, ct);
        }
        audit.Record(AuditActions.Delete, accounts.Find(admin.Id), account);
        return TypedResults.NoContent();
    }

    public static Ok<AuditList> Audit(int? limit, AuditLog audit) => TypedResults.Ok(new AuditList(audit.Read(limit ?? 200)));

    private static async Task<Results<Ok<UserView>, ProblemHttpResult>> ChangeStatusAsync(
        string id, SmailUser admin, AccountStore accounts, AuditLog audit, string[] from, string to, string action)
    {
        if (accounts.Find(id) is not { } account)
        {
            return UserNotFound();
        }
        if (id == admin.Id)
        {
            return NotYourself();
        }
        if (!from.Contains(account.Status))
        {
            return ApiProblems.Create(StatusCodes.Status409Conflict, "invalid_status", $"The account is {account.Status}; it cannot be changed that way.");
        }
        var changed = await accounts.UpdateAsync(id, a => a with
        {
            Status = to,
            // A new stamp: every cookie and token issued before this change stops working.
            SecurityStamp = to == AccountStatus.Disabled ? AccountStore.NewStamp() : a.SecurityStamp,
        });
        if (changed is null)
        {
            return UserNotFound();
        }
        audit.Record(action, accounts.Find(admin.Id), changed);
        return TypedResults.Ok(UserView.From(changed));
    }

    private static ProblemHttpResult UserNotFound() => ApiProblems.Create(StatusCodes.Status404NotFound, "user_not_found", "There is no such account.");

    private static ProblemHttpResult NotYourself() => ApiProblems.Create(StatusCodes.Status409Conflict, "cannot_change_self",
        "You cannot disable or delete your own account. Ask another admin.");
}
