using System.Diagnostics.CodeAnalysis;

namespace Platform.Security.PersonalData;

/// <summary>
/// Mainland China phone numbers, personal data like citizen ID numbers (domain.md §1).
/// <list type="bullet">
/// <item>Mobile: 11 digits, <c>1[3-9]</c> then 9 digits; normalised as <c>13812345678</c>.</item>
/// <item>Landline: trunk prefix 0, area code (<c>10</c>, <c>2x</c> or three digits starting 3-9) and a 7-8 digit
/// local number not starting with 0 or 1; normalised as <c>028-87654321</c> / <c>0571-8765432</c>.</item>
/// </list>
/// Input may contain spaces, dashes and parentheses and start with the country code (<c>+86</c>, <c>0086</c>, or
/// <c>86</c> before a mobile number). Where a dash stands does not matter: the area code is recognised by its digits.
/// Look numbers up through <see cref="PersonalDataProtector.BlindIndex"/> of the <see cref="Normalize">normalised</see> form.
/// </summary>
public static class PhoneNumber
{
    public const string Required = "required";
    public const string InvalidPhone = "invalid_phone";

    /// <summary>True when <paramref name="value"/> is a mobile or landline number.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value) => TryNormalize(value, out _);

    /// <summary>True when <paramref name="value"/> is a valid mobile number (the ones that receive text messages).</summary>
    public static bool IsMobile([NotNullWhen(true)] string? value) => TryParse(value, out var area, out _) && area.Length == 0;

    /// <summary>Null when the number is valid, otherwise <c>required</c> or <c>invalid_phone</c>.</summary>
    public static ValidationProblem? Validate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new ValidationProblem(Required, "请填写电话号码");
        }

        return IsValid(value) ? null : new ValidationProblem(InvalidPhone, "电话号码格式不正确，应为11位手机号或带区号的固定电话");
    }

    /// <summary>The canonical form: <c>13812345678</c> or <c>028-87654321</c>.</summary>
    /// <exception cref="FormatException">Not a valid phone number.</exception>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryNormalize(value, out var normalized) ? normalized : throw new FormatException("Not a valid mainland China phone number.");
    }

    public static bool TryNormalize([NotNullWhen(true)] string? value, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (!TryParse(value, out var area, out var number))
        {
            return false;
        }

        normalized = area.Length == 0 ? number : $"{area}-{number}";
        return true;
    }

    /// <summary>
    /// Mobile: <c>138****1234</c>; landline: <c>028-****4321</c>. A value that is not a valid number keeps only its
    /// last 4 characters (all asterisks when it has 8 characters or fewer).
    /// </summary>
    public static string Mask(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (TryParse(value, out var area, out var number))
        {
            return area.Length == 0
                ? string.Concat(number.AsSpan(0, 3), "****", number.AsSpan(7))
                : string.Concat(area, "-****", number.AsSpan(number.Length - 4));
        }

        var text = value.Trim();
        return text.Length <= 8 ? new string('*', text.Length) : string.Concat("****", text.AsSpan(text.Length - 4));
    }

    /// <summary>Area code (with its 0) and local number of a landline; an empty area code and 11 digits for a mobile.</summary>
    private static bool TryParse([NotNullWhen(true)] string? value, out string area, out string number)
    {
        area = string.Empty;
        number = string.Empty;
        if (value is null)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[24];
        var length = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsWhiteSpace(c) || c is '-' or '(' or ')')
            {
                continue;
            }

            var plusAllowed = c == '+' && length == 0;
            if ((!char.IsAsciiDigit(c) && !plusAllowed) || length == buffer.Length)
            {
                return false;
            }

            buffer[length++] = c;
        }

        ReadOnlySpan<char> digits = buffer[..length];
        var international = false;
        if (digits.StartsWith("+86"))
        {
            digits = digits[3..];
            international = true;
        }
        else if (digits.StartsWith("0086"))
        {
            digits = digits[4..];
            international = true;
        }
        else if (digits.Length == 13 && digits.StartsWith("86") && IsMobile(digits[2..]))
        {
            digits = digits[2..];
        }

        if (IsMobile(digits))
        {
            number = digits.ToString();
            return true;
        }

        // Written internationally, a landline drops its trunk 0: +86 28 8765 4321.
        var national = international && digits.Length > 0 && digits[0] is >= '2' and <= '9'
            ? string.Concat("0", digits)
            : digits.ToString();
        var areaLength = AreaCodeLength(national);
        if (areaLength == 0)
        {
            return false;
        }

        var local = national.AsSpan(areaLength);
        if (local.Length is < 7 or > 8 || local[0] is '0' or '1')
        {
            return false;
        }

        area = national[..areaLength];
        number = local.ToString();
        return true;
    }

    private static bool IsMobile(ReadOnlySpan<char> digits) =>
        digits.Length == 11 && digits[0] == '1' && digits[1] is >= '3' and <= '9' && !digits.ContainsAnyExceptInRange('0', '9');

    /// <summary>3 for 010 and 02x, 4 for 0[3-9]xx, 0 when the digits do not start with an area code.</summary>
    private static int AreaCodeLength(string digits)
    {
        if (digits.Length < 4 || digits[0] != '0' || digits.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return 0;
        }

        return digits[1] switch
        {
            '1' => digits[2] == '0' ? 3 : 0,
            '2' => 3,
            >= '3' and <= '9' => 4,
            _ => 0,
        };
    }
}
