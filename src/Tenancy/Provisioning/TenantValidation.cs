using System.Net.Mail;
using Tenancy.Tenants;

namespace Tenancy.Provisioning;

/// <summary>Every rule a new tenant or a new domain must meet, in one place, before anything reaches SQL.</summary>
public sealed class TenantValidation(TenancyOptions options, Placement.TenantStoreConnections stores)
{
    public const int MaxNameLength = 200;

    /// <exception cref="TenantValidationException">Any rule is broken.</exception>
    public void Validate(NewTenant tenant)
    {
        if (Check(tenant) is { Count: > 0 } errors)
        {
            throw new TenantValidationException(errors);
        }
    }

    /// <summary>Every broken rule, per field (camelCase, as the API names them).</summary>
    public Dictionary<string, string[]> Check(NewTenant tenant)
    {
        var errors = new Dictionary<string, string[]>();
        if (TenantIdentifier.Validate(tenant.Identifier) is { } identifierError)
        {
            errors["identifier"] = [identifierError];
        }

        if (string.IsNullOrWhiteSpace(tenant.Name) || tenant.Name.Length > MaxNameLength)
        {
            errors["name"] = [$"The name is required and at most {MaxNameLength} characters long."];
        }

        if (tenant.Plan is not null && !options.Plans.ContainsKey(tenant.Plan))
        {
            errors["plan"] = [$"Unknown plan '{tenant.Plan}'; the plans are {string.Join(", ", options.Plans.Keys)}."];
        }

        if (!Enum.IsDefined(tenant.Isolation))
        {
            errors["isolation"] = ["The isolation is 'shared', 'schema' or 'database'."];
        }

        if (ValidateConnectionReference(tenant.Isolation, tenant.ConnectionReference) is { } referenceError)
        {
            errors["connectionReference"] = [referenceError];
        }

        if (tenant.Status is not (TenantStatus.Active or TenantStatus.Trial))
        {
            errors["status"] = ["A new tenant is 'active' or 'trial'."];
        }

        if (tenant.ContactEmail is { } email && !MailAddress.TryCreate(email, out _))
        {
            errors["contactEmail"] = [$"'{email}' is not an email address."];
        }

        var hostErrors = (tenant.Domains ?? []).Select(ValidateHost).OfType<string>().ToArray();
        if (hostErrors.Length > 0)
        {
            errors["domains"] = hostErrors;
        }
        else if ((tenant.Domains ?? []).Select(HostName.Normalize).Distinct().Count() != (tenant.Domains ?? []).Count)
        {
            errors["domains"] = ["The domains repeat a host."];
        }

        return errors;
    }

    /// <summary>Returns why <paramref name="reference"/> cannot place a tenant of <paramref name="isolation"/>, or null.</summary>
    public string? ValidateConnectionReference(TenantIsolation isolation, string? reference) => reference switch
    {
        null => null,
        _ when isolation != TenantIsolation.Database => "A connection reference places a database-tier tenant only.",
        _ when !stores.IsKnownReference(reference) => $"No connection '{reference}' is configured ({Placement.TenantStoreConnections.ReferenceSection}:{reference}).",
        _ => null,
    };

    /// <summary>Returns why <paramref name="host"/> cannot be a tenant's custom domain, or null.</summary>
    public string? ValidateHost(string host)
    {
        var normalized = HostName.Normalize(host);
        if (normalized is null || !normalized.Contains('.', StringComparison.Ordinal))
        {
            return $"'{host}' is not a valid host name.";
        }

        return options.IsUnderRootDomain(normalized)
            ? $"'{host}' is under the platform's domain; tenants get {{identifier}}.{options.RootDomains[0]} by their identifier."
            : null;
    }
}
