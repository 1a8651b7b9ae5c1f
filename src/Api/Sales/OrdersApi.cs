using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenancy.AspNetCore.Features;
using Tenancy.Jobs.Outbox;
using Tenancy.Sales;
using Tenancy.Sales.Jobs;

namespace Tenancy.Api.Sales;

public sealed record OrderLineRequest(Guid ProductId, [property: Range(1, 10_000)] int Quantity);

public sealed record CreateOrderRequest(
    Guid CustomerId,
    Guid LocationId,
    [property: Required, MinLength(1), MaxLength(100)] IReadOnlyList<OrderLineRequest> Lines);

public sealed record OrderLineResponse(Guid ProductId, int Quantity, decimal UnitPrice, decimal LineTotal);

public sealed record OrderResponse(
    Guid Id, Guid CustomerId, Guid LocationId, OrderStatus Status, decimal Total, DateTimeOffset CreatedAt, IReadOnlyList<OrderLineResponse> Lines)
{
    public static OrderResponse From(Order order) => new(
        order.Id, order.CustomerId, order.LocationId, order.Status, order.Total, order.CreatedAt,
        [.. order.Lines.Select(l => new OrderLineResponse(l.ProductId, l.Quantity, l.UnitPrice, l.LineTotal))]);
}

public static class OrdersApi
{
    public static void MapOrdersApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");
        orders.MapGet("/", ListOrders).WithName("ListOrders");
        orders.MapGet("/{id:guid}", GetOrder).WithName("GetOrder");
        orders.MapGet("/export", OrderExport.ExportOrders).RequireFeature(OrderExport.Feature).WithName("ExportOrders")
            .WithSummary($"Every order as CSV; only for tenants the '{OrderExport.Feature}' feature flag is on for (404 otherwise)");
        orders.MapPost("/", CreateOrder).WithName("CreateOrder").WithSummary("Place an order; prices come from the tenant's products");
    }

    public static async Task<PaginatedItems<OrderResponse>> ListOrders([AsParameters] PaginationRequest page, SalesDbContext db, CancellationToken cancellationToken)
    {
        var orders = await db.Orders.AsNoTracking().Include(o => o.Lines).OrderByDescending(o => o.CreatedAt).ToPageAsync(page, cancellationToken);
        return new PaginatedItems<OrderResponse>(orders.PageIndex, orders.PageSize, orders.Count, [.. orders.Data.Select(OrderResponse.From)]);
    }

    public static async Task<Results<Ok<OrderResponse>, NotFound>> GetOrder(Guid id, SalesDbContext db, CancellationToken cancellationToken) =>
        await db.Orders.AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, cancellationToken) is { } order
            ? TypedResults.Ok(OrderResponse.From(order))
            : TypedResults.NotFound();

    public static async Task<Results<Created<OrderResponse>, ValidationProblem>> CreateOrder(
        CreateOrderRequest request, SalesDbContext db, TimeProvider clock, JobOutbox outbox, CancellationToken cancellationToken)
    {
        // The tenant's query filters hide other tenants' rows, so their ids read as unknown here.
        var productIds = request.Lines.Select(l => l.ProductId).Distinct().ToList();
        var prices = await db.Products.Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Price, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        if (!await db.Customers.AnyAsync(c => c.Id == request.CustomerId, cancellationToken))
        {
            errors["customerId"] = [$"There is no customer '{request.CustomerId}'."];
        }

        if (!await db.Locations.AnyAsync(l => l.Id == request.LocationId, cancellationToken))
        {
            errors["locationId"] = [$"There is no location '{request.LocationId}'."];
        }

        if (productIds.Where(id => !prices.ContainsKey(id)).Select(id => $"There is no product '{id}'.").ToArray() is { Length: > 0 } unknown)
        {
            errors["lines"] = unknown;
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var order = new Order
        {
            CustomerId = request.CustomerId,
            LocationId = request.LocationId,
            Status = OrderStatus.Placed,
            CreatedAt = clock.GetUtcNow(),
            Lines = [.. request.Lines.Select(l => new OrderLine
            {
                ProductId = l.ProductId,
                Quantity = l.Quantity,
                UnitPrice = prices[l.ProductId],
                LineTotal = prices[l.ProductId] * l.Quantity,
            })],
        };
        order.Total = order.Lines.Sum(l => l.LineTotal);
        if (CheckAmounts(order, db) is { Count: > 0 } overflows)
        {
            return TypedResults.ValidationProblem(overflows);
        }

        db.Orders.Add(order);
        // Commits with the order: confirmed once if the order is saved, never if not, even if this process dies at
        // the commit. The job carries this request's tenant and trace.
        await outbox.EnqueueAsync<IOrderConfirmationJob>(db, job => job.SendAsync(order.Id, CancellationToken.None));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/orders/{order.Id}", OrderResponse.From(order));
    }

    /// <summary>Line totals and the order's total must fit their columns; prices and quantities are bounded by their own validation.</summary>
    private static Dictionary<string, string[]> CheckAmounts(Order order, SalesDbContext db)
    {
        var errors = new Dictionary<string, string[]>();
        var maxLine = AmountLimits.Max<OrderLine>(db.Model, nameof(OrderLine.LineTotal));
        for (var i = 0; i < order.Lines.Count; i++)
        {
            var line = order.Lines[i];
            if (line.LineTotal > maxLine)
            {
                errors[$"lines[{i}].quantity"] =
                    [$"The line total, {line.Quantity} × {AmountLimits.Format(line.UnitPrice)} = {AmountLimits.Format(line.LineTotal)}, exceeds the largest line total, {AmountLimits.Format(maxLine)}."];
            }
        }

        var maxTotal = AmountLimits.Max<Order>(db.Model, nameof(Order.Total));
        if (order.Total > maxTotal)
        {
            errors["total"] = [$"The order's total, {AmountLimits.Format(order.Total)}, exceeds the largest order total, {AmountLimits.Format(maxTotal)}."];
        }

        return errors;
    }
}
