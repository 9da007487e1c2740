using System.Text.Json;
using Microsoft.Playwright;
using Smail.OllamaEmulator.Scripting;

namespace Smail.BrowserTests;

/// <summary>
/// Files in the page: 📎, a drop or a paste puts them in the tray (uploaded at once, an image as a thumbnail), a
/// vision model gets the image, a model that cannot see is refused before anything is sent, and a sent image shows as
/// a thumbnail that opens full size, after a reload too.
/// </summary>
public sealed class AttachmentsPageTests(BrowserFixture browser) : PageTest(browser)
{
    private const string VisionModel = "gemma3:4b";

    private ILocator Tray => Page.Locator("#attachment-tray");

    /// <summary>A picture drawn by the browser itself (a sunset over the sea), as the PNG a screenshot tool would save.</summary>
    private async Task<byte[]> DrawnPngAsync()
    {
        var dataUrl = await Page.EvaluateAsync<string>("""
            () => {
              const canvas = Object.assign(document.createElement('canvas'), { width: 480, height: 300 });
              const g = canvas.getContext('2d');
              const sky = g.createLinearGradient(0, 0, 0, 300);
              sky.addColorStop(0, '#1e3a8a'); sky.addColorStop(0.6, '#f97316'); sky.addColorStop(1, '#0c4a6e');
              g.fillStyle = sky; g.fillRect(0, 0, 480, 300);
              g.fillStyle = '#fde047'; g.beginPath(); g.arc(240, 190, 46, 0, Math.PI * 2); g.fill();
              g.fillStyle = '#0c4a6e'; g.fillRect(0, 200, 480, 100);
              return canvas.toDataURL('image/png');
            }
            """);
        return Convert.FromBase64String(dataUrl[(dataUrl.IndexOf(',', StringComparison.Ordinal) + 1)..]);
    }

    private async Task AttachAsync(string name, string mimeType, byte[] bytes) =>
        await Page.SetInputFilesAsync("#attach-input", new FilePayload { Name = name, MimeType = mimeType, Buffer = bytes });

    [Fact]
    public async Task AnImage_GoesToAVisionModel_AndShowsAsAThumbnailThatOpensFullSize_AfterAReloadToo()
    {
        await OpenAsync();
        await Page.SelectOptionAsync("#model", VisionModel);
        var picture = await DrawnPngAsync();

        await AttachAsync("sunset.png", "image/png", picture);
        await Assertions.Expect(Tray.Locator(".attachment-chip[data-state='ready'] img")).ToHaveCountAsync(1);
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("A sunset over the sea: the sun is half-way down."));
        await Page.FillAsync("#prompt", "What is in this picture?");
        await ScreenshotAsync("attachments.png");
        await Page.ClickAsync("#send");
        await WaitForAnswerAsync();

        await Assertions.Expect(Tray).ToBeHiddenAsync();
        var sent = Host.Emulator.Requests.Chats.Single().Json.GetProperty("messages")[0];
        Assert.Equal(Convert.ToBase64String(picture), sent.GetProperty("images")[0].GetString());
        var thumbnail = Page.Locator(".message--user .message__image img");
        await Assertions.Expect(thumbnail).ToHaveAttributeAsync("alt", "sunset.png");
        Assert.True(await thumbnail.EvaluateAsync<bool>("(img) => img.complete && img.naturalWidth === 480"));
        await ScreenshotAsync("attachments-sent.png");

        await Page.ReloadAsync();
        await Assertions.Expect(thumbnail).ToBeVisibleAsync();
        Assert.True(await thumbnail.EvaluateAsync<bool>("(img) => img.decode().then(() => img.naturalWidth === 480)"));
        var full = await Page.RunAndWaitForPopupAsync(() => Page.Locator(".message--user .message__image").ClickAsync());
        await full.WaitForLoadStateAsync();
        // The image itself shows in the tab, under the download's sandboxing policy.
        Assert.Equal(480, await full.EvaluateAsync<int>("() => document.images[0]?.naturalWidth ?? 0"));
        Assert.EndsWith($"/attachments/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(picture))}", full.Url, StringComparison.Ordinal);
        Assert.Empty(await AxeViolationsAsync(Page));
        AssertNoPageErrors();
    }

    [Fact]
    public async Task AModelThatCannotSee_IsRefusedAnImage_BeforeAnythingIsSent_AndTheTrayTakesFilesOut()
    {
        await OpenAsync();
        await AttachAsync("dot.png", "image/png", await DrawnPngAsync());
        await Assertions.Expect(Tray.Locator(".attachment-chip[data-state='ready']")).ToHaveCountAsync(1);

        await Page.FillAsync("#prompt", "What is this?");
        await Page.ClickAsync("#send");

        await Assertions.Expect(Page.Locator("#toast")).ToContainTextAsync("llama3.2:latest cannot see images");
        await Assertions.Expect(Page.Locator(".message")).ToHaveCountAsync(0);
        Assert.Empty(Host.Emulator.Requests.Chats);
        await Assertions.Expect(Page.Locator("#prompt")).ToHaveValueAsync("What is this?");
        await Tray.GetByRole(AriaRole.Button, new() { Name = "Remove dot.png" }).ClickAsync();
        await Assertions.Expect(Tray).ToBeHiddenAsync();
        await Assertions.Expect(Page.Locator("#prompt")).ToBeFocusedAsync();
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ADroppedTextFile_AndAPastedImage_GoInTheTray_AndAFileOfAnotherKindIsRefusedWithTheReason()
    {
        await OpenAsync();
        await Page.SelectOptionAsync("#model", VisionModel);
        var picture = Convert.ToBase64String(await DrawnPngAsync());

        // A drop and a paste, as the browser delivers them: events carrying a DataTransfer of files.
        await Page.EvaluateAsync("""
            () => {
              const dropped = new DataTransfer();
              dropped.items.add(new File(['# Notes\n\nThe meeting moved to Friday.\n'], 'notes.md', { type: 'text/markdown' }));
              dropped.items.add(new File(['x'], '<img src=x onerror="document.title=\'pwned\'">.txt', { type: 'text/plain' }));
              document.getElementById('composer').dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
            }
            """);
        await Page.EvaluateAsync("""
            (base64) => {
              const pasted = new DataTransfer();
              pasted.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }));
              document.getElementById('prompt').dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }));
            }
            """, picture);
        await AttachAsync("setup.exe", "application/octet-stream", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]);

        await Assertions.Expect(Tray.Locator(".attachment-chip[data-state='ready']")).ToHaveCountAsync(3);
        // A hostile name is a name: shown as text, never as markup.
        var hostile = Tray.Locator(".attachment-chip", new() { HasText = "<img src=x onerror=" });
        await Assertions.Expect(hostile).ToHaveCountAsync(1);
        await Assertions.Expect(Tray.Locator("img:not(.attachment-chip__thumbnail)")).ToHaveCountAsync(0);
        await hostile.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(Tray.Locator(".attachment-chip[data-state='ready']")).ToHaveCountAsync(2);
        await Assertions.Expect(Tray.Locator(".attachment-chip", new() { HasText = "notes.md" })).ToContainTextAsync("characters");
        await Assertions.Expect(Tray.Locator(".attachment-chip[data-kind='image'] .attachment-chip__name")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^pasted-.*\\.png$"));
        var refused = Tray.Locator(".attachment-chip[data-state='failed']");
        await Assertions.Expect(refused).ToContainTextAsync("“setup.exe” is not an image (PNG, JPEG, GIF or WebP), a PDF or a text file");
        Assert.Empty(await AxeViolationsAsync(Page));

        // The refused one stays out of the message; the others go with it.
        Host.Emulator.Scripts.Enqueue(ChatScript.Answer("The meeting is on Friday."));
        await Page.FillAsync("#prompt", "When is the meeting?");
        await Page.ClickAsync("#send");
        await WaitForAnswerAsync();
        var question = Host.Emulator.Requests.Chats.Single().Json.GetProperty("messages")[0];
        Assert.StartsWith("<file name=\"notes.md\">", question.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, question.GetProperty("images").GetArrayLength());
        await Assertions.Expect(Page.Locator(".message--user .message__file")).ToHaveTextAsync("notes.md");
        Assert.NotEqual("pwned", await Page.TitleAsync());
        AssertNoPageErrorsBut(e => e.StartsWith("Failed to load resource: the server responded with a status of 415", StringComparison.Ordinal));
    }
}
