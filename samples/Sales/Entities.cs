using Tenancy.Isolation;

namespace Tenancy.Sales;

// Ids are UUIDv7: unique across tenants, so another tenant's id can never name a row of this one.

public sealed class Location : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public required string Name { get; set; }

    public required string Code { get; set; }

    public string? Address { get; set; }
}

public sealed class Customer : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public required string Name { get; set; }

    public string? Email { get; set; }
}

public sealed class Product : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public required string Sku { get; set; }

    public required string Name { get; set; }

    public decimal Price { get; set; }
}

public enum OrderStatus
{
    Placed,
    Fulfilled,
    Cancelled,
}

public sealed class Order : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public Guid CustomerId { get; set; }

    public Guid LocationId { get; set; }

    public OrderStatus Status { get; set; }

    public decimal Total { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}

public sealed class OrderLine : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public Guid OrderId { get; set; }

    public Guid ProductId { get; set; }

    public int Quantity { get; set; }

    public decimal UnitPrice { get; set; }

    public decimal LineTotal { get; set; }
}

public enum NotificationStatus
{
    /// <summary>Recorded, not yet handed to the mail provider.</summary>
    Pending,
    Sent,
}

/// <summary>
/// A message to a customer, recorded before it is delivered: the row is the outbox a mail sender works from, and its
/// unique (order, kind) makes the job that writes it idempotent when Hangfire runs it again.
/// </summary>
public sealed class Notification : ITenantOwned
{
    public const string OrderConfirmation = "order-confirmation";

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public Guid OrderId { get; set; }

    public required string Kind { get; set; }

    public string? Recipient { get; set; }

    public NotificationStatus Status { get; set; }

    public int DeliveryAttempts { get; set; }

    /// <summary>The Hangfire job that recorded it.</summary>
    public required string JobId { get; set; }

    /// <summary>The tenant identifier the job ran as, as the job saw it.</summary>
    public required string JobTenant { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>One tenant's sales of one UTC day, computed by the nightly job.</summary>
public sealed class DailySalesSummary : ITenantOwned
{
    /// <summary>The tenant cache region of summaries: the job that stores one drops it, the Api reads through it.</summary>
    public const string CacheRegion = "daily-sales";

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public DateOnly Date { get; set; }

    public int OrderCount { get; set; }

    public decimal Revenue { get; set; }

    public DateTimeOffset ComputedAt { get; set; }
}
