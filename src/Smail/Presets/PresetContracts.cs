using System.Text.Json;

namespace Smail.Presets;

/// <summary>POST: a new preset; PATCH: a null field is left as it is, and an empty system prompt or model clears it.</summary>
internal sealed record PresetRequest(string? Name, string? SystemPrompt, string? Model, Dictionary<string, JsonElement>? Options, bool? IsDefault);

internal sealed record PresetView(string Id, string Name, string? SystemPrompt, string? Model, IReadOnlyDictionary<string, JsonElement>? Options, bool IsDefault)
{
    public static PresetView Of(Accounts.Preset preset) =>
        new(preset.Id, preset.Name, preset.SystemPrompt, preset.Model, preset.Options, preset.IsDefault);
}

internal sealed record PresetList(IReadOnlyList<PresetView> Presets);
