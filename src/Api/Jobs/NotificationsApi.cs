using Microsoft.EntityFrameworkCore;
using Tenancy.Api.Sales;
using Tenancy.Sales;

namespace Tenancy.Api.Jobs;

/// <param name="Tenant">The tenant the job that wrote it ran as.</param>
public sealed record NotificationResponse(
    Guid Id,
    Guid OrderId,
    string Kind,
    string? Recipient,
    NotificationStatus Status,
    int DeliveryAttempts,
    string JobId,
    string Tenant,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt);

public static class NotificationsApi
{
    public static void MapNotificationsApi(this RouteGroupBuilder api) =>
        api.MapGet("/notifications", ListNotifications)
            .WithTags("Notifications")
            .WithName("ListNotifications")
            .WithSummary("Messages the Worker recorded for this tenant's customers, newest first");

    public static Task<PaginatedItems<NotificationResponse>> ListNotifications(
        [AsParameters] PaginationRequest page, Guid? orderId, SalesDbContext db, CancellationToken cancellationToken) =>
        db.Notifications.AsNoTracking()
            .Where(n => orderId == null || n.OrderId == orderId)
            .OrderByDescending(n => n.CreatedAt)
            .Select(n => new NotificationResponse(
                n.Id, n.OrderId, n.Kind, n.Recipient, n.Status, n.DeliveryAttempts, n.JobId, n.JobTenant, n.CreatedAt, n.SentAt))
            .ToPageAsync(page, cancellationToken);
}
