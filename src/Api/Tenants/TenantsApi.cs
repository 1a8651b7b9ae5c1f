using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Accounts.Members;
using Tenancy.Api.Usage;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Caching;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Api.Tenants;

/// <summary>The admin API over the tenant registry, on the platform host only.</summary>
public static class TenantsApi
{
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/tenants")
            .WithTags("Tenants")
            .RequirePlatform()
            .AddEndpointFilter<IdentifierRouteFilter>();

        api.MapPost("/", CreateTenant).WithName("CreateTenant").WithSummary("Create a tenant with its domains, store and first owner; a retry of the same request returns it (200)");
        api.MapGet("/", ListTenants).WithName("ListTenants").WithSummary("List tenants, optionally by status and search text, sorted (sort=name, -created, …) and paged (page, pageSize; X-Total-Count)");
        api.MapGet("/{identifier}", GetTenant).WithName("GetTenant");
        api.MapGet("/{identifier}/status", GetTenantStoreStatus).WithName("GetTenantStoreStatus").WithSummary("The tenant's store as the application reaches it: reachable, latency, pending migrations");
        api.MapPost("/{identifier}/suspend", SuspendTenant).WithName("SuspendTenant");
        api.MapPost("/{identifier}/resume", ResumeTenant).WithName("ResumeTenant");
        api.MapDelete("/{identifier}", DeleteTenant).WithName("DeleteTenant").WithSummary("Soft-delete a tenant; its data is dropped in the background");
        api.MapPost("/{identifier}/domains", AddDomain).WithName("AddTenantDomain");
        api.MapDelete("/{identifier}/domains/{host}", RemoveDomain).WithName("RemoveTenantDomain");
        api.MapPost("/{identifier}/cache/purge", PurgeCache).WithName("PurgeTenantCache").WithSummary("Drop every cache entry of the tenant, on every instance");
        api.MapPost("/{identifier}/move", TenantPlacementApi.MoveTenant).WithName("MoveTenant").WithSummary("Move the tenant to another tier: copy, verify, switch, drop the old copy");
        api.MapGet("/{identifier}/usage", UsageApi.GetTenantUsage).WithName("GetTenantUsage").WithSummary("The tenant's usage per day; ?format=csv or Accept: text/csv for billing");
        api.MapPut("/{identifier}/limits", UsageApi.SetLimits).WithName("SetTenantLimits").WithSummary("Set the tenant's own limits over its plan's: requests, data, cache entries, concurrent jobs (null: the plan's)");
        api.MapTenantFeaturesApi();
        return app;
    }

    public static async Task<Results<Created<TenantResponse>, Ok<TenantResponse>, ValidationProblem>> CreateTenant(
        CreateTenantRequest request, TenantProvisioner provisioner, TenantValidation validation, FirstOwner owner, CancellationToken cancellationToken)
    {
        var parseErrors = new Dictionary<string, string[]>();
        var isolation = ParseEnum<TenantIsolation>(request.Isolation, "isolation", TenantIsolation.Schema, parseErrors);
        var status = ParseEnum<TenantStatus>(request.Status, "status", TenantStatus.Active, parseErrors);
        var newTenant = new NewTenant(request.Identifier ?? "", request.Name ?? "", request.Plan, isolation, request.Domains, request.ContactEmail, request.Metadata, status, request.ConnectionReference);

        // Report every field at once: what did not parse and what breaks the rules.
        var errors = validation.Check(newTenant);
        foreach (var (field, messages) in parseErrors)
        {
            errors[field] = messages;
        }

        if (request.Owner is { } requested)
        {
            foreach (var (field, messages) in await owner.ValidateAsync(requested.Email, requested.Password, "owner.", cancellationToken))
            {
                errors[field] = messages;
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // The owner commits with the tenant; a retry of the same request after a crash completes it or finds it made.
        var (tenant, created) = await provisioner.CreateAsync(newTenant, request.Owner is { } first ? owner.For(first.Email!, first.Password) : null, cancellationToken);
        return created
            ? TypedResults.Created($"/api/tenants/{tenant.Identifier}", TenantResponse.From(tenant))
            : TypedResults.Ok(TenantResponse.From(tenant));
    }

    /// <summary>Largest page a caller may ask for; without paging parameters every tenant is listed, as before.</summary>
    public const int MaxPageSize = 500;

    public static async Task<Results<Ok<List<TenantResponse>>, ValidationProblem>> ListTenants(
        TenantRegistry registry, HttpResponse response, string? status, string? search, string? sort, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var parsed = status is null ? (TenantStatus?)null : ParseEnum<TenantStatus>(status, "status", default, errors);
        var descending = sort?.StartsWith('-') == true;
        var order = ParseEnum(sort?.TrimStart('-'), "sort", TenantSort.Identifier, errors);
        if (page < 1)
        {
            errors["page"] = ["The first page is 1."];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"A page holds 1 to {MaxPageSize} tenants."];
        }

        if (search?.Length > 200)
        {
            errors["search"] = ["At most 200 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var found = await registry.ListPageAsync(
            new TenantListQuery(parsed, search, order, descending, page ?? 1, pageSize ?? (page is null ? int.MaxValue : 50)), cancellationToken);
        // The body stays the plain list it always was; the count of every match rides in a header.
        response.Headers[TotalCountHeader] = found.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(found.Tenants.Select(TenantResponse.From).ToList());
    }

    /// <summary>How many tenants match a listing's filters in all, whatever its page.</summary>
    public const string TotalCountHeader = "X-Total-Count";

    public static async Task<Results<Ok<TenantResponse>, NotFound>> GetTenant(string identifier, TenantRegistry registry, CancellationToken cancellationToken) =>
        await registry.FindAsync(identifier, cancellationToken) is { } tenant ? TypedResults.Ok(TenantResponse.From(tenant)) : TypedResults.NotFound();

    public static async Task<Results<Ok<TenantStoreStatusResponse>, NotFound>> GetTenantStoreStatus(string identifier, TenantStoreProbe probe, CancellationToken cancellationToken) =>
        await probe.CheckOneAsync(identifier, cancellationToken) is { } check ? TypedResults.Ok(TenantStoreStatusResponse.From(check)) : TypedResults.NotFound();

    public static async Task<Ok<TenantResponse>> SuspendTenant(string identifier, TenantRegistry registry, TenantCache cache, CancellationToken cancellationToken)
    {
        var tenant = await registry.SuspendAsync(identifier, cancellationToken);
        await cache.PurgeTenantAsync(tenant.Id);
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    public static async Task<Ok<TenantResponse>> ResumeTenant(string identifier, TenantRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(TenantResponse.From(await registry.ResumeAsync(identifier, cancellationToken)));

    public static async Task<Ok<TenantResponse>> DeleteTenant(string identifier, TenantRegistry registry, TenantCache cache, CancellationToken cancellationToken)
    {
        var tenant = await registry.DeleteAsync(identifier, cancellationToken);
        await cache.PurgeTenantAsync(tenant.Id);
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> PurgeCache(string identifier, TenantRegistry registry, TenantCache cache, CancellationToken cancellationToken)
    {
        if (await registry.FindAsync(identifier, cancellationToken) is not { } tenant)
        {
            return TypedResults.NotFound();
        }

        return await cache.PurgeTenantAsync(tenant.Id)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Cache unavailable", detail: "Redis is unreachable; nothing was purged. Instances that cannot reach Redis do not use the cache.");
    }

    public static async Task<Ok<TenantResponse>> AddDomain(string identifier, AddDomainRequest request, TenantRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(TenantResponse.From(await registry.AddDomainAsync(identifier, request.Host ?? "", request.IsPrimary, cancellationToken)));

    public static async Task<Ok<TenantResponse>> RemoveDomain(string identifier, string host, TenantRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(TenantResponse.From(await registry.RemoveDomainAsync(identifier, host, cancellationToken)));

    private static T ParseEnum<T>(string? value, string field, T fallback, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        if (value is null)
        {
            return fallback;
        }

        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        errors[field] = [$"'{value}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}."];
        return fallback;
    }

    /// <summary>Malformed identifiers in the route are refused before anything looks them up.</summary>
    private sealed class IdentifierRouteFilter : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
            context.HttpContext.GetRouteValue("identifier") is string identifier && TenantIdentifier.Validate(identifier) is { } error
                ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed tenant identifier", detail: error)
                : await next(context);
    }

}
