namespace Tenancy.Api.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("tenancydb");
        builder.AddRedisClient("cache");

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        return builder;
    }
}
