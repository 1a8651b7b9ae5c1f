using System.Text.Json.Serialization;
using Tenancy.Api.Sales;

namespace Tenancy.Api.Infrastructure;

/// <summary>Source-generated serialization for everything the Api caches.</summary>
[JsonSerializable(typeof(PaginatedItems<ProductResponse>))]
[JsonSerializable(typeof(ProductResponse))]
internal sealed partial class CachedJsonContext : JsonSerializerContext;
