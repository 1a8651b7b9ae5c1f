using System.Text.Json;
using System.Text.Json.Serialization;
using Tenancy.Tenants;

namespace Tenancy.Lifecycle;

/// <summary>What happened to a tenant.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TenantLifecycleKind>))]
public enum TenantLifecycleKind
{
    /// <summary>Its registry row, its store at the latest migration and the caller's step (its first owner) committed.</summary>
    Created,

    Suspended,

    Resumed,

    /// <summary>Its placement switched to another tier or server (<see cref="TenantLifecycleEvent.Isolation"/> is the new one).</summary>
    Moved,

    /// <summary>Soft-deleted: its hosts stopped resolving; its data is dropped later.</summary>
    Deleted,
}

/// <summary>
/// A change to a tenant, once committed: handed to every <see cref="ITenantLifecycleHandler"/> of the process that made
/// it, and sent to every other service as a NOTIFY on <see cref="Channel"/> (committed with the change: a listener
/// hears of it only if it happened).
/// </summary>
public sealed record TenantLifecycleEvent(TenantLifecycleKind Kind, Guid TenantId, string Identifier, TenantIsolation Isolation, DateTimeOffset At)
{
    public const string Channel = "tenancy_lifecycle";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TenantLifecycleEvent? FromJson(string json) => JsonSerializer.Deserialize<TenantLifecycleEvent>(json, Json);

    internal static TenantLifecycleEvent Of(TenantLifecycleKind kind, Tenant tenant, DateTimeOffset at) =>
        new(kind, tenant.Id, tenant.Identifier, tenant.Isolation, at);
}
