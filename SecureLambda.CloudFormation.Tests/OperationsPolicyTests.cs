using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.CloudFormation.Tests.Policies;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

/// <summary>Blast-radius bounds and the alarms that say when something failed (issue 8, "The API").</summary>
public sealed class OperationsPolicyTests
{
    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    /// <summary>
    /// A flood that passes WAF and the stage throttle could otherwise run as many copies of a function as the account
    /// allows, starving every other function of the account and growing the bill. Reserved concurrency caps each.
    /// https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
    /// </summary>
    [Theory]
    [InlineData("ExternalLambda1")]
    [InlineData("ExternalLambda2")]
    [InlineData("InternalLambda")]
    public void ExhaustTheAccountsConcurrency_ThroughOneFunction_IsBoundedByItsReservation(string function)
    {
        var reserved = Template.Resource(function).Properties["ReservedConcurrentExecutions"]?["Fn::If"]?.AsArray();

        Assert.NotNull(reserved);
        Assert.Equal("ReserveConcurrency", (string?)reserved[0]);
        Assert.Equal("FunctionReservedConcurrency", IntrinsicReferences.RefTarget(reserved[1]));
        Assert.Equal("AWS::NoValue", IntrinsicReferences.RefTarget(reserved[2]));
        Assert.Equal("20", (string?)Template.Parameters["FunctionReservedConcurrency"].Default);
    }

    [Theory]
    [InlineData("InternalLambdaDeadLetterQueue")]
    [InlineData("GreetingTopicDeliveryDeadLetterQueue")]
    public void EveryDeadLetterQueue_AlarmsOnItsFirstMessage(string queue)
    {
        var alarm = Assert.Single(
            Template.OfType("AWS::CloudWatch::Alarm"),
            a => a.Properties["Dimensions"] is JsonArray dimensions
                && dimensions.Any(d => IntrinsicReferences.GetAttTarget(d?["Value"]) == (queue, "QueueName")));

        Assert.Equal("AWS/SQS", alarm.Text("Namespace"));
        Assert.Equal("ApproximateNumberOfMessagesVisible", alarm.Text("MetricName"));
        AssertFiresOnTheFirst(alarm);
    }

    [Fact]
    public void ServerErrorsOfTheStage_Alarm()
    {
        var alarm = Template.Resource("Api5xxAlarm");
        var dimensions = alarm.Properties["Dimensions"]!.AsArray().ToDictionary(d => (string)d!["Name"]!, d => d!["Value"]);

        Assert.Equal(("AWS/ApiGateway", "5XXError"), (alarm.Text("Namespace"), alarm.Text("MetricName")));
        // The metric's ApiName dimension is the API's name, which must stay in step with the RestApi's Name.
        Assert.Equal(IntrinsicReferences.SubTemplate(Template.Resource("GreetingApi").Properties["Name"]), IntrinsicReferences.SubTemplate(dimensions["ApiName"]));
        Assert.Equal("GreetingApiStage", IntrinsicReferences.RefTarget(dimensions["Stage"]));
        AssertFiresOnTheFirst(alarm);
    }

    [Fact]
    public void ThrottlesOfEveryFunction_Alarm()
    {
        var alarm = Template.Resource("FunctionThrottlesAlarm");
        var throttled = alarm.Properties["Metrics"]!.AsArray()
            .Select(query => query?["MetricStat"]?["Metric"])
            .Where(metric => metric is not null && (string?)metric["MetricName"] == "Throttles" && (string?)metric["Namespace"] == "AWS/Lambda")
            .Select(metric => IntrinsicReferences.RefTarget(metric!["Dimensions"]?[0]?["Value"]))
            .Order(StringComparer.Ordinal);

        Assert.Equal(Template.OfType("AWS::Lambda::Function").Select(f => f.LogicalId).Order(StringComparer.Ordinal), throttled);
        AssertFiresOnTheFirst(alarm);
    }

    /// <summary>
    /// Only CloudWatch alarms of this account may publish to the alarm topic (a forged alarm from another account's
    /// alarm is refused by aws:SourceAccount), and nothing may publish without TLS.
    /// https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
    /// </summary>
    [Fact]
    public void ForgeAnAlarm_FromAnotherAccount_IsRefusedByTheAlarmTopicPolicy()
    {
        var policy = Assert.Single(Template.OfType("AWS::SNS::TopicPolicy"), p => IntrinsicReferences.RefTarget(p.Properties["Topics"]?[0]) == "AlarmTopic");
        var allow = Assert.Single(IamStatement.OfResourcePolicy(policy), s => !s.IsDeny);

        Assert.Equal("cloudwatch.amazonaws.com", (string?)allow.Body["Principal"]?["Service"]);
        Assert.Equal("AWS::AccountId", IntrinsicReferences.RefTarget(allow.Body["Condition"]?["StringEquals"]?["aws:SourceAccount"]));
        Assert.Equal("HasAlarmEmail", (string?)Template.Resource("AlarmEmailSubscription").Condition);
        Assert.Equal("", (string?)Template.Parameters["AlarmEmail"].Default);
    }

    private static void AssertFiresOnTheFirst(TemplateResource alarm)
    {
        Assert.Equal("GreaterThanThreshold", alarm.Text("ComparisonOperator"));
        Assert.Equal("0", alarm.Text("Threshold"));
        Assert.Equal("notBreaching", alarm.Text("TreatMissingData"));
        Assert.Equal(["AlarmTopic"], (alarm.Properties["AlarmActions"] as JsonArray ?? []).Select(IntrinsicReferences.RefTarget));
    }
}
