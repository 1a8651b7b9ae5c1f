using System.Net;
using Tenancy.Accounts.Authorization;

namespace Tenancy.UnitTests.Accounts;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void One_ipv4_address_or_one_ipv6_64_is_one_client(string address, string expected) =>
        Assert.Equal(expected, ClientAddress.Of(IPAddress.Parse(address)));

    [Fact]
    public void No_address_is_one_client_too() => Assert.Equal("unknown", ClientAddress.Of((IPAddress?)null));
}
