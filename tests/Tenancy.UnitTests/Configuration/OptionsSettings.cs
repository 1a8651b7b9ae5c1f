using System.Collections;
using System.Globalization;
using System.Reflection;

namespace Tenancy.UnitTests.Configuration;

/// <summary>A setting as the configuration binder sees it, and the value a fresh options object gives it.</summary>
/// <param name="Key">The configuration key; <c>{}</c> stands for a dictionary key or a list index.</param>
/// <param name="Source">Where it is declared, for messages (<c>TenantCacheOptions.Expiration</c>).</param>
internal sealed record OptionsSetting(string Key, string Default, string Source);

/// <summary>
/// Every setting of the options classes, found by reflection: each class with a <c>SectionName</c> constant, and each
/// public settable property the binder can fill from text, nested objects and dictionaries of them included.
/// </summary>
internal static class OptionsSettings
{
    public const string Unset = "unset";
    public const string None = "none";

    public static IReadOnlyList<Type> OptionsTypes(IEnumerable<Assembly> assemblies) =>
        [.. assemblies.SelectMany(a => a.GetTypes()).Where(t => SectionOf(t) is not null).OrderBy(t => t.FullName, StringComparer.Ordinal)];

    public static IEnumerable<OptionsSetting> Of(Type options) =>
        Properties(SectionOf(options)!, options, Activator.CreateInstance(options, nonPublic: true), options.Name);

    private static string? SectionOf(Type type) =>
        type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field ? (string?)field.GetRawConstantValue() : null;

    private static IEnumerable<OptionsSetting> Properties(string prefix, Type type, object? instance, string source)
    {
        foreach (var property in Settable(type))
        {
            var key = $"{prefix}:{property.Name}";
            var where = $"{source}.{property.Name}";
            var value = instance is null ? null : property.GetValue(instance);
            var propertyType = property.PropertyType;
            if (IsLeaf(propertyType))
            {
                yield return new(key, Render(value), where);
            }
            else if (DictionaryValueType(propertyType) is { } valueType)
            {
                var entries = ((IEnumerable?)value)?.Cast<object>().Select(e => (Key: Entry(e, "Key"), Value: Entry(e, "Value"))).ToList() ?? [];
                if (IsLeaf(valueType))
                {
                    yield return new($"{key}:{{}}", RenderEntries(entries, v => v), where);
                    continue;
                }

                // A dictionary of maps (plans' named limits): one row, each entry's map in brackets.
                if (DictionaryValueType(valueType) is { } innerValue && IsLeaf(innerValue))
                {
                    yield return new($"{key}:{{}}:{{}}", RenderEntries(entries, v => v is null ? null : RenderMap((IEnumerable)v)), where);
                    continue;
                }

                // A dictionary of objects (plans' limits): a row per property of the object, its value given per entry.
                foreach (var inner in Settable(valueType))
                {
                    if (!IsLeaf(inner.PropertyType))
                    {
                        throw new NotSupportedException($"{where}: a dictionary of objects that nest further; teach {nameof(OptionsSettings)} how to list it.");
                    }

                    yield return new($"{key}:{{}}:{inner.Name}", RenderEntries(entries, v => v is null ? null : inner.GetValue(v)), $"{where}[].{inner.Name}");
                }
            }
            else if (ElementType(propertyType) is { } element && IsLeaf(element))
            {
                var items = ((IEnumerable?)value)?.Cast<object?>().Select(Render).ToList() ?? [];
                yield return new($"{key}:{{}}", items.Count == 0 ? None : string.Join(", ", items), where);
            }
            else if (IsBindableObject(propertyType))
            {
                foreach (var nested in Properties(key, propertyType, value, where))
                {
                    yield return nested;
                }
            }

            // Anything else (an interface such as a JSON resolver, a delegate) is set in code, never from configuration.
        }
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);
    }

    private static Type? DictionaryValueType(Type type) =>
        GenericInterface(type, typeof(IDictionary<,>)) is { } dictionary && dictionary.GetGenericArguments()[0] == typeof(string)
            ? dictionary.GetGenericArguments()[1]
            : null;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType() : GenericInterface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? GenericInterface(Type type, Type definition) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    private static bool IsBindableObject(Type type) =>
        type.IsClass && !type.IsAbstract && !typeof(Delegate).IsAssignableFrom(type) && type != typeof(string);

    private static object? Entry(object pair, string name) => pair.GetType().GetProperty(name)!.GetValue(pair);

    private static string RenderEntries(List<(object? Key, object? Value)> entries, Func<object?, object?> select) =>
        entries.Count == 0 ? None : string.Join(", ", entries.Select(e => $"{e.Key}={Render(select(e.Value))}"));

    private static string RenderMap(IEnumerable map)
    {
        var entries = map.Cast<object>().Select(e => (Key: Entry(e, "Key"), Value: Entry(e, "Value"))).ToList();
        return "[" + RenderEntries(entries, v => v) + "]";
    }

    /// <summary>As the table writes a value: invariantly, and as the binder would read it back.</summary>
    public static string Render(object? value) => value switch
    {
        null => Unset,
        string { Length: 0 } => "\"\"",
        string text => text,
        bool flag => flag ? "true" : "false",
        TimeSpan span => WithoutTrailingZeros(span.ToString("c", CultureInfo.InvariantCulture)),
        Enum member => member.ToString(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? Unset,
    };

    // "c" is what the binder parses; the fraction's trailing zeros say nothing ("00:00:00.5", not "00:00:00.5000000").
    private static string WithoutTrailingZeros(string span) =>
        span.LastIndexOf('.') > span.LastIndexOf(':') ? span.TrimEnd('0').TrimEnd('.') : span;
}
