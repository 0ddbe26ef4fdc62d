using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.Security.PersonalData;

public static class PersonalDataExtensions
{
    /// <summary>
    /// Binds <see cref="PersonalDataOptions"/> from section <c>PersonalData</c>, validates it when the host starts
    /// (a missing or malformed key stops the service), and registers <see cref="PersonalDataProtector"/> as a singleton.
    /// </summary>
    public static IHostApplicationBuilder AddPersonalDataProtection(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PersonalDataOptions>()
            .Bind(builder.Configuration.GetSection(PersonalDataOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<PersonalDataProtector>();
        return builder;
    }
}
