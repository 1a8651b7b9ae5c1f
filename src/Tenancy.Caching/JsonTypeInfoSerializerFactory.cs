using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace Tenancy.Caching;

/// <summary>Serializes cached values with source-generated System.Text.Json metadata when the application provides it.</summary>
internal sealed class JsonTypeInfoSerializerFactory(IOptions<TenantCacheOptions> options) : IHybridCacheSerializerFactory
{
    private readonly JsonSerializerOptions? _json = options.Value.JsonTypeInfoResolver is { } resolver
        ? new JsonSerializerOptions { TypeInfoResolver = resolver }
        : null;

    public bool TryCreateSerializer<T>([NotNullWhen(true)] out IHybridCacheSerializer<T>? serializer)
    {
        serializer = _json is not null && _json.TryGetTypeInfo(typeof(T), out var info) && info is JsonTypeInfo<T> typed
            ? new Serializer<T>(typed)
            : null;
        return serializer is not null;
    }

    private sealed class Serializer<T>(JsonTypeInfo<T> typeInfo) : IHybridCacheSerializer<T>
    {
        public T Deserialize(ReadOnlySequence<byte> source)
        {
            var reader = new Utf8JsonReader(source);
            return JsonSerializer.Deserialize(ref reader, typeInfo)!;
        }

        public void Serialize(T value, IBufferWriter<byte> target)
        {
            using var writer = new Utf8JsonWriter(target);
            JsonSerializer.Serialize(writer, value, typeInfo);
        }
    }
}
