using Microsoft.Extensions.Compliance.Classification;

namespace Tenancy.Telemetry;

/// <summary>
/// Data about a tenant's people (e-mail addresses, names): on a log parameter, the services' redaction erases it, so
/// logs, the dashboard and exporters never hold it.
/// </summary>
public static class PersonalData
{
    public static DataClassification Classification { get; } = new("Tenancy", nameof(PersonalData));
}

/// <inheritdoc cref="PersonalData"/>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PersonalDataAttribute() : DataClassificationAttribute(PersonalData.Classification);
