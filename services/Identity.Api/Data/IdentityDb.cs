using Identity.Api.Domain;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Identity.Api.Data;

/// <summary>
/// The identity database through EF Core, because the libraries that own most of it need it: ASP.NET Core Identity's
/// accounts and OpenIddict's applications, authorizations and tokens. The schema itself is the numbered SQL under
/// <c>Data/Migrations</c>, applied by the platform's migration runner like every other service's; a test keeps the two
/// in step (<c>IdentitySchemaTests</c>).
/// </summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : IdentityUserContext<Account, Guid>(options)
{
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<Account>(account =>
        {
            account.ToTable("accounts");
            account.Property(a => a.DisplayName).HasMaxLength(100);
            account.Property(a => a.Role).HasMaxLength(20);
            account.Property(a => a.Region).HasMaxLength(12).UseCollation("C");
            account.Property(a => a.Grants).HasMaxLength(100);
            account.Property(a => a.CreatedBy).HasMaxLength(256);
            account.Property(a => a.UpdatedBy).HasMaxLength(256);
            account.Property(a => a.FederatedSubject).HasMaxLength(256);
            account.HasIndex(a => a.Region);
            account.HasIndex(a => a.CadreId).IsUnique();
            account.HasIndex(a => a.FederatedSubject).IsUnique();
            account.Ignore(a => a.GrantList);
            account.HasIndex(a => a.NormalizedUserName).HasDatabaseName("ix_accounts_normalized_user_name").IsUnique();
            account.HasIndex(a => a.NormalizedEmail).HasDatabaseName("ix_accounts_normalized_email");
        });
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<Guid>>().ToTable("account_claims");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<Guid>>().ToTable("account_logins");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>>().ToTable("account_tokens");
        builder.Entity<OpenIddictEntityFrameworkCoreApplication>().ToTable("openiddict_applications");
        builder.Entity<OpenIddictEntityFrameworkCoreAuthorization>().ToTable("openiddict_authorizations");
        builder.Entity<OpenIddictEntityFrameworkCoreScope>().ToTable("openiddict_scopes");
        builder.Entity<OpenIddictEntityFrameworkCoreToken>().ToTable("openiddict_tokens");
        builder.Entity<AuditEvent>(audit =>
        {
            audit.ToTable("audit_events");
            audit.Property(a => a.Action).HasMaxLength(40);
            audit.Property(a => a.Actor).HasMaxLength(256);
            audit.Property(a => a.Account).HasMaxLength(256);
            audit.Property(a => a.Region).HasMaxLength(12).UseCollation("C");
            audit.Property(a => a.ClientId).HasMaxLength(100);
            audit.Property(a => a.RemoteAddress).HasMaxLength(64);
            audit.Property(a => a.Outcome).HasMaxLength(20);
            audit.Property(a => a.Detail).HasMaxLength(1000);
            audit.HasIndex(a => a.At);
            audit.HasIndex(a => new { a.Region, a.At });
        });
        builder.Entity<SigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.Property(k => k.Id).HasMaxLength(64);
            key.Property(k => k.Use).HasMaxLength(3);
        });
    }
}
