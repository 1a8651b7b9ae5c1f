using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Jobs;
using Tenancy.Sales;
using Tenancy.Sales.Jobs;
using Tenancy.Telemetry;

namespace Tenancy.Worker.Jobs;

/// <summary>
/// Confirms an order to its customer, at least once and with one record per order: the notification is recorded first
/// (unique per order and kind), then delivered, then marked sent. A run after a crash finds the record and only
/// finishes what is left; a mail provider would dedupe deliveries by the notification's id.
/// </summary>
internal sealed partial class OrderConfirmationJob(
    SalesDbContext db,
    IOptions<NotificationDeliveryOptions> delivery,
    TimeProvider clock,
    ILogger<OrderConfirmationJob> logger) : IOrderConfirmationJob
{
    public async Task SendAsync(Guid orderId, CancellationToken cancellationToken)
    {
        // The tenant's query filter: an id of another tenant's order is not found here.
        var order = await db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => new { o.CustomerId }).FirstOrDefaultAsync(cancellationToken);
        if (order is null)
        {
            // The job runs only once its order committed (JobOutbox), so no retry would find it.
            LogUnknownOrder(orderId);
            return;
        }

        var notification = await FindAsync(orderId, cancellationToken) ?? await RecordAsync(orderId, order.CustomerId, cancellationToken);
        if (notification.Status == NotificationStatus.Sent)
        {
            LogAlreadySent(orderId);
            return;
        }

        notification.DeliveryAttempts++;
        await db.SaveChangesAsync(cancellationToken);
        await Task.Delay(delivery.Value.SimulatedSendLatency, clock, cancellationToken);
        notification.Status = NotificationStatus.Sent;
        notification.SentAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        LogSent(orderId, notification.Recipient);
    }

    private Task<Notification?> FindAsync(Guid orderId, CancellationToken cancellationToken) =>
        db.Notifications.FirstOrDefaultAsync(n => n.OrderId == orderId && n.Kind == Notification.OrderConfirmation, cancellationToken);

    private async Task<Notification> RecordAsync(Guid orderId, Guid customerId, CancellationToken cancellationToken)
    {
        var notification = new Notification
        {
            OrderId = orderId,
            Kind = Notification.OrderConfirmation,
            Recipient = await db.Customers.Where(c => c.Id == customerId).Select(c => c.Email).FirstOrDefaultAsync(cancellationToken),
            Status = NotificationStatus.Pending,
            JobId = PerformingJob.Current?.Id ?? "",
            JobTenant = db.RequireTenant().Identifier,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Notifications.Add(notification);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return notification;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another run of this job recorded it a moment ago: carry on with that record.
            db.Entry(notification).State = EntityState.Detached;
            return await FindAsync(orderId, cancellationToken) ?? throw new InvalidOperationException($"The confirmation of order {orderId} vanished.", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} is not an order of this tenant; nothing to confirm")]
    private partial void LogUnknownOrder(Guid orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} was already confirmed; nothing to do")]
    private partial void LogAlreadySent(Guid orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Confirmed order {OrderId} to {Recipient}")]
    private partial void LogSent(Guid orderId, [PersonalData] string? recipient);
}
