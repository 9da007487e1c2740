using System.Text;
using Smail.Sessions;

namespace Smail.Attachments;

/// <summary>What the model is given of the files sent with the messages before an answer: images as base64, files as text.</summary>
internal sealed class AttachmentReader(IAttachmentBlobs blobs)
{
    public async Task<IReadOnlyDictionary<string, LoadedAttachment>> BeforeAsync(Session session, string answerId, CancellationToken cancellationToken)
    {
        var loaded = new Dictionary<string, LoadedAttachment>(StringComparer.Ordinal);
        foreach (var message in new ConversationTree(session).Before(answerId))
        {
            foreach (var id in message.Attachments ?? [])
            {
                // A blob that is gone (a store copied without its files) leaves its message without it, not without an answer.
                if (loaded.ContainsKey(id) || session.FindAttachment(id) is not { } attachment
                    || await blobs.GetAsync(attachment.TextId ?? attachment.Id, cancellationToken) is not { } bytes)
                {
                    continue;
                }
                loaded[id] = attachment.Kind == AttachmentKinds.Image
                    ? new LoadedAttachment(attachment, Convert.ToBase64String(bytes), null)
                    : new LoadedAttachment(attachment, null, Encoding.UTF8.GetString(bytes));
            }
        }
        return loaded;
    }
}

/// <summary>A file as the model gets it: <see cref="ImageBase64"/> for an image, <see cref="Text"/> for the others.</summary>
internal sealed record LoadedAttachment(Attachment Attachment, string? ImageBase64, string? Text);
