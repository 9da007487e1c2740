using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Api;

/// <summary>Bad input gets problem+json with a stable code, and changes nothing else.</summary>
public sealed class RequestValidationTests : HostedTest
{
    private string _session = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _session = await Host.CreateSessionAsync();
    }

    private async Task<(HttpStatusCode Status, string? ContentType, string Code, string Detail)> SendRawAsync(
        HttpMethod method, string url, string? body, string contentType = "application/json", bool expectContinue = false)
    {
        // With Expect: 100-continue (as curl sends for large bodies) the client waits for the verdict
        // before sending; without it, an early 413 can race the upload and reset the connection.
        using var request = new HttpRequestMessage(method, url) { Headers = { ExpectContinue = expectContinue } };
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }
        using var response = await Host.Client.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            problem.GetProperty("code").GetString()!, problem.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "");
    }

    private async Task<string> StoredFileAsync() => await Host.Client.GetStringAsync($"/api/sessions/{_session}");

    [Theory]
    [InlineData("{\"content\": \"hi\"", "malformed_json")]
    [InlineData("not json at all", "malformed_json")]
    [InlineData("{\"content\": 42}", "malformed_json")]
    [InlineData("{\"content\": \"\"}", "empty_content")]
    [InlineData("{\"content\": \"   \\n  \"}", "empty_content")]
    [InlineData("{}", "empty_content")]
    [InlineData("{\"content\": \"hi\", \"model\": \"../../etc/passwd\"}", "invalid_model")]
    [InlineData("{\"content\": \"hi\", \"options\": {\"temperature\": {\"nested\": 1}}}", "invalid_options")]
    public async Task SendingABadMessage_Is400WithACode_AndLeavesTheConversationAsItWas(string body, string code)
    {
        var before = await StoredFileAsync();

        var (status, contentType, actualCode, detail) = await SendRawAsync(HttpMethod.Post, $"/api/sessions/{_session}/messages", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(code, actualCode);
        Assert.False(string.IsNullOrWhiteSpace(detail));
        Assert.Equal(before, await StoredFileAsync());
        Assert.Empty(Host.Emulator.Requests.Chats);
    }

    [Fact]
    public async Task AMessageOverTheLengthLimit_Is400ContentTooLong()
    {
        var body = JsonSerializer.Serialize(new { content = new string('x', 100_001) });

        var (status, _, code, _) = await SendRawAsync(HttpMethod.Post, $"/api/sessions/{_session}/messages", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("content_too_long", code);
    }

    [Fact]
    public async Task ABodyOverOneMegabyte_Is413BodyTooLarge()
    {
        var body = JsonSerializer.Serialize(new { content = new string('x', 2 * 1024 * 1024) });

        var (status, _, code, _) = await SendRawAsync(HttpMethod.Post, $"/api/sessions/{_session}/messages", body, expectContinue: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("body_too_large", code);
    }

    [Fact]
    public async Task ABodyThatIsNotJson_Is415()
    {
        var (status, _, code, _) = await SendRawAsync(HttpMethod.Post, $"/api/sessions/{_session}/messages", "content=hi", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("unsupported_media_type", code);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("not-an-id")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("...")]
    public async Task UnknownOrHostileSessionIds_Are404SessionNotFound_OnEveryEndpoint(string id)
    {
        var get = await SendRawAsync(HttpMethod.Get, $"/api/sessions/{id}", null);
        var send = await SendRawAsync(HttpMethod.Post, $"/api/sessions/{id}/messages", "{\"content\":\"hi\"}");
        var patch = await SendRawAsync(HttpMethod.Patch, $"/api/sessions/{id}", "{\"title\":\"x\"}");
        var delete = await SendRawAsync(HttpMethod.Delete, $"/api/sessions/{id}", null);

        Assert.All([get, send, patch, delete], r => Assert.Equal((HttpStatusCode.NotFound, "session_not_found"), (r.Status, r.Code)));
        Assert.Single((await Host.Client.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task AnUnknownGeneration_Is404GenerationNotFound()
    {
        var events = await SendRawAsync(HttpMethod.Get, "/api/generations/0123456789abcdef0123456789abcdef/events", null);
        var stop = await SendRawAsync(HttpMethod.Post, "/api/generations/nope/stop", null);

        Assert.Equal((HttpStatusCode.NotFound, "generation_not_found"), (events.Status, events.Code));
        Assert.Equal((HttpStatusCode.NotFound, "generation_not_found"), (stop.Status, stop.Code));
    }

    [Theory]
    [InlineData("{\"title\": \"\"}", "invalid_title")]
    [InlineData("{\"model\": \"bad model name\"}", "invalid_model")]
    [InlineData("[1,2]", "malformed_json")]
    public async Task BadSessionChanges_Are400_AndChangeNothing(string body, string code)
    {
        var before = await StoredFileAsync();

        var (status, _, actualCode, _) = await SendRawAsync(HttpMethod.Patch, $"/api/sessions/{_session}", body);

        Assert.Equal((HttpStatusCode.BadRequest, code), (status, actualCode));
        Assert.Equal(before, await StoredFileAsync());
    }

    [Fact]
    public async Task AnUnknownRoute_IsAProblemWithACode()
    {
        var (status, contentType, code, _) = await SendRawAsync(HttpMethod.Get, "/api/nothing-here", null);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("not_found", code);
    }
}
