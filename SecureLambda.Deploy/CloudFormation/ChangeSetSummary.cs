using System.Globalization;
using System.Text;
using SecureLambda.Aws.CloudFormation;

namespace SecureLambda.Deploy.CloudFormation;

/// <summary>The change set as a table a reviewer reads before executing it.</summary>
public static class ChangeSetSummary
{
    private static readonly string[] Headers = ["Action", "LogicalResourceId", "ResourceType", "Replacement"];

    /// <summary>
    /// One row per resource change. <c>Replacement</c> is CloudFormation's own <c>True</c>/<c>False</c>/<c>Conditional</c>
    /// for a Modify and blank for Add and Remove, where the API leaves it out
    /// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html).
    /// </summary>
    public static string Render(ChangeSetDescription changeSet)
    {
        ArgumentNullException.ThrowIfNull(changeSet);
        var rows = changeSet.Changes
            .Select(change => new[] { change.Action, change.LogicalResourceId, change.ResourceType, change.Replacement ?? "" })
            .ToList();
        var widths = Enumerable.Range(0, Headers.Length)
            .Select(column => rows.Select(row => row[column].Length).Append(Headers[column].Length).Max())
            .ToArray();

        var destructive = Destructive(changeSet);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Change set {changeSet.ChangeSetName}: {rows.Count} change(s)");
        if (destructive.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {destructive.Count} destructive ({string.Join(", ", destructive.Select(change => $"{change.Action} {change.LogicalResourceId}"))}): executing it needs consent");
        }

        text.AppendLine();
        AppendRow(text, Headers, widths);
        AppendRow(text, widths.Select(width => new string('-', width)).ToArray(), widths);
        foreach (var row in rows)
        {
            AppendRow(text, row, widths);
        }

        return text.ToString();
    }

    /// <summary>
    /// The rows that delete something: a Remove, and a Modify whose Replacement is <c>True</c> or <c>Conditional</c> (which
    /// may replace). The API's own deployment revisions are left out: removing the superseded
    /// <c>AWS::ApiGateway::Deployment</c> is how the stage moves to the new one (<see cref="ApiDeploymentRevision"/>).
    /// </summary>
    public static IReadOnlyList<ResourceChange> Destructive(ChangeSetDescription changeSet)
    {
        ArgumentNullException.ThrowIfNull(changeSet);
        return changeSet.Changes
            .Where(change => change.Action == "Remove" || change.Replacement is "True" or "Conditional")
            .Where(change => ApiDeploymentRevision.OriginalId(change.LogicalResourceId, change.ResourceType) is null)
            .ToList();
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths) =>
        text.AppendLine(string.Join("  ", cells.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
}
