namespace Tenancy.Tenants;

// The errors any operation on a tenant can raise (the registry, provisioning, moves, tenant scopes); the Api turns
// each into problem details (TenancyExceptionHandler), the CLI into an exit code and a one-line reason.

/// <summary>No such tenant (or a deleted one, for every operation but listing).</summary>
public sealed class TenantNotFoundException(string identifier) : Exception($"No tenant '{identifier}'.")
{
    public string Identifier { get; } = identifier;

    /// <summary>Throws for the first of <paramref name="requested"/> (nothing when null: all were asked for) not among <paramref name="found"/>.</summary>
    public static void ThrowIfAnyMissing(IEnumerable<string>? requested, IEnumerable<string> found)
    {
        if (requested is not null && requested.Except(found, StringComparer.Ordinal).FirstOrDefault() is { } missing)
        {
            throw new TenantNotFoundException(missing);
        }
    }
}

/// <summary>Input that cannot become a tenant, with what is wrong per field (camelCase, as the API names them).</summary>
public sealed class TenantValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The tenant is not valid: " + string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>The identifier or a host is already taken.</summary>
public sealed class TenantConflictException(string message) : Exception(message);

/// <summary>What the tenant's current state does not allow: a status change, a move to where it is, a move with migrations pending.</summary>
public sealed class TenantStateException(string message) : Exception(message);

/// <summary>The tenant has no such domain.</summary>
public sealed class DomainNotFoundException(string message) : Exception(message);
