using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tenancy.Context;

namespace Tenancy.Accounts.Authorization;

/// <summary>
/// Sign-in attempts (and invitation acceptances) are limited per tenant (or the platform) and client address
/// (<see cref="ClientAddress"/>): a fixed window of <see cref="AccountsOptions.SignInPermitLimit"/> per
/// <see cref="AccountsOptions.SignInWindow"/>. Guessing against one tenant does not slow down another's users; the
/// per-account back-off (<see cref="Passwords.SignInService"/>) covers guesses at one account.
/// </summary>
public static class SignInRateLimit
{
    public const string PolicyName = "sign-in";

    internal static void Configure(RateLimiterOptions limiter)
    {
        limiter.AddPolicy(PolicyName, http =>
        {
            var options = http.RequestServices.GetRequiredService<IOptions<AccountsOptions>>().Value;
            var tenant = http.RequestServices.GetRequiredService<ITenantContextAccessor>().Current;
            var key = $"{tenant?.Id.ToString() ?? "platform"}|{ClientAddress.Of(http)}";
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.SignInPermitLimit,
                Window = options.SignInWindow,
                QueueLimit = 0,
            });
        });

        limiter.OnRejected = async (context, cancellationToken) =>
        {
            var http = context.HttpContext;
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : (TimeSpan?)null;
            if (retryAfter is { } seconds)
            {
                http.Response.Headers.RetryAfter = Math.Ceiling(seconds.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            await ProblemResponse.WriteAsync(
                http,
                StatusCodes.Status429TooManyRequests,
                "Too many sign-in attempts",
                retryAfter is { } after
                    ? $"Too many sign-in attempts from this address for this tenant; try again in {Math.Ceiling(after.TotalSeconds)} s."
                    : "Too many sign-in attempts from this address for this tenant; try again later.");
        };
    }
}
