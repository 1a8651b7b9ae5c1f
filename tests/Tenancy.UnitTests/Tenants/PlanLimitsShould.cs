using System.Text.Json;
using Tenancy.Tenants;

namespace Tenancy.UnitTests.Tenants;

public sealed class PlanLimitsShould
{
    [Fact]
    public void Give_a_set_limit_and_null_for_one_not_set()
    {
        var limits = new PlanLimits(new Dictionary<string, int> { ["users"] = 3, ["locations"] = 0 });

        Assert.Equal(3, limits.Of("users"));
        Assert.Equal(0, limits.Of("locations"));
        Assert.Null(limits.Of("seats"));
        Assert.Null(limits.Of("Users"));
        Assert.Null(PlanLimits.Unlimited.Of("users"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"locations\":1,\"users\":3}")]
    [InlineData("{\"a-b\":2147483647,\"z\":0}")]
    public void Round_trip_as_a_json_object_of_name_to_maximum(string json)
    {
        var limits = JsonSerializer.Deserialize<PlanLimits>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(limits));
        Assert.Equal(limits, JsonSerializer.Deserialize<PlanLimits>(JsonSerializer.Serialize(limits)));
    }

    [Fact]
    public void Equal_another_with_the_same_limits_in_any_order()
    {
        var a = new PlanLimits(new Dictionary<string, int> { ["users"] = 3, ["locations"] = 1 });
        var b = new PlanLimits(new Dictionary<string, int> { ["locations"] = 1, ["users"] = 3 });

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new PlanLimits(new Dictionary<string, int> { ["users"] = 3 }));
        Assert.NotEqual(a, new PlanLimits(new Dictionary<string, int> { ["users"] = 3, ["locations"] = 2 }));
        Assert.NotEqual(a, PlanLimits.Unlimited);
    }

    [Fact]
    public void Refuse_a_limit_that_is_not_a_whole_number()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<PlanLimits>("{\"users\":\"many\"}"));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<PlanLimits>("[3]"));
    }
}
