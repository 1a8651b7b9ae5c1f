using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Tenancy.Files;

namespace Tenancy.Api.Files;

/// <summary>Turns the file checks' refusals into problem details naming what was refused and why.</summary>
internal sealed class FileExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            FileNameException name => new() { Status = StatusCodes.Status400BadRequest, Title = "Invalid file name", Detail = name.Message },
            FileTypeNotAllowedException type => new() { Status = StatusCodes.Status415UnsupportedMediaType, Title = "File type not accepted", Detail = type.Message },
            FileTooLargeException tooLarge => new()
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "File too large",
                Detail = tooLarge.Message,
                Extensions = { ["maxBytes"] = tooLarge.MaxBytes },
            },
            FileQuotaExceededException quota => new()
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Storage quota reached",
                Detail = quota.Message,
                Extensions = { ["limit"] = quota.Limit, ["max"] = quota.MaxBytes, ["used"] = quota.UsedBytes },
            },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
