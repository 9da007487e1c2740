using Microsoft.Playwright;

namespace Smail.BrowserTests;

/// <summary>
/// One headless Chromium for all browser tests: Debian's own build, because Playwright's browser
/// download cannot work here. Flags keep it from calling home on a closed network.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Browser tests need Debian's Chromium at {ChromiumPath}: apt-get install -y chromium");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>
/// The page tests run in two collections, each with its own Chromium, side by side: a page test spends most of its
/// time waiting for the page, so two at once take about half the time of one after the other. Each collection runs
/// its own classes one at a time. A class goes in the second by naming it (<c>[Collection(BrowserCollection.Second)]</c>);
/// the two hold about the same time of tests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
    public const string Second = "browser-2";
}

[CollectionDefinition(BrowserCollection.Second)]
public sealed class SecondBrowserCollection : ICollectionFixture<BrowserFixture>;
