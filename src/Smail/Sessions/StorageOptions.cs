namespace Smail.Sessions;

internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The folder of the JSON session store; relative paths are under the working directory.</summary>
    public string Path { get; set; } = "data";
}
