using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Sales.Migrations
{
    /// <inheritdoc />
    public partial class WiderDailyRevenue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<decimal>(
                name: "revenue",
                schema: "__tenant_schema__",
                table: "daily_sales_summaries",
                type: "numeric(28,2)",
                precision: 28,
                scale: 2,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(14,2)",
                oldPrecision: 14,
                oldScale: 2);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<decimal>(
                name: "revenue",
                schema: "__tenant_schema__",
                table: "daily_sales_summaries",
                type: "numeric(14,2)",
                precision: 14,
                scale: 2,
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(28,2)",
                oldPrecision: 28,
                oldScale: 2);
        }
    }
}
