using Microsoft.AspNetCore.HostFiltering;

namespace Smail.Security;

internal static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// The exact host allow-list (ASP.NET Core's host filtering, which runs first on every request). Reads
    /// <c>AllowedHosts</c> now, so a wildcard stops the start with a message naming the setting.
    /// </summary>
    public static WebApplicationBuilder AddSmailSecurity(this WebApplicationBuilder builder)
    {
        var allowed = HostAllowList.From(builder.Configuration[HostAllowList.Setting]);
        // After the framework's own PostConfigure, which reads AllowedHosts and would treat "*" as "any".
        builder.Services.PostConfigure<HostFilteringOptions>(options =>
        {
            options.AllowedHosts = [.. allowed];
            // "Invalid Hostname" in the 400's page: what a person opening Smail by an unlisted name needs to see.
            options.IncludeFailureMessage = true;
        });
        return builder;
    }

    /// <summary>Security headers on every response, then the refusal of cross-site API requests.</summary>
    public static WebApplication UseSmailSecurity(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>(SecurityHeaders.PolicyFor(app.Environment.WebRootFileProvider));
        app.UseMiddleware<CrossSiteRequestGuard>();
        return app;
    }
}
