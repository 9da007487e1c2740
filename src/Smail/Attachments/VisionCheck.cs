using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Smail.Ollama;
using Smail.Problems;
using Smail.Sessions;
using Smail.Upstreams;

namespace Smail.Attachments;

/// <summary>
/// Checks the files named for a message before anything is sent: each must be the conversation's, there may be only so
/// many, and images only go to a model that can see (its <c>vision</c> capability). The person hears why at once,
/// instead of from an answer that ignored the picture.
/// </summary>
internal sealed class VisionCheck(RoutingUpstream upstreams, IOptions<AttachmentOptions> options)
{
    public async Task<ProblemHttpResult?> RefusalAsync(Session session, IReadOnlyList<string>? attachmentIds, string model, CancellationToken cancellationToken)
    {
        if (attachmentIds is not { Count: > 0 })
        {
            return null;
        }
        if (attachmentIds.Count > options.Value.MaxPerMessage)
        {
            return ApiProblems.Invalid("too_many_files", $"A message may carry {options.Value.MaxPerMessage} files at most (Attachments:MaxPerMessage).");
        }
        var images = new List<Attachment>();
        foreach (var id in attachmentIds)
        {
            if (id is null || session.FindAttachment(id) is not { } attachment)
            {
                return ApiProblems.Create(StatusCodes.Status404NotFound, "attachment_not_found",
                    "A file named for this message was not uploaded to this conversation.");
            }
            if (attachment.Kind == AttachmentKinds.Image)
            {
                images.Add(attachment);
            }
        }
        if (images.Count == 0)
        {
            return null;
        }
        IReadOnlyList<string> capabilities;
        try
        {
            capabilities = await upstreams.GetCapabilitiesAsync(model, cancellationToken);
        }
        catch (UpstreamException)
        {
            // The model's server cannot say now; the answer's own request reports what is wrong with it.
            return null;
        }
        return capabilities.Contains(ModelCapabilities.Vision)
            ? null
            : ApiProblems.Invalid("model_cannot_see",
                $"{model} cannot see images, so “{images[0].Name}”{(images.Count > 1 ? $" and {images.Count - 1} more" : "")} would be ignored. Choose a model with vision, or send the message without the image.");
    }
}
