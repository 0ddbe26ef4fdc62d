using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Builder;
using Platform.ServiceDefaults;

namespace Platform.Security;

/// <summary>
/// The authorisation rule of the whole platform (domain.md §1): a caller sees a record only when the
/// record's 12-digit division code starts with the caller's scope prefix.
/// Queries filter with <see cref="From"/> / <see cref="To"/> as a range (<c>code &gt;= @From AND code &lt; @To</c>),
/// which a plain btree index on a <c>COLLATE "C"</c> column serves.
/// A minimal-API handler takes the caller's scope as a parameter (<see cref="BindAsync"/>), which also marks its endpoint
/// as scoped (<see cref="RegionScopedAttribute"/>); a gRPC method asks its call context for it.
/// </summary>
public sealed record RegionScope : IEndpointParameterMetadataProvider
{
    public const int CodeLength = 12;

    private RegionScope(string prefix) => Prefix = prefix;

    /// <summary>Digits only, 0 to 12 characters. Empty means the whole country (<see cref="Everything"/>).</summary>
    public string Prefix { get; }

    /// <summary>The whole country: the scope of a token granted <see cref="Grants.Nationwide"/>, and of the services' own work (jobs).</summary>
    public static RegionScope Everything { get; } = new(string.Empty);

    /// <summary>Inclusive lower bound of codes in scope.</summary>
    public string From => Prefix.PadRight(CodeLength, '0');

    /// <summary>Exclusive upper bound of codes in scope ('~' sorts after every digit in the C collation).</summary>
    public string To => NextPrefix(Prefix) is { } next ? next.PadRight(CodeLength, '0') : "~";

    public static bool TryParse(string? prefix, out RegionScope scope)
    {
        scope = Everything;
        if (prefix is null || prefix.Length > CodeLength || !prefix.All(char.IsAsciiDigit))
        {
            return false;
        }

        scope = new RegionScope(prefix);
        return true;
    }

    public static RegionScope Parse(string prefix) =>
        TryParse(prefix, out var scope) ? scope : throw new FormatException($"'{prefix}' is not a division-code prefix.");

    /// <summary>
    /// The caller's scope, or null (nothing is visible) — the one rule of what a token's scope means:
    /// <list type="bullet">
    /// <item>a token without a known role (<see cref="Roles.AreKnown"/>) has none;</item>
    /// <item>one <c>region</c> claim of 1 to 12 digits is that prefix (a grant never widens it);</item>
    /// <item>an empty or absent region is the whole country only with the grant <see cref="Grants.Nationwide"/>, for a
    /// token whose one role is province; otherwise it is no scope at all;</item>
    /// <item>a malformed region, or two region claims, is none.</item>
    /// </list>
    /// </summary>
    public static RegionScope? FromPrincipal(ClaimsPrincipal user)
    {
        if (!Roles.AreKnown(user))
        {
            return null;
        }

        var regions = user.FindAll(PlatformClaims.Region).Select(c => c.Value).ToList();
        if (regions.Count > 1)
        {
            return null;
        }

        var region = regions.SingleOrDefault() ?? string.Empty;
        if (region.Length == 0)
        {
            return HoldsNationwideGrant(user) ? Everything : null;
        }

        return TryParse(region, out var scope) ? scope : null;
    }

    private static bool HoldsNationwideGrant(ClaimsPrincipal user) =>
        user.HasClaim(PlatformClaims.Grant, Grants.Nationwide)
        && user.FindAll(PlatformClaims.Role).All(c => c.Value == Roles.Province);

    /// <summary>The caller's scope, or 403 missing_region_scope (PERMISSION_DENIED on gRPC) when the token has none (<see cref="FromPrincipal"/>).</summary>
    public static RegionScope Require(ClaimsPrincipal user) =>
        FromPrincipal(user) ?? throw ApiProblems.Create(StatusCodes.Status403Forbidden, "missing_region_scope", "令牌缺少区域范围").ToException();

    /// <summary>Minimal APIs bind a <see cref="RegionScope"/> parameter to the caller's scope.</summary>
    public static ValueTask<RegionScope?> BindAsync(HttpContext context) => ValueTask.FromResult<RegionScope?>(Require(context.User));

    /// <summary>An endpoint whose handler takes the caller's scope is marked as scoped, for the test that checks every endpoint.</summary>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) => builder.Metadata.Add(RegionScopedAttribute.Instance);

    public bool Covers(string code) => code.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Narrows a requested prefix to this scope: a county official asking for the whole province gets their county;
    /// a request for another county gets null (nothing is visible).
    /// </summary>
    public RegionScope? Narrow(RegionScope requested)
    {
        if (requested.Prefix.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return requested;
        }

        return Prefix.StartsWith(requested.Prefix, StringComparison.Ordinal) ? this : null;
    }

    /// <summary>
    /// The part of a requested prefix (empty or null: the whole scope) that this scope may see, for lists and reports:
    /// 400 <paramref name="invalidCode"/> naming <paramref name="field"/> for a malformed prefix, 403 region_out_of_scope
    /// for a prefix wholly outside the scope (INVALID_ARGUMENT and PERMISSION_DENIED on gRPC). Single records outside
    /// the scope answer as missing instead.
    /// </summary>
    public RegionScope NarrowOrDeny(string? prefix, string field = "prefix", string invalidCode = "invalid_query")
    {
        if (!TryParse(prefix ?? string.Empty, out var requested))
        {
            throw ApiProblems.Invalid(invalidCode, "查询参数无效", [new FieldError(field, "invalid_prefix", $"{field} 必须是0到12位数字")]).ToException();
        }

        return Narrow(requested) ?? throw ApiProblems.OutOfScope(requested.Prefix).ToException($"区划 {requested.Prefix} 超出您的管辖范围");
    }

    public override string ToString() => Prefix.Length == 0 ? "*" : Prefix;

    private static string? NextPrefix(string prefix)
    {
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] < '9')
            {
                chars[i]++;
                return new string(chars, 0, i + 1);
            }
        }

        return null;
    }
}

/// <summary>
/// Marks an endpoint that enforces the caller's region scope: added by a <see cref="RegionScope"/> handler parameter,
/// or put on a gRPC service class whose methods all take the scope from their call context.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
public sealed class RegionScopedAttribute : Attribute
{
    public static readonly RegionScopedAttribute Instance = new();
}

/// <summary>An endpoint that touches no regional data, with the reason (health, documents, operators' tools).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
public sealed class NotRegionScopedAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}

public static class RegionScopeEndpointExtensions
{
    /// <summary>Declares that the endpoints touch no regional data, and why.</summary>
    public static TBuilder WithoutRegionScope<TBuilder>(this TBuilder builder, string reason)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new NotRegionScopedAttribute(reason));
}
