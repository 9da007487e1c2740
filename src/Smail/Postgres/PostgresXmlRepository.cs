using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Smail.Postgres;

/// <summary>
/// The data-protection keys (which encrypt sign-in cookies) in PostgreSQL, so that every instance can read a cookie
/// any other wrote: without them, a load balancer without stickiness would sign people out at random. ASP.NET Core
/// asks for keys synchronously, rarely (at start, and when a key is due), so the calls here are
/// synchronous too.
/// </summary>
internal sealed class PostgresXmlRepository(PostgresDatabase database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => database.Run(connection =>
    {
        using var command = new NpgsqlCommand("SELECT xml FROM data_protection_keys ORDER BY name", connection);
        using var reader = command.ExecuteReader();
        var keys = new List<XElement>();
        while (reader.Read())
        {
            keys.Add(XElement.Parse(reader.GetString(0)));
        }
        return keys;
    });

    public void StoreElement(XElement element, string friendlyName) => database.Run(connection =>
    {
        // A key is written once under its own name; two instances creating keys at once each keep theirs.
        using var command = new NpgsqlCommand("INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING", connection);
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        return command.ExecuteNonQuery();
    });
}
