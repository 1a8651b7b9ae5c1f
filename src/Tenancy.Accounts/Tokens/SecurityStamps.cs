using System.Security.Claims;
using Npgsql;
using Tenancy.Changes;

namespace Tenancy.Accounts.Tokens;

/// <summary>
/// The security stamp of each user and platform admin (<c>security_stamp</c> of <c>accounts.users</c> and
/// <c>accounts.platform_admins</c>): every token carries the stamp of its holder at issue, and a token whose stamp is
/// no longer current is refused, so renewing the stamp (password change, sign-out) revokes every token issued before.
/// Held in memory like <see cref="Authorization.MembershipLookup"/>: read from PostgreSQL, dropped on the accounts'
/// NOTIFY on every instance, nothing kept while that is not heard, nothing taken from Redis.
/// </summary>
public sealed class SecurityStamps(NpgsqlDataSource dataSource) : IChangeSubscriber
{
    private const int MaxEntries = 100_000;

    private readonly NotifiedCache<(Guid Id, bool PlatformAdmin), Guid?> _stamps = new(MaxEntries);

    string IChangeSubscriber.Channel => AccountsDbContext.ChangeChannel;

    /// <summary>The current stamp, or null when there is no such user (or admin) any more.</summary>
    public ValueTask<Guid?> FindAsync(Guid id, bool platformAdmin, CancellationToken cancellationToken) =>
        _stamps.GetOrReadAsync((id, platformAdmin), dataSource, ReadAsync, cancellationToken);

    /// <summary>Whether a validated token's stamp is its holder's current one; a token without a stamp never is.</summary>
    public async ValueTask<bool> IsCurrentAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TokenIssuer.SubjectOf(user) is { } id
        && Guid.TryParse(user.FindFirstValue(TenancyClaims.SecurityStamp), out var stamp)
        && await FindAsync(id, TenancyClaims.IsPlatformAdmin(user), cancellationToken) == stamp;

    /// <summary>
    /// A new stamp for <paramref name="id"/>, which refuses every token issued before, on every instance; with
    /// <paramref name="passwordHash"/>, the password changes in the same statement. Null when there is no such account.
    /// </summary>
    public async Task<Guid?> RenewAsync(Guid id, bool platformAdmin, string? passwordHash, CancellationToken cancellationToken)
    {
        var table = platformAdmin ? "accounts.platform_admins" : "accounts.users";
        await using var command = dataSource.CreateCommand(
            $"UPDATE {table} SET security_stamp = {AccountsDbContext.NewSecurityStamp}, password_hash = COALESCE($2, password_hash) WHERE id = $1 RETURNING security_stamp");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = passwordHash, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var renewed = await command.ExecuteScalarAsync(cancellationToken) as Guid?;
        // Other instances hear of it through the trigger's NOTIFY; this one must not wait for it.
        _stamps.Remove(key => key.Id == id);
        return renewed;
    }

    void IChangeSubscriber.OnListening(bool listening) => _stamps.SetCaching(listening);

    void IChangeSubscriber.OnChanged(string payload)
    {
        if (Guid.TryParse(payload, out var id))
        {
            _stamps.Remove(key => key.Id == id);
        }
        else
        {
            _stamps.Clear();
        }
    }

    private static async Task<Guid?> ReadAsync((Guid Id, bool PlatformAdmin) key, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(key.PlatformAdmin
            ? "SELECT security_stamp FROM accounts.platform_admins WHERE id = $1"
            : "SELECT security_stamp FROM accounts.users WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = key.Id });
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }
}

/// <summary>A token whose security stamp was renewed after it was issued (password change, sign-out).</summary>
public sealed class TokenRevokedException() : Microsoft.IdentityModel.Tokens.SecurityTokenException("The token was revoked.");
