using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Caching;
using Tenancy.Moves;
using Tenancy.Tenants;

namespace Tenancy.Api.Tenants;

public sealed record MoveTenantRequest(string? To, string? ConnectionReference);

public sealed record MoveTenantResponse(string Identifier, TenantIsolation From, TenantIsolation To, IReadOnlyDictionary<string, TableChecksum> Tables, double WritesRefusedForMs);

/// <summary>Admin endpoints that change where a tenant's data lives (mapped with the rest of <see cref="TenantsApi"/>).</summary>
public static class TenantPlacementApi
{
    public static async Task<Results<Ok<MoveTenantResponse>, ValidationProblem>> MoveTenant(
        string identifier, MoveTenantRequest request, TenantMover mover, TenantCache cache, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<TenantIsolation>(request.To, ignoreCase: true, out var target) || !Enum.IsDefined(target) || int.TryParse(request.To, out _))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["The target tier is 'shared', 'schema' or 'database'."] });
        }

        var result = await mover.MoveAsync(identifier, target, request.ConnectionReference, cancellationToken: cancellationToken);
        // Cached reads were computed from the old store; the rows are the same, but nothing should outlive a move unchecked.
        await cache.PurgeTenantAsync(result.TenantId);
        return TypedResults.Ok(new MoveTenantResponse(result.Identifier, result.From, result.To, result.Tables, result.WritesRefusedFor.TotalMilliseconds));
    }
}
