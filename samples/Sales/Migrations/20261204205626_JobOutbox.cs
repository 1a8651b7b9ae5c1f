using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Sales.Migrations
{
    /// <inheritdoc />
    public partial class JobOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "job_outbox",
                schema: "__tenant_schema__",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    abandoned = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_outbox", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_job_outbox_claimed_at",
                schema: "__tenant_schema__",
                table: "job_outbox",
                column: "claimed_at");

            migrationBuilder.CreateIndex(
                name: "ix_job_outbox_tenant_id",
                schema: "__tenant_schema__",
                table: "job_outbox",
                column: "tenant_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_outbox",
                schema: "__tenant_schema__");
        }
    }
}
