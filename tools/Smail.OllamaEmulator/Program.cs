namespace Smail.OllamaEmulator;

internal static class Program
{
    // The Ollama emulator, on Ollama's own address unless --urls says otherwise.
    public static Task Main(string[] args) => OllamaEmulator.Create(args).RunAsync();
}
