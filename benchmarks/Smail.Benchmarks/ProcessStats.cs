using System.Globalization;

namespace Smail.Benchmarks;

/// <summary>CPU time and resident memory of another process, from /proc.</summary>
internal static class ProcessStats
{
    /// <summary>User plus system CPU time so far.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>The process and every process under it now (PostgreSQL's backends under its postmaster, say).</summary>
    public static IReadOnlyList<int> WithDescendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out var id))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                    parents[id] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // Gone meanwhile.
                }
            }
        }
        var all = new List<int> { pid };
        for (var i = 0; i < all.Count; i++)
        {
            all.AddRange(parents.Where(p => p.Value == all[i]).Select(p => p.Key));
        }
        return all;
    }

    /// <summary>CPU time of each process of a group now; a process gone since counts what it had at the last reading.</summary>
    public static Dictionary<int, TimeSpan> CpuTimes(IEnumerable<int> pids)
    {
        var times = new Dictionary<int, TimeSpan>();
        foreach (var pid in pids)
        {
            try
            {
                times[pid] = CpuTime(pid);
            }
            catch (IOException)
            {
                // Gone.
            }
        }
        return times;
    }

    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }
}
