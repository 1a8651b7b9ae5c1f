using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenancy.Sales;

namespace Tenancy.Api.Sales;

public sealed record LocationRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    [property: Required, StringLength(40, MinimumLength = 1)] string Code,
    [property: StringLength(500)] string? Address);

public sealed record LocationResponse(Guid Id, string Name, string Code, string? Address);

public static class LocationsApi
{
    public static void MapLocationsApi(this RouteGroupBuilder api)
    {
        var locations = api.MapGroup("/locations").WithTags("Locations");
        locations.MapGet("/", ListLocations).WithName("ListLocations");
        locations.MapGet("/{id:guid}", GetLocation).WithName("GetLocation");
        locations.MapPost("/", CreateLocation).WithName("CreateLocation").WithSummary("Create a location, within the plan's location limit");
        locations.MapPut("/{id:guid}", UpdateLocation).WithName("UpdateLocation");
        locations.MapDelete("/{id:guid}", DeleteLocation).WithName("DeleteLocation");
    }

    public static Task<PaginatedItems<LocationResponse>> ListLocations([AsParameters] PaginationRequest page, SalesDbContext db, CancellationToken cancellationToken) =>
        db.Locations.AsNoTracking().OrderBy(l => l.Code).Select(l => new LocationResponse(l.Id, l.Name, l.Code, l.Address)).ToPageAsync(page, cancellationToken);

    public static async Task<Results<Ok<LocationResponse>, NotFound>> GetLocation(Guid id, SalesDbContext db, CancellationToken cancellationToken) =>
        await db.Locations.AsNoTracking().Where(l => l.Id == id).Select(l => new LocationResponse(l.Id, l.Name, l.Code, l.Address)).FirstOrDefaultAsync(cancellationToken) is { } location
            ? TypedResults.Ok(location)
            : TypedResults.NotFound();

    public static async Task<Results<Created<LocationResponse>, ProblemHttpResult>> CreateLocation(LocationRequest request, SalesDbContext db, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await PlanLimitGuard.CheckLocationLimitAsync(db, cancellationToken) is { } overLimit)
        {
            return overLimit;
        }

        var location = new Location { Name = request.Name, Code = request.Code, Address = request.Address };
        db.Locations.Add(location);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            return CodeTaken(request.Code);
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/locations/{location.Id}", new LocationResponse(location.Id, location.Name, location.Code, location.Address));
    }

    public static async Task<Results<Ok<LocationResponse>, NotFound, ProblemHttpResult>> UpdateLocation(Guid id, LocationRequest request, SalesDbContext db, CancellationToken cancellationToken)
    {
        var location = await db.Locations.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (location is null)
        {
            return TypedResults.NotFound();
        }

        (location.Name, location.Code, location.Address) = (request.Name, request.Code, request.Address);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            return CodeTaken(request.Code);
        }

        return TypedResults.Ok(new LocationResponse(location.Id, location.Name, location.Code, location.Address));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteLocation(Guid id, SalesDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Orders.AnyAsync(o => o.LocationId == id, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Location in use", detail: "The location has orders and cannot be deleted.");
        }

        return await db.Locations.Where(l => l.Id == id).ExecuteDeleteAsync(cancellationToken) == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    private static ProblemHttpResult CodeTaken(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Duplicate location code", detail: $"A location with code '{code}' already exists.");
}
