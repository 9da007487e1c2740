namespace Smail.Generations;

/// <summary>
/// A generation's event frames, back to back in pages of 2 KiB (about 30 tokens each), so an answer is a
/// few objects instead of one per token, and at most one page is partly empty. Larger or growing pages
/// were tried: their empty tails, a thousand answers at a time, were most of what each collection copied.
/// Written by the log under its lock; a page's written bytes never change, so readers need no lock.
/// </summary>
internal sealed class FramePages
{
    private const int PageSize = 2048;

    private byte[] _page = [];
    private int _used;

    /// <summary>Copies the frame into the current page, or a new one when it does not fit; returns where it is.</summary>
    public (byte[] Page, int Start) Store(ReadOnlySpan<byte> frame)
    {
        if (_page.Length - _used < frame.Length)
        {
            _page = new byte[Math.Max(PageSize, frame.Length)];
            _used = 0;
        }
        var start = _used;
        frame.CopyTo(_page.AsSpan(start));
        _used += frame.Length;
        return (_page, start);
    }
}
