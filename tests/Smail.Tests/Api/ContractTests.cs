using System.Reflection;
using System.Text.RegularExpressions;
using Smail.Generations;
using Smail.Metrics;
using Smail.Ollama;
using Smail.Tests.Infrastructure;

namespace Smail.Tests.Api;

/// <summary>
/// The page's names of the API (wwwroot/js/contract.js) are the server's names: each list there is compared with
/// the definitions here, so adding an error code, an event, a state or a feature on one side fails until the
/// other side has it too.
/// </summary>
public sealed partial class ContractTests
{
    private static readonly Lazy<Dictionary<string, string[]>> s_page = new(ReadPageContract);

    [Fact]
    public void EventNames_AreTheServers() =>
        Assert.Equal(Constants(typeof(EventTypes)), Sorted(s_page.Value["EVENT_NAMES"]));

    [Fact]
    public void ChangeFeedNames_AreTheServers()
    {
        Assert.Equal(Constants(typeof(Smail.Changes.ChangeTypes)), Sorted(s_page.Value["CHANGE_TYPES"]));
        Assert.Equal(Constants(typeof(Smail.Changes.SessionChanges)), Sorted(s_page.Value["SESSION_CHANGES"]));
    }

    [Fact]
    public void AccountNames_AreTheServers()
    {
        Assert.Equal(Constants(typeof(Smail.Accounts.AuthModes)), Sorted(s_page.Value["AUTH_MODES"]));
        Assert.Equal(Constants(typeof(Smail.Accounts.AccountStatus)), Sorted(s_page.Value["ACCOUNT_STATUSES"]));
    }

    [Fact]
    public void GenerationStates_AreTheServers() =>
        Assert.Equal(Constants(typeof(GenerationStates)), Sorted(s_page.Value["GENERATION_STATES"]));

    [Fact]
    public void DoneReasons_AreTheServers() =>
        Assert.Equal(Constants(typeof(DoneReasons)), Sorted(s_page.Value["DONE_REASONS"]));

    [Fact]
    public void UpstreamAndModelErrorCodes_AreEveryCodeAnUpstreamFailureCanHave()
    {
        var server = Enum.GetValues<UpstreamErrorKind>().Select(kind => new UpstreamException(kind, "").Code).Append("model_required");
        var page = s_page.Value["UPSTREAM_ERROR_CODES"].Concat(s_page.Value["MODEL_ERROR_CODES"]);

        Assert.Equal(Sorted(server), Sorted(page));
        Assert.All(s_page.Value["MODEL_ERROR_CODES"], code => Assert.StartsWith("model_", code, StringComparison.Ordinal));
    }

    [Fact]
    public void FinalUpstreamCodes_AreTheOnesTheServerDoesNotRetry()
    {
        var server = Enum.GetValues<UpstreamErrorKind>().Select(kind => new UpstreamException(kind, ""))
            .Where(e => !e.Retryable && e.Code.StartsWith("upstream_", StringComparison.Ordinal)).Select(e => e.Code);

        Assert.Equal(Sorted(server), Sorted(s_page.Value["FINAL_UPSTREAM_ERROR_CODES"]));
    }

    [Fact]
    public void PullStates_AreTheServers() =>
        Assert.Equal(Constants(typeof(Smail.Models.Pulls.PullStates)), Sorted(s_page.Value["PULL_STATES"]));

    [Fact]
    public void ExportFormats_AreTheServers() =>
        Assert.Equal(Constants(typeof(Smail.Transfer.ExportFormats)), Sorted(s_page.Value["EXPORT_FORMATS"]));

    [Fact]
    public void BrowserFeatures_AreTheOnesTheServerAccepts() =>
        Assert.Equal(Sorted(Features.FromBrowser), Sorted(s_page.Value["BROWSER_FEATURES"]));

    [Fact]
    public void EveryMetricsHistoryFieldTheDashboardReads_IsOneTheServerWrites()
    {
        var js = Path.Combine(SmailProcess.RepoRoot(), "src", "Smail", "wwwroot", "js", "dashboard");
        var dashboard = File.ReadAllText(Path.Combine(js, "dashboard.js"));
        var totals = File.ReadAllText(Path.Combine(js, "totals.js"));

        var bucketFields = BucketField().Matches(dashboard).Select(m => m.Groups[1].Value).ToHashSet();
        var totalFields = TotalsField().Matches(totals).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.NotEmpty(bucketFields);
        Assert.NotEmpty(totalFields);
        Assert.Subset(JsonNames(typeof(MetricsBucket)), bucketFields);
        Assert.Subset(JsonNames(typeof(MetricsTotals)), totalFields);
    }

    private static HashSet<string> JsonNames(Type record) =>
        [.. record.GetProperties().Select(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name))];

    private static string[] Constants(Type type) => Sorted(type.GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!));

    private static string[] Sorted(IEnumerable<string> names) => [.. names.Distinct().Order(StringComparer.Ordinal)];

    private static Dictionary<string, string[]> ReadPageContract()
    {
        var text = File.ReadAllText(Path.Combine(SmailProcess.RepoRoot(), "src", "Smail", "wwwroot", "js", "contract.js"));
        return ExportedList().Matches(text).ToDictionary(
            m => m.Groups["name"].Value,
            m => QuotedName().Matches(m.Groups["items"].Value).Select(q => q.Groups[1].Value).ToArray());
    }

    [GeneratedRegex(@"export const (?<name>[A-Z_]+) = [^\[]*\[(?<items>[^\]]*)\]")]
    private static partial Regex ExportedList();

    [GeneratedRegex(@"'([a-z_]+)'")]
    private static partial Regex QuotedName();

    // The dashboard names a bucket `b` and the totals `totals`.
    [GeneratedRegex(@"\bb\.([a-zA-Z0-9]+)")]
    private static partial Regex BucketField();

    [GeneratedRegex(@"\btotals\.([a-zA-Z0-9]+)")]
    private static partial Regex TotalsField();
}
