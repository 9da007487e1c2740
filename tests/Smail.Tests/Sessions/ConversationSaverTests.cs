using Microsoft.Extensions.Logging.Abstractions;
using Smail.Sessions;

namespace Smail.Tests.Sessions;

/// <summary>The saver's thread, after it has stopped: a late call gets an answer, never a task that waits forever.</summary>
public sealed class ConversationSaverTests
{
    [Fact]
    public async Task AfterItStopped_AFlushCompletes_AWriteIsRefused_AndNothingHangs()
    {
        var folder = Directory.CreateTempSubdirectory("smail-saver-").FullName;
        var saver = new ConversationSaver(folder, _ => ConversationSaver.Outcome.Saved, NullLogger.Instance);
        await saver.WriteAsync(Path.Combine(folder, "before.json"), "{}"u8.ToArray());
        saver.Dispose();

        await saver.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => saver.WriteAsync(Path.Combine(folder, "after.json"), "{}"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.True(File.Exists(Path.Combine(folder, "before.json")));
        Assert.False(File.Exists(Path.Combine(folder, "after.json")));
        Directory.Delete(folder, recursive: true);
    }
}
