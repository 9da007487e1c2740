using System.Runtime.CompilerServices;
using Smail.Ollama;

namespace Smail.Upstreams;

/// <summary>One configured model server, its client, and how it carries on a broken-off answer (<see cref="UpstreamContinuation"/>).</summary>
internal sealed record NamedUpstream(string Name, string Type, IChatUpstream Client, string Continuation)
{
    /// <summary>Whether it continues the text so far, so a retry mid-answer is seamless; otherwise the answer restarts.</summary>
    public bool Continues => Continuation != UpstreamContinuation.Restart;
}

/// <summary>What one upstream said when asked for its models: the models, or why not.</summary>
internal sealed record UpstreamListing(NamedUpstream Upstream, IReadOnlyList<UpstreamModel> Models, UpstreamException? Error);

/// <summary>
/// Every configured upstream behind the one seam the rest of Smail uses. A model's id says where it runs: with
/// one upstream the id is the model's own name, as before there were several; with more it is
/// <c>{upstream}/{model}</c>. An id without a known upstream (a conversation from before a second upstream was
/// added) goes to the first one, so old conversations keep their model.
/// </summary>
internal sealed class RoutingUpstream(IReadOnlyList<NamedUpstream> upstreams) : IChatUpstream
{
    public IReadOnlyList<NamedUpstream> Upstreams => upstreams;

    private bool Single => upstreams.Count == 1;

    public string IdOf(NamedUpstream upstream, string model) => Single ? model : $"{upstream.Name}/{model}";

    /// <summary>The upstream that serves <paramref name="id"/>, and the model's own name there.</summary>
    public (NamedUpstream Upstream, string Model) Resolve(string id)
    {
        if (!Single && id.IndexOf('/', StringComparison.Ordinal) is var slash and > 0
            && upstreams.FirstOrDefault(u => u.Name == id[..slash]) is { } named)
        {
            return (named, id[(slash + 1)..]);
        }
        return (upstreams[0], id);
    }

    public async IAsyncEnumerable<UpstreamChunk> StreamChatAsync(UpstreamChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (upstream, model) = Resolve(request.Model);
        await foreach (var chunk in upstream.Client.StreamChatAsync(request with { Model = model }, cancellationToken))
        {
            yield return chunk;
        }
    }

    /// <summary>Every upstream's models, each with its id and upstream; an upstream that fails says why, and the others still list.</summary>
    public async Task<IReadOnlyList<UpstreamListing>> ListEachAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(upstreams.Select(async upstream =>
        {
            try
            {
                var models = await upstream.Client.ListModelsAsync(cancellationToken);
                return new UpstreamListing(upstream, [.. models.Select(m => m with { Id = IdOf(upstream, m.Name), Upstream = upstream.Name })], null);
            }
            catch (UpstreamException ex)
            {
                return new UpstreamListing(upstream, [], ex);
            }
        }));

    /// <summary>All models; fails only when every upstream does (with the first one's reason).</summary>
    public async Task<IReadOnlyList<UpstreamModel>> ListModelsAsync(CancellationToken cancellationToken)
    {
        var listings = await ListEachAsync(cancellationToken);
        if (listings.All(l => l.Error is not null))
        {
            throw listings[0].Error!;
        }
        return [.. listings.SelectMany(l => l.Models)];
    }

    /// <summary>Reachable while any upstream is; the version of each that answers.</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken)
    {
        if (Single)
        {
            return await upstreams[0].Client.GetVersionAsync(cancellationToken);
        }
        var answers = await Task.WhenAll(upstreams.Select(async u =>
        {
            try
            {
                return (u.Name, Version: await u.Client.GetVersionAsync(cancellationToken), Error: (UpstreamException?)null);
            }
            catch (UpstreamException ex)
            {
                return (u.Name, Version: (string?)null, Error: ex);
            }
        }));
        if (answers.All(a => a.Error is not null))
        {
            throw answers[0].Error!;
        }
        return string.Join("; ", answers.Where(a => a.Version is not null).Select(a => $"{a.Name} {a.Version}"));
    }

    public Task<IReadOnlyList<string>> GetCapabilitiesAsync(string model, CancellationToken cancellationToken)
    {
        var (upstream, name) = Resolve(model);
        return upstream.Client.GetCapabilitiesAsync(name, cancellationToken);
    }

    public Task<bool> IsLoadedAsync(string model, CancellationToken cancellationToken)
    {
        var (upstream, name) = Resolve(model);
        return upstream.Client.IsLoadedAsync(name, cancellationToken);
    }
}
