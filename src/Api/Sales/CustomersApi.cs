using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenancy.Sales;

namespace Tenancy.Api.Sales;

public sealed record CustomerRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    [property: EmailAddress, StringLength(320)] string? Email);

public sealed record CustomerResponse(Guid Id, string Name, string? Email);

public static class CustomersApi
{
    public static void MapCustomersApi(this RouteGroupBuilder api)
    {
        var customers = api.MapGroup("/customers").WithTags("Customers");
        customers.MapGet("/", ListCustomers).WithName("ListCustomers");
        customers.MapGet("/{id:guid}", GetCustomer).WithName("GetCustomer");
        customers.MapPost("/", CreateCustomer).WithName("CreateCustomer");
        customers.MapPut("/{id:guid}", UpdateCustomer).WithName("UpdateCustomer");
        customers.MapDelete("/{id:guid}", DeleteCustomer).WithName("DeleteCustomer");
    }

    public static Task<PaginatedItems<CustomerResponse>> ListCustomers([AsParameters] PaginationRequest page, SalesDbContext db, CancellationToken cancellationToken) =>
        db.Customers.AsNoTracking().OrderBy(c => c.Name).ThenBy(c => c.Id).Select(c => new CustomerResponse(c.Id, c.Name, c.Email)).ToPageAsync(page, cancellationToken);

    public static async Task<Results<Ok<CustomerResponse>, NotFound>> GetCustomer(Guid id, SalesDbContext db, CancellationToken cancellationToken) =>
        await db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => new CustomerResponse(c.Id, c.Name, c.Email)).FirstOrDefaultAsync(cancellationToken) is { } customer
            ? TypedResults.Ok(customer)
            : TypedResults.NotFound();

    public static async Task<Created<CustomerResponse>> CreateCustomer(CustomerRequest request, SalesDbContext db, CancellationToken cancellationToken)
    {
        var customer = new Customer { Name = request.Name, Email = request.Email };
        db.Customers.Add(customer);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/customers/{customer.Id}", new CustomerResponse(customer.Id, customer.Name, customer.Email));
    }

    public static async Task<Results<Ok<CustomerResponse>, NotFound>> UpdateCustomer(Guid id, CustomerRequest request, SalesDbContext db, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
        {
            return TypedResults.NotFound();
        }

        (customer.Name, customer.Email) = (request.Name, request.Email);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new CustomerResponse(customer.Id, customer.Name, customer.Email));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteCustomer(Guid id, SalesDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Orders.AnyAsync(o => o.CustomerId == id, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Customer in use", detail: "The customer has orders and cannot be deleted.");
        }

        return await db.Customers.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }
}
