using System.Text.RegularExpressions;
using Npgsql;

namespace Tenancy.EndToEndTests;

/// <summary>
/// The invitees' side of invitations: reads the message the system delivered (its outbox,
/// <c>accounts.invitation_messages</c>) as the person at that address would, for the token it carries.
/// </summary>
public sealed partial class InvitationMailbox(string connectionString)
{
    public static async Task<InvitationMailbox> OfAsync(DistributedApplication app) =>
        new(await app.GetConnectionStringAsync("tenancydb") ?? throw new InvalidOperationException("No connection string for tenancydb."));

    /// <summary>The token of the newest invitation to <paramref name="email"/> for the tenant <paramref name="identifier"/>.</summary>
    public async Task<string> TokenForAsync(string identifier, string email)
    {
        var body = await NewestBodyAsync(identifier, email) ?? throw new InvalidOperationException($"No invitation was delivered to {email} for {identifier}.");
        return TokenInLink().Match(body) is { Success: true } match ? Uri.UnescapeDataString(match.Groups[1].Value) : throw new InvalidOperationException("The message carries no token.");
    }

    public async Task<int> CountAsync(string email)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM accounts.invitation_messages WHERE upper(recipient) = upper(@email)", connection);
        command.Parameters.AddWithValue("email", email);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    /// <summary>Moves the invitation's expiry into the past, as time would.</summary>
    public async Task ExpireAsync(Guid invitationId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE accounts.invitations SET expires_at = now() - interval '1 minute' WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", invitationId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private async Task<string?> NewestBodyAsync(string identifier, string email)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT m.body FROM accounts.invitation_messages m JOIN tenancy.tenants t ON t.id = m.tenant_id
            WHERE t.identifier = @identifier AND upper(m.recipient) = upper(@email)
            ORDER BY m.created_at DESC, m.id DESC LIMIT 1
            """,
            connection);
        command.Parameters.AddWithValue("identifier", identifier);
        command.Parameters.AddWithValue("email", email);
        return await command.ExecuteScalarAsync() as string;
    }

    [GeneratedRegex("[?&]token=([A-Za-z0-9_%-]+)")]
    private static partial Regex TokenInLink();
}
