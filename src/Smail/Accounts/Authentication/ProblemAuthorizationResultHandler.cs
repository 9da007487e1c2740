using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Smail.Problems;

namespace Smail.Accounts.Authentication;

/// <summary>
/// What a refused request hears, as problem+json and never a redirect: 401 <c>unauthenticated</c> without a
/// valid credential, and 404 for a route the user may not use (an admin route), exactly as for a route that
/// does not exist, so a non-admin learns nothing about it.
/// </summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await next(context);
        }
        else if (authorizeResult.Challenged || SmailUser.Of(context) is null)
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthenticated", "Sign in to use Smail.");
        }
        else
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status404NotFound, "not_found", "There is nothing here.");
        }
    }
}
