using System.Text.Json;

namespace Smail.BrowserTests;

/// <summary>
/// The streaming renderer, as the page runs it: a corpus of markdown streamed in every way it can be cut
/// must end as the same DOM as rendering the whole answer at once.
/// </summary>
[Collection(BrowserCollection.Second)]
public sealed class MarkdownStreamingTests(BrowserFixture browser) : PageTest(browser)
{
    private static readonly string[] s_corpus =
    [
        "Steps:\n\n1. first,\n2. second\n",
        "- a\n- b\n  - nested b1\n  - nested b2\n    1. deep\n- c\n\nAfter the list.",
        "1. loose one\n\n2. loose two\n\n   continued in two\n\n3) other marker\n",
        "* star\n+ plus\n- dash\n\n- [ ] task\n- [x] done\n",
        "| step | minutes |\n| --- | ---: |\n| boil | 4 |\n| steep | 3 |\n\nEnjoy!",
        "```python\nprint(\"hi\")\n\n\nx = 1\n```\n\n~~~\ntilde fence\n~~~\n\n    indented code\n\nend",
        "# Title\n\nSetext heading\n==============\n\n## Two *em* `code`\n\ntext\n---\n\n***\n",
        "> quote\nlazy line\n> > nested\n\n> second quote\n\nplain",
        "<div class=\"x\">\n\n*inside html*\n\n</div>\n\n<b>inline</b> html and <span class=\"y\">a span</span>",
        "Line one\r\nline two\r\n\r\n1. crlf item\r\n2. crlf item two\r\n\r\n```\r\ncode\r\n```\r\n",
        "[ref]: https://example.com/a\n\nSee [ref] and [ref][] and **bold _nested_ text**.\n\nHard  \nbreak",
        "Empty items:\n\n1. \n2. \n\n- \n\nThen text.",
    ];

    [Fact]
    public async Task EveryAnswer_SplitAtEveryPoint_EndsAsTheOneShotRender()
    {
        await Page.GotoAsync("/");
        var failures = await Page.EvaluateAsync<JsonElement>(
            """
            async (corpus) => {
              const { StreamingMarkdown } = await import('/js/streaming-markdown.js');
              const { renderMarkdown } = await import('/js/markdown.js');
              // Compared without the whitespace marked puts between blocks, which is not content.
              const html = (node) => node.innerHTML.replace(/>\s+</g, '><').trim();
              const streamed = (pieces) => {
                const container = document.createElement('div');
                const markdown = new StreamingMarkdown(container);
                for (const piece of pieces) markdown.append(piece);
                for (const tail of container.querySelectorAll('.md-tail')) tail.replaceWith(...tail.childNodes);
                return html(container);
              };
              const cuts = (text) => {
                const ways = [];
                for (let i = 1; i < text.length; i++) ways.push([text.slice(0, i), text.slice(i)]);
                ways.push([...text]);
                for (let seed = 1; seed <= 5; seed++) {
                  const pieces = [];
                  let at = 0, state = seed;
                  while (at < text.length) {
                    state = (state * 1103515245 + 12345) % 2147483648;
                    const size = 1 + (state % 9);
                    pieces.push(text.slice(at, at + size));
                    at += size;
                  }
                  ways.push(pieces);
                }
                return ways;
              };
              const failures = [];
              for (const text of corpus) {
                const whole = document.createElement('div');
                whole.append(renderMarkdown(text));
                const expected = html(whole);
                for (const pieces of cuts(text)) {
                  const actual = streamed(pieces);
                  if (actual !== expected) {
                    failures.push({ pieces, expected, actual });
                    break;
                  }
                }
              }
              return failures;
            }
            """, s_corpus);

        Assert.True(failures.GetArrayLength() == 0, $"streamed DOM differs from the one-shot render: {failures}");
        AssertNoPageErrors();
    }
}
