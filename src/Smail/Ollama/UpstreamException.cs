namespace Smail.Ollama;

/// <summary>What went wrong with the upstream, each with a stable code the API and the page rely on.</summary>
internal enum UpstreamErrorKind
{
    Unreachable,
    ModelNotFound,
    BadRequest,
    Busy,
    ServerError,
    Timeout,
    Stalled,
    ConnectionLost,
    StreamError,
    MalformedResponse,
    Incomplete,
    CircuitOpen,

    /// <summary>A plain 404: the upstream does not have that route (not Ollama, or an older one).</summary>
    RouteMissing,

    /// <summary>401 or 403: the upstream refused the API key (or wants one).</summary>
    Unauthorized,
}

/// <summary>An upstream failure, before or during a stream, with a message a person can act on.</summary>
internal sealed class UpstreamException(UpstreamErrorKind kind, string message, int? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public UpstreamErrorKind Kind { get; } = kind;
    public int? StatusCode { get; } = statusCode;

    /// <summary>How long the upstream asked to be left alone (<c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public string Code => Kind switch
    {
        UpstreamErrorKind.Unreachable => "upstream_unreachable",
        UpstreamErrorKind.ModelNotFound => "model_not_found",
        UpstreamErrorKind.BadRequest => "upstream_bad_request",
        UpstreamErrorKind.Busy => "upstream_busy",
        UpstreamErrorKind.ServerError => "upstream_error",
        UpstreamErrorKind.Timeout => "upstream_timeout",
        UpstreamErrorKind.Stalled => "upstream_stalled",
        UpstreamErrorKind.ConnectionLost => "upstream_connection_lost",
        UpstreamErrorKind.StreamError => "model_error",
        UpstreamErrorKind.MalformedResponse => "upstream_malformed_response",
        UpstreamErrorKind.Incomplete => "upstream_incomplete",
        UpstreamErrorKind.CircuitOpen => "upstream_circuit_open",
        UpstreamErrorKind.RouteMissing => "upstream_route_missing",
        UpstreamErrorKind.Unauthorized => "upstream_unauthorized",
        _ => "upstream_error",
    };

    /// <summary>Whether trying the same request again may succeed; a missing model or a bad request will not.</summary>
    public bool Retryable => Kind is not (UpstreamErrorKind.ModelNotFound or UpstreamErrorKind.BadRequest or UpstreamErrorKind.RouteMissing
        or UpstreamErrorKind.Unauthorized);
}
