using System.Security.Cryptography;

namespace Identity.Api.Features.Accounts;

/// <summary>
/// Initial passwords the service makes up (creation and reset without a given one): 16 characters drawn by the system's
/// cryptographic generator from letters and digits that cannot be misread on paper (no 0/O, 1/l/I), with at least one
/// upper-case letter, one lower-case letter and one digit, so that they always keep the password rules (10 or more, digit,
/// upper, lower). About 93 bits; the person must change it at the first sign-in.
/// </summary>
public static class InitialPasswords
{
    public const int Length = 16;
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";
    private const string All = Upper + Lower + Digits;

    public static string Generate()
    {
        var chars = new char[Length];
        chars[0] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[1] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        for (var i = 3; i < Length; i++)
        {
            chars[i] = All[RandomNumberGenerator.GetInt32(All.Length)];
        }

        // The three required classes are not always in front.
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
