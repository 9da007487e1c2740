using System.Text.RegularExpressions;

namespace Smail.Sessions;

/// <summary>
/// Ids for conversations, messages and generations: time-ordered GUIDs as 32 lowercase hex digits.
/// Anything else is rejected before it reaches a file path.
/// </summary>
internal static partial class SmailIds
{
    public static string New() => Guid.CreateVersion7().ToString("N");

    public static bool IsValid(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
