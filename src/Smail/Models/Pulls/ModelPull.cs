using System.Diagnostics;
using Smail.Ollama;

namespace Smail.Models.Pulls;

/// <summary>
/// One model being downloaded by an Ollama upstream, owned by the server: it goes on when the page that started it
/// is closed, and any admin's page shows it. Progress comes from Ollama's lines; the speed is averaged over the last
/// few seconds so one burst does not make the time left jump about.
/// </summary>
internal sealed class ModelPull(string id, string model, string upstream, DateTimeOffset startedAt)
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly Dictionary<string, (long Completed, long Total)> _layers = new(StringComparer.Ordinal);
    private readonly Queue<(long Timestamp, long Completed)> _samples = new();
    private string _state = PullStates.Running;
    private string _status = "starting";
    private string? _error;
    private string? _errorCode;

    private static readonly TimeSpan s_speedWindow = TimeSpan.FromSeconds(5);

    public string Id => id;
    public string Model => model;
    public string Upstream => upstream;
    public CancellationToken Cancelled => _cancel.Token;
    public DateTimeOffset? EndedAt { get; private set; }

    public bool IsRunning
    {
        get { lock (_lock) { return _state == PullStates.Running; } }
    }

    /// <summary>Takes in one of Ollama's lines; true when the status changed (worth telling at once).</summary>
    public bool Record(OllamaPullProgress progress)
    {
        lock (_lock)
        {
            var changed = progress.Status is { } status && status != _status;
            _status = progress.Status ?? _status;
            if (progress.Digest is { } digest && progress.Total is > 0 and var total)
            {
                _layers[digest] = (Math.Min(progress.Completed ?? 0, total), total);
                var now = Stopwatch.GetTimestamp();
                _samples.Enqueue((now, _layers.Values.Sum(l => l.Completed)));
                while (_samples.Count > 2 && Stopwatch.GetElapsedTime(_samples.Peek().Timestamp, now) > s_speedWindow)
                {
                    _samples.Dequeue();
                }
            }
            return changed;
        }
    }

    public void End(string state, DateTimeOffset at, string? error = null, string? errorCode = null)
    {
        lock (_lock)
        {
            if (_state != PullStates.Running)
            {
                return;
            }
            _state = state;
            _error = error;
            _errorCode = errorCode;
            EndedAt = at;
            if (state == PullStates.Succeeded)
            {
                _status = "success";
            }
        }
    }

    public void Cancel() => _cancel.Cancel();

    public PullView View()
    {
        lock (_lock)
        {
            var completed = _layers.Values.Sum(l => l.Completed);
            var total = _layers.Values.Sum(l => l.Total);
            var speed = 0.0;
            if (_samples.Count >= 2)
            {
                var (firstAt, firstBytes) = _samples.Peek();
                var (lastAt, lastBytes) = _samples.Last();
                var seconds = Stopwatch.GetElapsedTime(firstAt, lastAt).TotalSeconds;
                speed = seconds > 0 ? (lastBytes - firstBytes) / seconds : 0;
            }
            double? left = _state == PullStates.Running && speed > 0 && total > completed ? (total - completed) / speed : null;
            return new PullView(id, model, upstream, _state, _status, completed, total, Math.Round(speed), left is { } l ? Math.Round(l, 1) : null,
                _error, _errorCode, startedAt);
        }
    }
}
