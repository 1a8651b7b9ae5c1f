namespace Tenancy.Moves;

/// <summary>The tenant is being moved: writes are refused for a moment (the Api answers 503 with Retry-After).</summary>
public sealed class TenantMovingException(string message) : Exception(message);

/// <summary>A copy (move, restore, clone) differs from its source; nothing was switched or kept.</summary>
public sealed class TenantCopyVerificationException(string message) : Exception(message);
