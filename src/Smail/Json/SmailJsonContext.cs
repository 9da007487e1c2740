using System.Text.Json;
using System.Text.Json.Serialization;
using Smail.Chat;
using Smail.Generations;
using Smail.Health;
using Smail.Metrics;
using Smail.Models;
using Smail.Sessions;

namespace Smail.Json;

/// <summary>Source-generated JSON for every type the HTTP API reads or writes, including event payloads.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateSessionRequest))]
[JsonSerializable(typeof(UpdateSessionRequest))]
[JsonSerializable(typeof(SessionList))]
[JsonSerializable(typeof(SessionView))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(RegenerateRequest))]
[JsonSerializable(typeof(GenerationAccepted))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(StatusEventData))]
[JsonSerializable(typeof(TextEventData))]
[JsonSerializable(typeof(DoneEventData))]
[JsonSerializable(typeof(ErrorEventData))]
[JsonSerializable(typeof(RestartEventData))]
[JsonSerializable(typeof(BrowserTelemetry))]
[JsonSerializable(typeof(TelemetryReceipt))]
[JsonSerializable(typeof(List<RejectedMeasurement>))]
[JsonSerializable(typeof(MetricsHistoryView))]
[JsonSerializable(typeof(Smail.Changes.SessionChange))]
[JsonSerializable(typeof(Smail.Changes.HealthChange))]
[JsonSerializable(typeof(Smail.Changes.TitleChange))]
[JsonSerializable(typeof(Smail.Models.Pulls.PullView))]
[JsonSerializable(typeof(Smail.Presets.PresetRequest))]
[JsonSerializable(typeof(Smail.Presets.PresetView))]
[JsonSerializable(typeof(Smail.Presets.PresetList))]
[JsonSerializable(typeof(Smail.Models.Pulls.PullList))]
[JsonSerializable(typeof(Smail.Models.Pulls.PullRequest))]
[JsonSerializable(typeof(Smail.Attachments.Attachment))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Smail.Accounts.CredentialsRequest))]
[JsonSerializable(typeof(Smail.Accounts.PasswordChangeRequest))]
[JsonSerializable(typeof(Smail.Accounts.UserView))]
[JsonSerializable(typeof(Smail.Accounts.AuthOptionsView))]
[JsonSerializable(typeof(Smail.Accounts.CreateTokenRequest))]
[JsonSerializable(typeof(Smail.Accounts.CreatedToken))]
[JsonSerializable(typeof(Smail.Accounts.TokenList))]
[JsonSerializable(typeof(Smail.Accounts.AdminUserList))]
[JsonSerializable(typeof(Smail.Accounts.AuditList))]
internal sealed partial class SmailJsonContext : JsonSerializerContext;

internal static class JsonServiceCollectionExtensions
{
    public static IServiceCollection AddSmailJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, SmailJsonContext.Default));
}
