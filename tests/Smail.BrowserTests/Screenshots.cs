namespace Smail.BrowserTests;

/// <summary>Where screenshots go: docs/screenshots in the repository, so the README can show them.</summary>
internal static class Screenshots
{
    public static string PathFor(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Smail.slnx")))
        {
            directory = directory.Parent;
        }
        var folder = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
