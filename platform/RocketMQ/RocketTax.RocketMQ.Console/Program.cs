using RocketTax.RocketMQ.Console.Access;
using RocketTax.RocketMQ.Console.Admin;
using RocketTax.RocketMQ.Console.Components;

var builder = WebApplication.CreateBuilder(args);
builder.AddConsoleAdmin();
builder.AddBrowserTokenAccess();
builder.AddConsoleComponents();

var app = builder.Build();
app.UseBrowserTokenAccess();
app.MapBrowserTokenLogin();
app.MapConsoleApi();
app.MapConsoleComponents();
app.Run();
