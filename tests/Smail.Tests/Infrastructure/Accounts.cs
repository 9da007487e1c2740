using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Smail.Tests.Infrastructure;

/// <summary>Signing people up and in over the real API, each with their own cookie jar, as separate browsers would.</summary>
public static class Accounts
{
    public const string Password = "correct horse battery";

    public static Dictionary<string, string?> LocalMode(string signUp = "open", IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Auth:Mode"] = "local", ["Auth:SignUp"] = signUp };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>A client with its own cookies: another browser.</summary>
    public static HttpClient NewClient(this TestHost host) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true })
        {
            BaseAddress = host.App.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Signs up with <paramref name="client"/>, which then holds the account's cookie if it is active; returns the account.</summary>
    public static async Task<JsonElement> SignUpAsync(this HttpClient client, string username, string password = Password)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/signup", new { username, password });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"sign-up of {username}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient client, string username, string password = Password) =>
        await client.PostAsJsonAsync("/api/auth/signin", new { username, password });

    public static async Task<string> CreateSessionAsync(this HttpClient client, string title = "Mine")
    {
        using var response = await client.PostAsJsonAsync("/api/sessions", new { title, model = "llama3.2" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task<TestHost.Accepted> SendAsync(this HttpClient client, string sessionId, string content)
    {
        using var response = await client.PostAsJsonAsync($"/api/sessions/{sessionId}/messages", new { content });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"send: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<TestHost.Accepted>(JsonSerializerOptions.Web))!;
    }

    public static async Task<string> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
}
