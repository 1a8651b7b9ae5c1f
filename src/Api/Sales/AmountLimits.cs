using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tenancy.Api.Sales;

/// <summary>
/// The largest amount a sales column holds, read from the model's <c>numeric(precision, scale)</c>, so an amount that
/// would overflow its column is refused before anything is written (400 naming the field and the limit), not by
/// PostgreSQL's numeric overflow as a 500 halfway through.
/// </summary>
internal static class AmountLimits
{
    public static decimal Max<TEntity>(IModel model, string property)
    {
        var column = model.FindEntityType(typeof(TEntity))?.FindProperty(property)
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{property} is not mapped.");
        var (precision, scale) = (column.GetPrecision() ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{property} has no precision."), column.GetScale() ?? 0);
        decimal whole = 1, unit = 1;
        for (var i = 0; i < precision - scale; i++)
        {
            whole *= 10;
        }

        for (var i = 0; i < scale; i++)
        {
            unit /= 10;
        }

        // numeric(14,2): 12 digits before the point, 2 after.
        return whole - unit;
    }

    public static string Format(decimal amount) => amount.ToString("#,0.00", CultureInfo.InvariantCulture);
}

/// <summary>At most this many decimal places: PostgreSQL would round more away silently, so the stored value would differ from the one sent.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class DecimalPlacesAttribute(int places) : ValidationAttribute($"The field {{0}} takes at most {places} decimal places.")
{
    public override bool IsValid(object? value) => value is not decimal amount || decimal.Round(amount, places) == amount;
}
