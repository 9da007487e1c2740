using Smail.Accounts;
using Smail.Attachments;
using Smail.Changes;
using Smail.Chat;
using Smail.Generations;
using Smail.Health;
using Smail.Journal;
using Smail.Json;
using Smail.Metrics;
using Smail.Models;
using Smail.Ollama;
using Smail.Problems;
using Smail.Redis;
using Smail.Security;
using Smail.Sessions;
using Smail.Titles;
using Smail.Transfer;
using Smail.Upstreams;

if (UsersCommand.IsRequested(args, out var configurationArgs))
{
    return await UsersCommand.RunAsync(args, WebApplication.CreateBuilder(configurationArgs).Configuration);
}
if (StoreCopyCommand.IsRequested(args, out var storeArgs))
{
    return await StoreCopyCommand.RunAsync(args, WebApplication.CreateBuilder(storeArgs).Configuration, Console.Out);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddSmailSecurity();
builder.AddSmailAccounts();
builder.AddSmailTelemetry();
builder.Services.AddApiProblems();
builder.Services.AddSmailJson();
builder.Services.AddOllama();
builder.AddUpstreams();
builder.AddSessionStore();
builder.Services.AddTransfer();
builder.Services.AddAttachments(postgres: builder.Configuration["Storage:Provider"] == Smail.Sessions.StorageProviders.Postgres);
builder.AddRedis();
builder.Services.AddChangeFeed();
builder.Services.AddAnswerJournal();
builder.Services.AddGenerations();
builder.Services.AddTitles();
builder.Services.AddSingleton<Smail.Models.Pulls.ModelPulls>();

var app = builder.Build();

app.UseSmailSecurity();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseSmailAccounts();
app.UseRateLimiter();

app.MapAccountsApi();
app.MapHealthApi();
app.MapModelsApi();
app.MapModelManagementApi();
app.MapSessionsApi();
app.MapTransferApi();
app.MapAttachmentsApi();
Smail.Presets.PresetsApi.MapPresetsApi(app);
app.MapMessagesApi();
app.MapGenerationsApi();
app.MapMetricsApi();
app.MapChangesApi();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
