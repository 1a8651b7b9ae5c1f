using System.Net.Sockets;
using System.Text;

namespace Tenancy.EndToEndTests.Security;

/// <summary>
/// Sends a request byte for byte over TCP, for what HttpClient refuses to send: no Host, two Hosts, raw UTF-8 or
/// absurdly long hosts. Returns the status code and the body (Connection: close, so the body is the rest of the stream).
/// </summary>
public static class RawHttp
{
    public static async Task<(int Status, string Body)> SendAsync(int port, string requestHead)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(requestHead.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var statusLine = response.Split("\r\n", 2)[0];
        var status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var body = response.Contains("\r\n\r\n", StringComparison.Ordinal) ? response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..] : "";
        return (status, body);
    }

    /// <summary>A GET with these header lines (each "Name: value"), closing the connection after the response.</summary>
    public static Task<(int Status, string Body)> GetAsync(int port, string target, params string[] headers) =>
        SendAsync(port, $"GET {target} HTTP/1.1\n{string.Join("", headers.Select(h => h + "\n"))}Connection: close\n");
}
