namespace Tenancy.Console.Api;

// The Api's answers as the console reads them; enums arrive as camel-case strings.

public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string? Tenant);


public sealed record DomainResponse(string Host, bool IsPrimary);

public sealed record TenantResponse(
    Guid Id,
    string Identifier,
    string Name,
    string Status,
    string Isolation,
    string Plan,
    IReadOnlyDictionary<string, int> Limits,
    IReadOnlyList<DomainResponse> Domains,
    string? ContactEmail,
    DateTimeOffset CreatedAt);

public sealed record TenantStoreStatus(string Identifier, string Isolation, bool Reachable, string? Error, double LatencyMs, IReadOnlyList<string> PendingMigrations);

public sealed record MoveTenantResponse(string Identifier, string From, string To, double WritesRefusedForMs);

public sealed record TenantMigrationResult(string Identifier, string Outcome, IReadOnlyList<string> Applied, string? Error, long ElapsedMs);

public sealed record MigrationRun(
    Guid Id,
    string State,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    int Total,
    int Done,
    int Migrated,
    int UpToDate,
    int Failed,
    IReadOnlyList<string> SharedApplied,
    IReadOnlyList<TenantMigrationResult> Results,
    string? Error)
{
    public bool IsRunning => State == "running";
}

public sealed record CurrentTenant(string Identifier, string Name, string Status, string Plan, IReadOnlyDictionary<string, int> Limits, int Members);

public sealed record Member(Guid UserId, string Email, string Role, DateTimeOffset CreatedAt);

public sealed record Invitation(Guid Id, string Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
