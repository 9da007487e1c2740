using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Smail.Accounts;
using Smail.Problems;
using Smail.Sessions;

namespace Smail.Attachments;

/// <summary>
/// Files for a conversation: uploaded one at a time (the body is the file), named by messages, and served back only
/// to the conversation's owner. Design: docs/decisions/0012-attachments.md.
/// </summary>
internal static class AttachmentsApi
{
    public const string UnsupportedFile = "unsupported_file";

    public static IServiceCollection AddAttachments(this IServiceCollection services, bool postgres)
    {
        services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (postgres)
        {
            services.AddSingleton<IAttachmentBlobs, Postgres.PostgresAttachmentBlobs>();
        }
        else
        {
            services.AddSingleton<IAttachmentBlobs, FileAttachmentBlobs>();
        }
        services.AddSingleton<AttachmentReader>();
        services.AddSingleton<VisionCheck>();
        return services;
    }

    public static RouteGroupBuilder MapAttachmentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions/{id}/attachments").WithTags("Attachments");
        group.MapPost("/", UploadAsync);
        group.MapGet("/{attachmentId}", DownloadAsync);
        return group;
    }

    /// <summary>
    /// Takes the request body as one file named by <paramref name="name"/>. What it is comes from its bytes
    /// (<see cref="FileSniffer"/>); its limits from <see cref="AttachmentOptions"/>. Nothing is stored unless all is well.
    /// </summary>
    public static async Task<Results<Created<Attachment>, ProblemHttpResult>> UploadAsync(
        string id, string? name, HttpContext context, OwnedSessions store, IAttachmentBlobs blobs, IOptions<AttachmentOptions> options,
        Metrics.SmailMetrics metrics, CancellationToken ct)
    {
        var limits = options.Value;
        if (await store.GetAsync(id, ct) is not { } session)
        {
            return ApiProblems.SessionNotFound(id);
        }
        if (session.Attachments?.Count >= limits.MaxPerConversation)
        {
            return ApiProblems.Invalid("too_many_files", $"This conversation holds {limits.MaxPerConversation} files, the most it can (Attachments:MaxPerConversation).");
        }
        if (!RequestBodyLimit.Allow(context, limits.MaxBytes))
        {
            return TooLarge($"This file is larger than the {AttachmentIntake.Megabytes(limits.MaxBytes)} a file may be.");
        }
        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge($"This file is larger than the {AttachmentIntake.Megabytes(limits.MaxBytes)} a file may be.");
        }
        var intake = await Task.Run(() => AttachmentIntake.Read(bytes, name, limits), ct);
        if (intake.Attachment is not { } attachment)
        {
            return ApiProblems.Create(intake.Status, intake.Code!, intake.Detail!);
        }
        await intake.StoreAsync(blobs, ct);
        var stored = await store.UpdateAsync(id, current => current.FindAttachment(attachment.Id) is not null
            ? current
            : current with { Attachments = (current.Attachments ?? []).Add(attachment) }, ct);
        if (stored is null)
        {
            return ApiProblems.SessionNotFound(id);
        }
        // The same bytes uploaded again are the attachment already here, with the name it was first given.
        var kept = stored.FindAttachment(attachment.Id)!;
        metrics.Used(Metrics.Features.FileAttached);
        return TypedResults.Created($"/api/sessions/{id}/attachments/{kept.Id}", kept);
    }

    /// <summary>
    /// The file, to its conversation's owner only. Its bytes never change (the id is their hash), so it may be cached for
    /// good. It is sandboxed: even a file a browser would take for a page cannot run script from Smail's origin.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(
        string id, string attachmentId, HttpContext context, OwnedSessions store, IAttachmentBlobs blobs, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } session)
        {
            return ApiProblems.SessionNotFound(id);
        }
        if (!AttachmentIds.IsValid(attachmentId) || session.FindAttachment(attachmentId) is not { } attachment
            || await blobs.GetAsync(attachment.Id, ct) is not { } bytes)
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, "attachment_not_found", $"This conversation has no file '{Shorten(attachmentId)}'.");
        }
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
        headers.CacheControl = "private, max-age=31536000, immutable";
        // filename* as well as filename: a name in any script survives the download.
        var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue(attachment.Kind == AttachmentKinds.Image ? "inline" : "attachment");
        disposition.SetHttpFileName(attachment.Name);
        headers.ContentDisposition = disposition.ToString();
        var contentType = attachment.Kind == AttachmentKinds.Image || attachment.MediaType == FileSniffer.Pdf ? attachment.MediaType : "text/plain; charset=utf-8";
        return TypedResults.File(bytes, contentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{attachment.Id}\""));
    }

    private static ProblemHttpResult TooLarge(string detail) => ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "body_too_large", detail);

    private static string Shorten(string text) => text.Length <= 70 ? text : text[..70] + "…";
}

internal static class FileNames
{
    public const int MaxLength = 200;

    /// <summary>A name to show and to download as: no folders, no control characters, not empty, not too long.</summary>
    public static string Clean(string? name)
    {
        var last = (name ?? "").Replace('\\', '/').Split('/').LastOrDefault() ?? "";
        var clean = new string([.. last.Where(c => !char.IsControl(c))]).Trim();
        clean = clean.Length > MaxLength ? clean[..MaxLength] : clean;
        return clean is "" or "." or ".." ? "file" : clean;
    }
}
