namespace Smail.Generations;

/// <summary>
/// A generation's event frames, back to back in byte pages that start small and double up to 16 KiB, so
/// a short answer wastes little and a long one is a few dozen objects instead of one per token. Written
/// by the log under its lock; a page's written bytes never change, so readers need no lock to read them.
/// </summary>
internal sealed class FramePages
{
    private const int FirstPageSize = 1024;
    private const int LargestPageSize = 16 * 1024;

    private byte[] _page = [];
    private int _used;

    /// <summary>Copies the frame into the current page, or a new one when it does not fit; returns where it is.</summary>
    public (byte[] Page, int Start) Store(ReadOnlySpan<byte> frame)
    {
        if (_page.Length - _used < frame.Length)
        {
            var size = Math.Clamp(_page.Length * 2, FirstPageSize, LargestPageSize);
            _page = new byte[Math.Max(size, frame.Length)];
            _used = 0;
        }
        var start = _used;
        frame.CopyTo(_page.AsSpan(start));
        _used += frame.Length;
        return (_page, start);
    }
}
