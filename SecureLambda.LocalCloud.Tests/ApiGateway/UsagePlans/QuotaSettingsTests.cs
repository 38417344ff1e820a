using SecureLambda.LocalCloud.ApiGateway.UsagePlans;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.UsagePlans;

/// <summary>
/// A usage plan's quota period, in UTC, from its offset: the day a period starts (WEEK 0 is Sunday, MONTH 0 the first).
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-apigateway-usageplan-quotasettings.html
/// </summary>
public sealed class QuotaSettingsTests
{
    private static QuotaSettings Quota(string period, int offset = 0) =>
        QuotaSettings.TryCreate(100, offset, period, out var problem) ?? throw new InvalidOperationException(problem);

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void ADay_StartsAtUtcMidnight_AndTheNextAtTheFollowingOne()
    {
        var quota = Quota("DAY");

        Assert.Equal(Utc(2026, 12, 3), quota.PeriodStart(Utc(2026, 12, 3, 23, 59)));
        Assert.Equal(Utc(2026, 12, 3), quota.PeriodStart(new DateTimeOffset(2026, 12, 4, 0, 30, 0, TimeSpan.FromHours(2))));
        Assert.Equal(Utc(2026, 12, 4), quota.NextPeriodStart(Utc(2026, 12, 3)));
    }

    [Theory]
    [InlineData(0, 2026, 11, 29)] // Sunday
    [InlineData(1, 2026, 11, 30)] // Monday
    [InlineData(4, 2026, 12, 3)] // Thursday: the day itself
    [InlineData(5, 2026, 11, 27)] // Friday, the week before
    [InlineData(6, 2026, 11, 28)] // Saturday
    public void AWeek_StartsOnItsOffsetsWeekday(int offset, int year, int month, int day)
    {
        var quota = Quota("WEEK", offset);
        var thursday = Utc(2026, 12, 3, 12);

        var start = quota.PeriodStart(thursday);

        Assert.Equal(Utc(year, month, day), start);
        Assert.Equal((DayOfWeek)offset, start.DayOfWeek);
        Assert.Equal(start.AddDays(7), quota.NextPeriodStart(start));
    }

    [Theory]
    [InlineData(0, "2026-12-03", "2026-12-01")]
    [InlineData(2, "2026-12-03", "2026-12-03")]
    [InlineData(3, "2026-12-03", "2026-11-04")]
    [InlineData(27, "2026-03-27", "2026-02-28")]
    [InlineData(27, "2026-03-28", "2026-03-28")]
    [InlineData(10, "2027-01-05", "2026-12-11")]
    public void AMonth_StartsOnTheDayItsOffsetNames_InThisMonthOrTheLast(int offset, string now, string expectedStart)
    {
        var quota = Quota("MONTH", offset);

        var start = quota.PeriodStart(DateTimeOffset.Parse(now + "T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expectedStart + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), start);
        Assert.Equal(start.AddMonths(1), quota.NextPeriodStart(start));
    }

    [Theory]
    [InlineData(10, 0, "HOUR", "Period HOUR is not DAY, WEEK or MONTH")]
    [InlineData(10, 0, null, "Period (none) is not DAY, WEEK or MONTH")]
    [InlineData(-1, 0, "DAY", "Limit -1 is negative")]
    [InlineData(10, 1, "DAY", "Offset 1 is outside 0 to 0 for a DAY period")]
    [InlineData(10, 7, "WEEK", "Offset 7 is outside 0 to 6 for a WEEK period")]
    [InlineData(10, -1, "WEEK", "Offset -1 is outside 0 to 6 for a WEEK period")]
    [InlineData(10, 28, "MONTH", "Offset 28 is outside 0 to 27 for a MONTH period")]
    public void AQuotaApiGatewayWouldRefuse_IsRefusedWithTheReason(long limit, int offset, string? period, string expected)
    {
        Assert.Null(QuotaSettings.TryCreate(limit, offset, period, out var problem));
        Assert.Equal(expected, problem);
    }
}
