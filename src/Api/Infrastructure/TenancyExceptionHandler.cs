using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Tenancy.Context;
using Tenancy.Features;
using Tenancy.Provisioning;
using Tenancy.Moves;
using Tenancy.Placement;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Api.Infrastructure;

/// <summary>Turns the tenancy services' domain exceptions into problem details, so handlers stay short.</summary>
internal sealed class TenancyExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            TenantValidationException validation => new HttpValidationProblemDetails(validation.Errors.ToDictionary())
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The tenant is not valid",
            },
            TenantConflictException conflict => Problem(StatusCodes.Status409Conflict, "Conflict", conflict.Message),
            TenantStateException state => Problem(StatusCodes.Status409Conflict, "Not allowed in the tenant's status", state.Message),
            TenantNotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Unknown tenant", notFound.Message),
            DomainNotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Unknown domain", notFound.Message),
            FeatureNotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Unknown feature", notFound.Message),
            // Minimal APIs throw these in Development (ThrowOnBadRequest) for unbindable input: still the client's error.
            BadHttpRequestException badRequest => Problem(badRequest.StatusCode, "Bad request", badRequest.Message),
            // PostgreSQL text cannot hold NUL; such input is refused whichever field carries it.
            PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire } or { InnerException: PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire } } =>
                Problem(StatusCodes.Status400BadRequest, "Invalid text", "The request contains a character that cannot be stored (NUL)."),
            TenantStoreBusyException busy => Problem(StatusCodes.Status503ServiceUnavailable, "The tenant's store is busy", busy.Message),
            TenantMovingException moving => Problem(StatusCodes.Status503ServiceUnavailable, "The tenant is moving", moving.Message),
            _ when DatabaseUnavailable.Is(exception) => Problem(
                StatusCodes.Status503ServiceUnavailable,
                "The database is unavailable",
                $"PostgreSQL cannot be reached right now ({DatabaseUnavailable.Describe(exception)}). Retry in {DatabaseUnavailable.RetryAfterSeconds} seconds."),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = DatabaseUnavailable.Is(exception) ? $"{DatabaseUnavailable.RetryAfterSeconds}" : "1";
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };
}
