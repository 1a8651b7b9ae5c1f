using System.Net;
using Microsoft.AspNetCore.Http;

namespace Tenancy.Accounts.Authorization;

/// <summary>
/// The client's address as sign-in limits count it: the connection's peer after the forwarded-headers middleware
/// (which replaces it only when the peer is a configured proxy), IPv4 in IPv6 clothing unwrapped, and IPv6 cut to its
/// /64, since one subscriber usually holds a whole /64 and could otherwise take a fresh address per attempt.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext http) => Of(http.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
