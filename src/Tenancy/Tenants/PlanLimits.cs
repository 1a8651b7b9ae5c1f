using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tenancy.Tenants;

/// <summary>
/// What a tenant's plan allows, by limit name (<c>Tenancy:Plans:{plan}:{limit}</c>), copied onto the tenant when it is
/// created. The application names its limits (Tenancy.Accounts counts <c>users</c>; the sample, <c>locations</c>):
/// the core only stores and serves them. A name that is not set is unlimited.
/// </summary>
[JsonConverter(typeof(PlanLimitsJsonConverter))]
public sealed class PlanLimits : IEquatable<PlanLimits>
{
    public static readonly PlanLimits Unlimited = new(new Dictionary<string, int>());

    public PlanLimits(IEnumerable<KeyValuePair<string, int>> values) =>
        Values = values.ToFrozenDictionary(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> Values { get; }

    /// <summary>The limit named <paramref name="name"/>, or null when it is unlimited.</summary>
    public int? Of(string name) => Values.TryGetValue(name, out var max) ? max : null;

    public bool Equals(PlanLimits? other) =>
        other is not null && Values.Count == other.Values.Count && Values.All(v => other.Values.TryGetValue(v.Key, out var max) && max == v.Value);

    public override bool Equals(object? obj) => Equals(obj as PlanLimits);

    public override int GetHashCode() => Values.Aggregate(0, (hash, v) => hash ^ HashCode.Combine(v.Key, v.Value));

    public override string ToString() => JsonSerializer.Serialize(this);
}

/// <summary>Plan limits are a JSON object of name to maximum, in the API as in the registry's <c>limits</c> column.</summary>
internal sealed class PlanLimitsJsonConverter : JsonConverter<PlanLimits>
{
    public override PlanLimits Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(JsonSerializer.Deserialize<Dictionary<string, int>>(ref reader, options) ?? []);

    public override void Write(Utf8JsonWriter writer, PlanLimits value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, max) in value.Values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(name, max);
        }

        writer.WriteEndObject();
    }
}
