using System.Text.Json;
using System.Text.Json.Serialization;
using Tenancy.Api.Sales;

namespace Tenancy.Api.Infrastructure;

/// <summary>
/// Source-generated serialization for everything the Api caches, with the web defaults its answers use: a cached
/// page's bytes are its answer (<see cref="CachedJson"/>).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PaginatedItems<ProductResponse>))]
[JsonSerializable(typeof(ProductResponse))]
internal sealed partial class CachedJsonContext : JsonSerializerContext;
