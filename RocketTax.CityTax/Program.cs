using RocketTax.CityTax.Apis;
using RocketTax.CityTax.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTaxReporting();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapSeedEndpoints();
app.MapTaxReportEndpoints();

app.Run();

