namespace Smail.Transfer;

/// <summary>The formats a conversation downloads in (<c>?format=</c>); the page's <c>EXPORT_FORMATS</c> are these.</summary>
internal static class ExportFormats
{
    public const string Markdown = "markdown";
    public const string Json = "json";
}
