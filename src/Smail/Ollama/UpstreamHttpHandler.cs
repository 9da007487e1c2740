namespace Smail.Ollama;

/// <summary>The socket handler every upstream's HTTP client uses, whatever its wire.</summary>
internal static class UpstreamHttpHandler
{
    public static SocketsHttpHandler Create(TimeSpan connectTimeout) => new()
    {
        ConnectTimeout = connectTimeout,
        // Never drain an abandoned answer: closing the socket is what tells the model server to stop generating.
        ResponseDrainTimeout = TimeSpan.Zero,
        MaxResponseDrainSize = 0,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
