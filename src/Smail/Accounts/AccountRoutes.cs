using Microsoft.Extensions.Options;
using Smail.Problems;

namespace Smail.Accounts;

internal static class AccountRoutes
{
    /// <summary>Routes about accounts (tokens, admin) do not exist under <c>Auth:Mode=none</c>, where there are none.</summary>
    public static async ValueTask<object?> RequireAccounts(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.IsNone
            ? ApiProblems.Create(StatusCodes.Status404NotFound, "not_found",
                "Smail runs with Auth:Mode=none, without accounts: there are no tokens or admin pages. Set Auth:Mode=local to have them.")
            : await next(context);
}
