using RocketTax.ProvinceTax.Apis;
using RocketTax.ProvinceTax.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTaxReportConsumer();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapTaxReportQueries();

app.Run();

