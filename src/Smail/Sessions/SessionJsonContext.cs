using System.Text.Json;
using System.Text.Json.Serialization;

namespace Smail.Sessions;

/// <summary>The on-disk format: camelCase, indented so a person can read a conversation file.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Session))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
