using System.Text.Json;
using System.Text.Json.Serialization;

namespace Smail.Transfer;

/// <summary>The export file: camelCase and indented, like the stored conversations, so a person can read it.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SmailExport))]
[JsonSerializable(typeof(ImportResult))]
internal sealed partial class TransferJsonContext : JsonSerializerContext;

/// <summary>What an import answers: the new conversations' ids, in the file's order.</summary>
internal sealed record ImportResult(IReadOnlyList<string> Sessions);
