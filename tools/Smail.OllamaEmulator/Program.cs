// The Ollama emulator, on Ollama's own address unless --urls says otherwise.
await Smail.OllamaEmulator.OllamaEmulator.Create(args).RunAsync();
