using System.Text.RegularExpressions;

namespace Smail.Accounts;

/// <summary>What a user name may be: 1–64 letters, digits, and <c>. _ - @</c>, so it is safe in a log line, a header and a page.</summary>
internal static partial class Usernames
{
    public const int MinimumPasswordLength = 8;
    public const int MaximumPasswordLength = 1024;

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex(@"^[\p{L}\p{Nd}._@-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
