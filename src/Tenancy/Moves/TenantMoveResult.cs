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

/// <summary>The tenant is being moved: writes are refused for a moment (the Api answers 503 with Retry-After).</summary>
public sealed class TenantMovingException(string message) : Exception(message);

/// <summary>A copy (move, restore, clone) differs from its source; nothing was switched or kept.</summary>
public sealed class TenantCopyVerificationException(string message) : Exception(message);
