using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tenancy.Accounts.Invitations;

namespace Tenancy.Accounts.Members;

/// <summary>Turns membership and invitation errors into problem details (400, 404, 409 naming the <c>users</c> limit).</summary>
internal sealed class MemberExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            MemberValidationException invalid => new HttpValidationProblemDetails(invalid.Errors) { Status = StatusCodes.Status400BadRequest, Title = "The member is not valid" },
            MemberLimitException limit => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Plan limit reached",
                Detail = limit.Message,
                Extensions = { ["limit"] = AccountLimits.Users, ["max"] = limit.Max },
            },
            MemberConflictException conflict => new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = conflict.Message },
            MemberNotFoundException notFound => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Unknown member", Detail = notFound.Message },
            InvitationInvalidException invalid => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Invalid invitation", Detail = invalid.Message },
            InvitationNotFoundException notFound => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Unknown invitation", Detail = notFound.Message },
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
