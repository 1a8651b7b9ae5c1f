using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Accounts.Passwords;
using Tenancy.Accounts.Users;

namespace Tenancy.Accounts.Startup;

/// <summary>
/// Before the Api serves: applies the accounts migrations (over the direct connection, since EF's migration lock
/// needs a session) and makes sure there is a platform admin. <see cref="PlatformAdminOptions"/>, when set, name it
/// (and a changed password there replaces the stored one); otherwise the first start generates one and prints its
/// password once. No password is ever hard-coded or stored in clear.
/// </summary>
internal sealed partial class AccountsStartup(
    IDbContextFactory<AccountsDbContext> contexts,
    AccountsMigrator migrator,
    IPasswordHasher<ICredentialHolder> hasher,
    IOptions<PlatformAdminOptions> admin,
    TimeProvider clock,
    ILogger<AccountsStartup> logger) : IHostedService
{
    public const string GeneratedAdminEmail = "admin@tenancy.localhost";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Read first: where no host start validated it (a caller running StartAsync itself), an email without its
        // password still stops this before any migration.
        var configured = admin.Value;
        await migrator.MigrateAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (configured.IsConfigured)
        {
            await EnsureConfiguredAdminAsync(db, configured.Email!.Trim(), configured.Password!, cancellationToken);
            return;
        }

        if (await db.PlatformAdmins.AnyAsync(cancellationToken))
        {
            return;
        }

        var generated = GeneratedPassword.New(24);
        if (await TryInsertAdminAsync(db, GeneratedAdminEmail, generated, cancellationToken))
        {
            LogGeneratedAdmin(GeneratedAdminEmail, generated);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureConfiguredAdminAsync(AccountsDbContext db, string email, string password, CancellationToken cancellationToken)
    {
        var normalized = AccountsDbContext.Normalize(email);
        var admin = await db.PlatformAdmins.FirstOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken);
        if (admin is null)
        {
            await TryInsertAdminAsync(db, email, password, cancellationToken);
            return;
        }

        if (admin.PasswordHash is null || hasher.VerifyHashedPassword(admin, admin.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            admin.PasswordHash = hasher.HashPassword(admin, password);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>False when another instance, starting at the same time, inserted it first.</summary>
    private async Task<bool> TryInsertAdminAsync(AccountsDbContext db, string email, string password, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var admin = new PlatformAdmin { Id = Guid.CreateVersion7(now), Email = email, NormalizedEmail = AccountsDbContext.Normalize(email), CreatedAt = now };
        admin.PasswordHash = hasher.HashPassword(admin, password);
        db.PlatformAdmins.Add(admin);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated the first platform admin (shown once; set Tenancy:Admin:Email and Tenancy:Admin:Password to choose it): {Email} / {Password}")]
    private partial void LogGeneratedAdmin(string email, string password);
}
