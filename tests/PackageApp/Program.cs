using Microsoft.EntityFrameworkCore;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Notes;
using Tenancy;
using Tenancy.AspNetCore;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Provisioning;
using Tenancy.Tenants;

var builder = WebApplication.CreateBuilder(args);

// Traces over OTLP where the AppHost gives an endpoint (an Aspire ServiceDefaults project's AddServiceDefaults() does
// the same); Tenancy puts tenant.id and tenant.identifier on every span started while a tenant is current.
var telemetry = builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddAspNetCoreInstrumentation());
if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
{
    telemetry.UseOtlpExporter();
}

// ConnectionStrings:tenancydb is the database's owner (registry, schemas, migrations); ConnectionStrings:tenancydb-app,
// when set, the role that serves tenant data (created at the first start if the server lacks it).
builder.AddTenancy<NotesDbContext>("tenancydb")
    .WithStartupMigrations()
    .WithRequestResolution();

var app = builder.Build();

// The request's tenant from its host or X-Tenant header; it routes the request itself (no UseRouting before it).
app.UseTenancy();

// Creating tenants is the platform's: protect it in a real app (Tenancy.Accounts' platform admins); here it exists
// in Development only.
if (app.Environment.IsDevelopment())
{
    app.MapPost("/tenants/{identifier}", async (string identifier, TenantIsolation? isolation, TenantProvisioner provisioner, CancellationToken cancellationToken) =>
    {
        try
        {
            var tenant = await provisioner.ProvisionAsync(new NewTenant(identifier, identifier, Isolation: isolation ?? TenantIsolation.Schema), cancellationToken);
            return Results.Created($"/tenants/{tenant.Identifier}", new { tenant.Id, tenant.Identifier, Isolation = tenant.Isolation.ToString() });
        }
        catch (TenantValidationException invalid)
        {
            return Results.ValidationProblem(invalid.Errors);
        }
        catch (TenantConflictException conflict)
        {
            return Results.Problem(conflict.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }).RequirePlatform();
}

// The current tenant's notes: NotesDbContext reaches that tenant's data only.
var notes = app.MapGroup("/notes").RequireTenant();
notes.MapGet("/", (NotesDbContext db, CancellationToken cancellationToken) =>
    db.Notes.OrderBy(n => n.CreatedAt).ToListAsync(cancellationToken));
notes.MapGet("/{id:guid}", async (Guid id, NotesDbContext db, CancellationToken cancellationToken) =>
    await db.Notes.FirstOrDefaultAsync(n => n.Id == id, cancellationToken) is { } note ? Results.Ok(note) : Results.NotFound());
notes.MapPost("/", async (NewNote request, NotesDbContext db, CancellationToken cancellationToken) =>
{
    var note = new Note { Text = request.Text, CreatedAt = DateTimeOffset.UtcNow };
    db.Notes.Add(note);
    await db.SaveChangesAsync(cancellationToken);
    return Results.Created($"/notes/{note.Id}", note);
});

app.Run();

internal sealed record NewNote(string Text);
