using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Sales.Migrations
{
    /// <inheritdoc />
    public partial class NotificationsAndDailySales : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "daily_sales_summaries",
                schema: "__tenant_schema__",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    order_count = table.Column<int>(type: "integer", nullable: false),
                    revenue = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_daily_sales_summaries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "notifications",
                schema: "__tenant_schema__",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    recipient = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    delivery_attempts = table.Column<int>(type: "integer", nullable: false),
                    job_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    job_tenant = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notifications", x => x.id);
                    table.ForeignKey(
                        name: "fk_notifications_orders_order_id",
                        column: x => x.order_id,
                        principalSchema: "__tenant_schema__",
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_daily_sales_summaries_tenant_id",
                schema: "__tenant_schema__",
                table: "daily_sales_summaries",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "ix_daily_sales_summaries_tenant_id_date",
                schema: "__tenant_schema__",
                table: "daily_sales_summaries",
                columns: new[] { "tenant_id", "date" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notifications_created_at",
                schema: "__tenant_schema__",
                table: "notifications",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_order_id_kind",
                schema: "__tenant_schema__",
                table: "notifications",
                columns: new[] { "order_id", "kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notifications_tenant_id",
                schema: "__tenant_schema__",
                table: "notifications",
                column: "tenant_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "daily_sales_summaries",
                schema: "__tenant_schema__");

            migrationBuilder.DropTable(
                name: "notifications",
                schema: "__tenant_schema__");
        }
    }
}
