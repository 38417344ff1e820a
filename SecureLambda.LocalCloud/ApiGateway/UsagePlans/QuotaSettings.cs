namespace SecureLambda.LocalCloud.ApiGateway.UsagePlans;

/// <summary>The time period a usage plan's quota applies to.</summary>
public enum QuotaPeriod
{
    Day,
    Week,
    Month,
}

/// <summary>
/// A usage plan's quota: at most <see cref="Limit"/> requests per key in each period. Periods are in UTC; the offset
/// is the day a period starts: for <c>WEEK</c> 0 is Sunday and 6 Saturday, for <c>MONTH</c> 0 is the first of the
/// month and 27 the 28th (every month has it); a <c>DAY</c> starts at midnight, so its offset is 0.
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-apigateway-usageplan-quotasettings.html
/// (the REST API reference's <c>QuotaSettings</c> page describes <c>offset</c> differently, as requests subtracted from the
/// first period's limit; CloudFormation's page and the SDKs' model documentation give the day a period starts, followed here).
/// </summary>
public sealed record QuotaSettings(long Limit, int Offset, QuotaPeriod Period)
{
    /// <summary>The quota with its period read from <c>DAY</c>, <c>WEEK</c> or <c>MONTH</c>; null with the reason when API Gateway would refuse it.</summary>
    public static QuotaSettings? TryCreate(long limit, int offset, string? period, out string? problem)
    {
        problem = null;
        QuotaPeriod? parsed = period switch
        {
            "DAY" => QuotaPeriod.Day,
            "WEEK" => QuotaPeriod.Week,
            "MONTH" => QuotaPeriod.Month,
            _ => null,
        };
        var maxOffset = parsed switch { QuotaPeriod.Day => 0, QuotaPeriod.Week => 6, _ => 27 };
        problem = parsed is null ? $"Period {period ?? "(none)"} is not DAY, WEEK or MONTH"
            : limit < 0 ? $"Limit {limit} is negative"
            : offset < 0 || offset > maxOffset ? $"Offset {offset} is outside 0 to {maxOffset} for a {period} period"
            : null;
        return problem is null ? new QuotaSettings(limit, offset, parsed!.Value) : null;
    }

    /// <summary>The start (UTC midnight) of the period that <paramref name="now"/> falls in.</summary>
    public DateTimeOffset PeriodStart(DateTimeOffset now)
    {
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var start = Period switch
        {
            QuotaPeriod.Day => day,
            QuotaPeriod.Week => day.AddDays(-(((int)day.DayOfWeek - Offset + 7) % 7)),
            _ => day.Day > Offset ? new DateOnly(day.Year, day.Month, Offset + 1) : new DateOnly(day.Year, day.Month, 1).AddMonths(-1).AddDays(Offset),
        };
        return new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    }

    /// <summary>The start of the period after the one that starts at <paramref name="periodStart"/>.</summary>
    public DateTimeOffset NextPeriodStart(DateTimeOffset periodStart) => Period switch
    {
        QuotaPeriod.Day => periodStart.AddDays(1),
        QuotaPeriod.Week => periodStart.AddDays(7),
        _ => periodStart.AddMonths(1),
    };
}
