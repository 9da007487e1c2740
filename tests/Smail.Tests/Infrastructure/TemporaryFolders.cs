namespace Smail.Tests.Infrastructure;

/// <summary>Removes a test's temporary folder once what used it has stopped.</summary>
internal static class TemporaryFolders
{
    /// <summary>
    /// Deletes <paramref name="folder"/> and all in it. A file may still appear in it while it is deleted (seen once under
    /// a loaded pair run, as a host stopped), so a folder found not empty is deleted again; after a few tries it is left in
    /// the system's temporary folder. A test's result never depends on its clean-up.
    /// </summary>
    public static void Delete(string folder)
    {
        for (var attempt = 1; Directory.Exists(folder); attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException) when (attempt >= 5)
            {
                return;
            }
            catch (IOException)
            {
                // Something wrote into it meanwhile: what is there now is deleted on the next pass.
            }
        }
    }
}
