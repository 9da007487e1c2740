using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Smail.Accounts;
using Smail.Problems;
using Smail.Sessions;

namespace Smail.Transfer;

/// <summary>A conversation as a download, and conversations from another program's (or another Smail's) export.</summary>
internal static class TransferApi
{
    public const string UnsupportedImport = "unsupported_import";

    public static IServiceCollection AddTransfer(this IServiceCollection services)
    {
        services.AddOptions<ImportLimits>().BindConfiguration(ImportLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static RouteGroupBuilder MapTransferApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions").WithTags("Sessions");
        group.MapGet("/{id}/export", ExportAsync);
        group.MapPost("/import", ImportAsync);
        return group;
    }

    /// <summary>The stored conversation, as a file to save (<c>Content-Disposition: attachment</c>) named after its title.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        string id, string? format, OwnedSessions store, Attachments.IAttachmentBlobs blobs, TimeProvider time, CancellationToken ct)
    {
        format ??= ExportFormats.Markdown;
        if (format is not (ExportFormats.Markdown or ExportFormats.Json))
        {
            return ApiProblems.Invalid("invalid_format", $"An export is format={ExportFormats.Markdown} or format={ExportFormats.Json}.");
        }
        if (await store.GetAsync(id, ct) is not { } session)
        {
            return ApiProblems.SessionNotFound(id);
        }
        if (format == ExportFormats.Json)
        {
            // The files the messages carried travel with them, so the export is whole.
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var attachmentId in session.Messages.SelectMany(m => m.Attachments ?? []).Distinct())
            {
                if (session.FindAttachment(attachmentId) is { } attachment && await blobs.GetAsync(attachment.Id, ct) is { } bytes)
                {
                    files[attachmentId] = bytes;
                }
            }
            return TypedResults.File(JsonSerializer.SerializeToUtf8Bytes(SmailExport.Of(session, time.GetUtcNow(), files), TransferJsonContext.Default.SmailExport),
                "application/json; charset=utf-8", FileName(session.Title, "json"));
        }
        return TypedResults.File(Encoding.UTF8.GetBytes(MarkdownExport.Of(session)), "text/markdown; charset=utf-8", FileName(session.Title, "md"));
    }

    /// <summary>
    /// Reads the whole file, refuses it whole (400 <c>unsupported_import</c>, nothing created) or stores every
    /// conversation in it as the user's. Should the store fail half-way, the ones already stored are deleted again.
    /// </summary>
    public static async Task<Results<Created<ImportResult>, ProblemHttpResult>> ImportAsync(
        HttpContext context, OwnedSessions store, IOptions<ImportLimits> options, IOptions<Attachments.AttachmentOptions> files,
        Attachments.IAttachmentBlobs blobs, TimeProvider time, CancellationToken ct)
    {
        var limits = options.Value;
        if (!RequestBodyLimit.Allow(context, limits.MaxBytes))
        {
            return TooLarge(limits);
        }
        IReadOnlyList<CheckedImport> sessions;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, default, ct);
            sessions = ConversationImport.Read(document.RootElement, limits, files.Value, time.GetUtcNow());
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limits);
        }
        catch (JsonException malformed)
        {
            return ApiProblems.Invalid(UnsupportedImport,
                $"This file is not valid JSON{(malformed.LineNumber is { } line ? $" (line {line + 1})" : "")}, so it is not {ConversationImport.Formats}.");
        }
        catch (ImportRefused refused)
        {
            return ApiProblems.Invalid(UnsupportedImport, refused.Message);
        }

        var created = new List<string>(sessions.Count);
        try
        {
            foreach (var (session, attached) in sessions)
            {
                // The files first: a conversation is never stored naming a file that is not there.
                foreach (var file in attached)
                {
                    await file.StoreAsync(blobs, ct);
                }
                created.Add((await store.CreateAsync(session, ct)).Id);
            }
        }
        catch
        {
            foreach (var id in created)
            {
                await store.DeleteAsync(id, CancellationToken.None);
            }
            throw;
        }
        return TypedResults.Created((string?)null, new ImportResult(created));
    }

    private static ProblemHttpResult TooLarge(ImportLimits limits) => ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "body_too_large",
        $"The file is larger than an import takes ({limits.MaxBytes / (1024 * 1024)} MB, Import:MaxBytes).");

    /// <summary>The title as a file name: letters and digits kept (any script), every other run of characters one dash.</summary>
    private static string FileName(string title, string extension)
    {
        var name = new StringBuilder();
        foreach (var c in title)
        {
            if (char.IsLetterOrDigit(c))
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '-')
            {
                name.Append('-');
            }
            if (name.Length >= 60)
            {
                break;
            }
        }
        var stem = name.ToString().Trim('-');
        return (stem.Length == 0 ? "conversation" : stem) + "." + extension;
    }
}
