namespace Identity.Api.Features.SignIn;

/// <summary>
/// The content security policy of the sign-in pages: their own inline styles and nothing else loads, no framing
/// (clickjacking of a password form), no base-URI tricks. Forms are not limited by <c>form-action</c>, because the
/// sign-in's redirect chain ends at the client's registered address, which browsers would check against it.
/// </summary>
public static class PageSecurityHeaders
{
    public const string Policy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

    public static IApplicationBuilder UsePageSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/account"))
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.ContentSecurityPolicy = Policy;
                context.Response.Headers.XFrameOptions = "DENY";
                return Task.CompletedTask;
            });
        }

        return next(context);
    });
}
