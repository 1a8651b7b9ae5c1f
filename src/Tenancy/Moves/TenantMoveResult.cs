using Tenancy.Tenants;

namespace Tenancy.Moves;

public enum TenantMoveStage
{
    Freezing,
    Preparing,
    Copying,
    Verifying,
    Switching,
    RemovingOldCopy,
    Done,
}

/// <summary>A finished move: where the tenant was and is, and what was copied (and verified) per table.</summary>
public sealed record TenantMoveResult(
    Guid TenantId,
    string Identifier,
    TenantIsolation From,
    TenantIsolation To,
    IReadOnlyDictionary<string, TableChecksum> Tables,
    TimeSpan WritesRefusedFor,
    TimeSpan Elapsed);
