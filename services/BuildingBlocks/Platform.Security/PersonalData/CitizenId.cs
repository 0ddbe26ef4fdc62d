using System.Globalization;

namespace Platform.Security.PersonalData;

/// <summary>
/// Resident citizen ID numbers (居民身份证号码, GB 11643-1999): 6-digit region code, 8-digit birth date
/// (yyyyMMdd), 3-digit sequence number and an ISO 7064 MOD 11-2 check character (a digit or <c>X</c>).
/// The number is personal data (domain.md §1): store it with <see cref="PersonalDataProtector"/>, look it up
/// through <see cref="PersonalDataProtector.BlindIndex"/> of its <see cref="Normalize">normalised</see> form, and
/// show it with <see cref="Mask"/> unless <see cref="PersonalDataAccess.MaySeeClear"/>.
/// </summary>
public static class CitizenId
{
    public const int Length = 18;

    public const string Required = "required";
    public const string InvalidLength = "invalid_length";
    public const string InvalidCharacters = "invalid_characters";
    public const string InvalidRegion = "invalid_region";
    public const string InvalidBirthDate = "invalid_birth_date";
    public const string InvalidCheckDigit = "invalid_check_digit";

    /// <summary>The earliest birth date accepted.</summary>
    public static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);

    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>True when <paramref name="id"/> (after <see cref="Normalize"/>) is a well-formed ID number with a correct check character.</summary>
    public static bool IsValid(string? id) => Validate(id) is null;

    /// <inheritdoc cref="IsValid(string?)"/>
    public static bool IsValid(string? id, DateOnly today) => Validate(id, today) is null;

    /// <summary>Null when the number is valid, otherwise the first problem found (codes are the constants of this class).</summary>
    public static ValidationProblem? Validate(string? id) => Validate(id, ChinaTime.Today());

    /// <summary><see cref="Validate(string?)"/> with an explicit "today" (the latest acceptable birth date).</summary>
    public static ValidationProblem? Validate(string? id, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return new ValidationProblem(Required, "请填写身份证号");
        }

        var value = Normalize(id);
        if (value.Length != Length)
        {
            return new ValidationProblem(InvalidLength, "身份证号应为18位");
        }

        if (value.AsSpan(0, Length - 1).ContainsAnyExceptInRange('0', '9')
            || !(char.IsAsciiDigit(value[Length - 1]) || value[Length - 1] == 'X'))
        {
            return new ValidationProblem(InvalidCharacters, "身份证号前17位应为数字，最后一位应为数字或X");
        }

        var province = (value[0] - '0') * 10 + (value[1] - '0');
        if (province is < 11 or > 82)
        {
            return new ValidationProblem(InvalidRegion, "身份证号地区码无效");
        }

        if (TryReadBirthDate(value) is not { } birth || birth < EarliestBirthDate || birth > today)
        {
            return new ValidationProblem(InvalidBirthDate, "身份证号出生日期无效");
        }

        if (CheckCharacter(value.AsSpan(0, Length - 1)) != value[Length - 1])
        {
            return new ValidationProblem(InvalidCheckDigit, "身份证号校验位错误");
        }

        return null;
    }

    /// <summary>The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of the first 17 digits.</summary>
    /// <exception cref="ArgumentException">Not exactly 17 ASCII digits.</exception>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != Length - 1 || first17.ContainsAnyExceptInRange('0', '9'))
        {
            throw new ArgumentException("The check character is computed from exactly 17 digits.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < first17.Length; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>Trims surrounding white space and upper-cases the check character (<c>x</c> → <c>X</c>). Does not validate.</summary>
    public static string Normalize(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Trim().ToUpperInvariant();
    }

    /// <summary>
    /// First 4 and last 4 characters around 10 asterisks: <c>5117**********1234</c>. Values that are not 18 characters
    /// long keep their length; those of 8 characters or fewer are masked entirely.
    /// </summary>
    public static string Mask(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var value = Normalize(id);
        if (value.Length <= 8)
        {
            return new string('*', value.Length);
        }

        return string.Concat(value.AsSpan(0, 4), new string('*', value.Length - 8), value.AsSpan(value.Length - 4));
    }

    /// <summary>The birth date encoded in characters 7-14 of a valid number.</summary>
    /// <exception cref="FormatException">The number is not valid.</exception>
    public static DateOnly BirthDate(string validId)
    {
        ArgumentNullException.ThrowIfNull(validId);
        if (Validate(validId) is { } problem)
        {
            throw new FormatException($"Not a valid citizen ID number ({problem.Code}).");
        }

        return TryReadBirthDate(Normalize(validId))!.Value;
    }

    private static DateOnly? TryReadBirthDate(string normalized18) =>
        DateOnly.TryParseExact(normalized18.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
}
