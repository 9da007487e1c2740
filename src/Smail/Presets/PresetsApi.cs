using Microsoft.AspNetCore.Http.HttpResults;
using Smail.Accounts;
using Smail.Problems;
using Smail.Sessions;

namespace Smail.Presets;

/// <summary>
/// A person's presets: named settings for a conversation, one of them the default for new chats. Each person sees
/// only their own; another's preset id answers like one that does not exist.
/// </summary>
internal static class PresetsApi
{
    public const int MaxPresets = 50;
    public const int MaxNameLength = 100;

    public static RouteGroupBuilder MapPresetsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/presets").WithTags("Presets");
        group.MapGet("/", (SmailUser user, AccountStore accounts) => TypedResults.Ok(new PresetList([.. accounts.PresetsOf(user.Id).Select(PresetView.Of)])));
        group.MapPost("/", CreateAsync);
        group.MapPatch("/{id}", UpdateAsync);
        group.MapDelete("/{id}", DeleteAsync);
        return group;
    }

    public static async Task<Results<Created<PresetView>, ProblemHttpResult>> CreateAsync(
        PresetRequest request, SmailUser user, AccountStore accounts, TimeProvider time)
    {
        if (Check(request, creating: true) is { } invalid)
        {
            return invalid;
        }
        var preset = new Preset(SmailIds.New(), user.Id, request.Name!.Trim(), time.GetUtcNow())
        {
            SystemPrompt = SessionsApi.NullIfEmpty(request.SystemPrompt),
            Model = SessionsApi.NullIfEmpty(request.Model),
            Options = request.Options,
            IsDefault = request.IsDefault == true,
        };
        var saved = await accounts.ChangePresetsAsync(user.Id, presets => presets.Count >= MaxPresets ? null : WithDefault([.. presets, preset], preset));
        return saved is null
            ? ApiProblems.Create(StatusCodes.Status409Conflict, "too_many_presets", $"A person has at most {MaxPresets} presets. Delete one first.")
            : TypedResults.Created($"/api/presets/{preset.Id}", PresetView.Of(preset));
    }

    public static async Task<Results<Ok<PresetView>, ProblemHttpResult>> UpdateAsync(
        string id, PresetRequest request, SmailUser user, AccountStore accounts)
    {
        if (Check(request, creating: false) is { } invalid)
        {
            return invalid;
        }
        Preset? changed = null;
        await accounts.ChangePresetsAsync(user.Id, presets =>
        {
            if (presets.FirstOrDefault(p => p.Id == id) is not { } before)
            {
                return null;
            }
            changed = before with
            {
                Name = request.Name?.Trim() ?? before.Name,
                SystemPrompt = request.SystemPrompt is null ? before.SystemPrompt : SessionsApi.NullIfEmpty(request.SystemPrompt),
                Model = request.Model is null ? before.Model : SessionsApi.NullIfEmpty(request.Model),
                Options = request.Options ?? before.Options,
                IsDefault = request.IsDefault ?? before.IsDefault,
            };
            return WithDefault([.. presets.Select(p => p.Id == id ? changed : p)], changed);
        });
        return changed is null ? NotFound(id) : TypedResults.Ok(PresetView.Of(changed));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, SmailUser user, AccountStore accounts)
    {
        var deleted = await accounts.ChangePresetsAsync(user.Id, presets => presets.Any(p => p.Id == id) ? [.. presets.Where(p => p.Id != id)] : null);
        return deleted is null ? NotFound(id) : TypedResults.NoContent();
    }

    /// <summary>The person's preset that fills in a new conversation: the one named, or else their default; null when there is none.</summary>
    public static Preset? ForNewConversation(AccountStore accounts, SmailUser user, string? presetId) => presetId is null
        ? accounts.PresetsOf(user.Id).FirstOrDefault(p => p.IsDefault)
        : accounts.PresetsOf(user.Id).FirstOrDefault(p => p.Id == presetId);

    public static ProblemHttpResult NotFound(string id) =>
        ApiProblems.Create(StatusCodes.Status404NotFound, "preset_not_found", $"There is no preset '{id}'.");

    /// <summary>At most one default: the one just made default wins.</summary>
    private static List<Preset> WithDefault(List<Preset> presets, Preset changed) => changed.IsDefault
        ? [.. presets.Select(p => p.Id != changed.Id && p.IsDefault ? p with { IsDefault = false } : p)]
        : presets;

    private static ProblemHttpResult? Check(PresetRequest request, bool creating)
    {
        if ((creating || request.Name is not null) && (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxNameLength))
        {
            return ApiProblems.Invalid("invalid_name", $"A preset's name has 1 to {MaxNameLength} characters.");
        }
        var model = string.IsNullOrEmpty(request.Model) ? null : request.Model;
        return SessionValidation.Check(null, model, request.SystemPrompt, request.Options) is { } invalid
            ? ApiProblems.Invalid(invalid.Code, invalid.Detail)
            : null;
    }
}
