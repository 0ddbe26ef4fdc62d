using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Security;
using Platform.Security.PersonalData;

namespace Platform.UnitTests;

/// <summary>Reference implementation of GB 11643 / ISO 7064 MOD 11-2, written independently of <see cref="CitizenId"/>.</summary>
internal static class IdReference
{
    // Weight of position i (counted from the right, the check character at position 1) is 2^(i-1) mod 11.
    public static char Check(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var weight = 1;
            for (var p = 0; p < 17 - i; p++)
            {
                weight = weight * 2 % 11;
            }

            sum += (first17[i] - '0') * weight;
        }

        var value = (12 - sum % 11) % 11;
        return value == 10 ? 'X' : (char)('0' + value);
    }

    public static string Complete(string first17) => first17 + Check(first17);

    public static string Build(string region, DateOnly birth, string sequence = "123") =>
        Complete(region + birth.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + sequence);

    /// <summary>A valid number with a wrong check character.</summary>
    public static string WrongCheck(string first17)
    {
        var right = Check(first17);
        return first17 + (right == '0' ? '1' : '0');
    }
}

public class CitizenIdTests
{
    private static readonly DateOnly Today = new(2025, 6, 15);

    [Fact]
    public void The_standard_sample_is_valid()
    {
        CitizenId.IsValid("11010519491231002X").ShouldBeTrue();
        CitizenId.Validate("11010519491231002X").ShouldBeNull();
        IdReference.Check("11010519491231002").ShouldBe('X');
        CitizenId.CheckCharacter("11010519491231002").ShouldBe('X');
    }

    [Theory]
    [InlineData("51170219800101123")]
    [InlineData("51170219900228001")]
    [InlineData("51092220000229456")]
    [InlineData("11000019000101000")]
    [InlineData("82000020241231999")]
    [InlineData("44030119871010771")]
    [InlineData("65010119650707333")]
    [InlineData("51170220101111014")]
    public void Numbers_completed_with_the_reference_check_character_are_valid(string first17)
    {
        var id = IdReference.Complete(first17);
        CitizenId.CheckCharacter(first17).ShouldBe(id[17]);
        CitizenId.Validate(id, Today).ShouldBeNull();
        CitizenId.IsValid(id, Today).ShouldBeTrue();
        CitizenId.IsValid(id).ShouldBeTrue();
    }

    [Fact]
    public void Check_character_matches_the_reference_on_random_digits()
    {
        var random = new Random(20250615);
        var seenX = false;
        for (var n = 0; n < 2000; n++)
        {
            var first17 = string.Concat(Enumerable.Range(0, 17).Select(_ => (char)('0' + random.Next(10))));
            var expected = IdReference.Check(first17);
            CitizenId.CheckCharacter(first17).ShouldBe(expected, first17);
            seenX |= expected == 'X';
        }

        seenX.ShouldBeTrue();
    }

    [Theory]
    [InlineData("1101051949123100")]
    [InlineData("11010519491231002X1")]
    [InlineData("abc")]
    public void Check_character_needs_exactly_17_digits(string first17) =>
        Should.Throw<ArgumentException>(() => CitizenId.CheckCharacter(first17));

    [Theory]
    [InlineData("11010519491231002x")]
    [InlineData(" 11010519491231002X ")]
    [InlineData("\t11010519491231002x\n")]
    public void Lowercase_x_and_surrounding_space_are_accepted_and_normalised(string input)
    {
        CitizenId.IsValid(input).ShouldBeTrue();
        CitizenId.Normalize(input).ShouldBe("11010519491231002X");
    }

    public static TheoryData<string?, string> InvalidNumbers()
    {
        var data = new TheoryData<string?, string>
        {
            { null, "required" },
            { "", "required" },
            { "   ", "required" },
            { "1101051949123100", "invalid_length" },
            { "11010519491231002X1", "invalid_length" },
            { "110105491231002", "invalid_length" },
            { "11010519491231002Y", "invalid_characters" },
            { "1101051949123100X2", "invalid_characters" },
            { "A1010519491231002X", "invalid_characters" },
            { "110105 9491231002X", "invalid_characters" },
            { "１10105194912310021", "invalid_characters" }, // full-width digit
            { IdReference.Complete("10010519491231002"), "invalid_region" },
            { IdReference.Complete("00010519491231002"), "invalid_region" },
            { IdReference.Complete("83010519491231002"), "invalid_region" },
            { IdReference.Complete("99010519491231002"), "invalid_region" },
            { IdReference.Complete("11010519490230002"), "invalid_birth_date" }, // 30 February
            { IdReference.Complete("11010519491301002"), "invalid_birth_date" }, // month 13
            { IdReference.Complete("11010519490100002"), "invalid_birth_date" }, // day 0
            { IdReference.Complete("11010519000229002"), "invalid_birth_date" }, // 1900 was not a leap year
            { IdReference.Complete("11010518991231002"), "invalid_birth_date" }, // before 1900
            { "440524188001010014", "invalid_birth_date" }, // correct check digit, born 1880
            { IdReference.Complete("11010520250616002"), "invalid_birth_date" }, // tomorrow
            { IdReference.Complete("11010530000101002"), "invalid_birth_date" },
            { "110105194912310021", "invalid_check_digit" },
            { "110105194912310020", "invalid_check_digit" },
            { "11010519491231020X", "invalid_check_digit" }, // two digits swapped
            { IdReference.WrongCheck("51170219800101123"), "invalid_check_digit" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidNumbers))]
    public void Invalid_numbers_give_their_reason(string? id, string code)
    {
        var problem = CitizenId.Validate(id, Today);
        problem.ShouldNotBeNull();
        problem.Code.ShouldBe(code);
        problem.Message.ShouldNotBeNullOrWhiteSpace();
        problem.Message.ShouldContain("身份证号");
        CitizenId.IsValid(id, Today).ShouldBeFalse();
    }

    [Fact]
    public void Messages_are_chinese()
    {
        CitizenId.Validate("110105194912310021")!.ShouldBe(new ValidationProblem("invalid_check_digit", "身份证号校验位错误"));
        CitizenId.Validate(null)!.Message.ShouldBe("请填写身份证号");
        CitizenId.Validate("123")!.Message.ShouldBe("身份证号应为18位");
    }

    [Fact]
    public void Birth_date_bounds_are_1900_01_01_and_today()
    {
        CitizenId.IsValid(IdReference.Build("110105", new DateOnly(1900, 1, 1)), Today).ShouldBeTrue();
        CitizenId.IsValid(IdReference.Build("110105", Today), Today).ShouldBeTrue();
        CitizenId.Validate(IdReference.Build("110105", Today.AddDays(1)), Today)!.Code.ShouldBe("invalid_birth_date");
        CitizenId.IsValid(IdReference.Build("110105", new DateOnly(2000, 2, 29)), Today).ShouldBeTrue();
    }

    [Fact]
    public void Today_is_taken_in_china()
    {
        var today = ChinaTime.Today();
        var utc = DateOnly.FromDateTime(DateTime.UtcNow);
        (today == utc || today == utc.AddDays(1)).ShouldBeTrue();
        CitizenId.Validate(IdReference.Build("110105", today.AddDays(2)))!.Code.ShouldBe("invalid_birth_date");
    }

    [Theory]
    [InlineData("11", true)]
    [InlineData("51", true)]
    [InlineData("82", true)]
    [InlineData("10", false)]
    [InlineData("83", false)]
    public void Region_starts_with_a_province_code_between_11_and_82(string province, bool valid) =>
        CitizenId.IsValid(IdReference.Build(province + "0105", new DateOnly(1980, 5, 6)), Today).ShouldBe(valid);

    [Theory]
    [InlineData("511702199001011234", "5117**********1234")]
    [InlineData("11010519491231002x", "1101**********002X")]
    [InlineData(" 11010519491231002X ", "1101**********002X")]
    [InlineData("1234567890", "1234**7890")]
    [InlineData("12345678", "********")]
    [InlineData("", "")]
    public void Mask_keeps_the_first_and_last_four(string id, string masked) => CitizenId.Mask(id).ShouldBe(masked);

    [Fact]
    public void Mask_of_a_valid_number_hides_the_birth_date()
    {
        var masked = CitizenId.Mask("11010519491231002X");
        masked.ShouldBe("1101**********002X");
        masked.ShouldNotContain("1949");
        masked.Length.ShouldBe(18);
    }

    [Fact]
    public void Birth_date_is_read_from_characters_7_to_14()
    {
        CitizenId.BirthDate("11010519491231002X").ShouldBe(new DateOnly(1949, 12, 31));
        CitizenId.BirthDate("11010519491231002x").ShouldBe(new DateOnly(1949, 12, 31));
        CitizenId.BirthDate(IdReference.Build("511702", new DateOnly(2000, 2, 29))).ShouldBe(new DateOnly(2000, 2, 29));
    }

    [Theory]
    [InlineData("110105194912310021")]
    [InlineData("11010519490230002X")]
    [InlineData("abc")]
    public void Birth_date_of_an_invalid_number_throws(string id) =>
        Should.Throw<FormatException>(() => CitizenId.BirthDate(id)).Message.ShouldNotContain(id);
}

public class PhoneNumberTests
{
    [Theory]
    [InlineData("13812345678", "13812345678")]
    [InlineData("19912345678", "19912345678")]
    [InlineData("15000000000", "15000000000")]
    [InlineData("138 1234 5678", "13812345678")]
    [InlineData("138-1234-5678", "13812345678")]
    [InlineData(" 138 1234-5678 ", "13812345678")]
    [InlineData("+8613812345678", "13812345678")]
    [InlineData("+86 138 1234 5678", "13812345678")]
    [InlineData("+86-138-1234-5678", "13812345678")]
    [InlineData("8613812345678", "13812345678")]
    [InlineData("86 138 1234 5678", "13812345678")]
    [InlineData("0086 13812345678", "13812345678")]
    [InlineData("028-87654321", "028-87654321")]
    [InlineData("02887654321", "028-87654321")]
    [InlineData("028 8765 4321", "028-87654321")]
    [InlineData("(028) 8765-4321", "028-87654321")]
    [InlineData("010-62345678", "010-62345678")]
    [InlineData("0571-8765432", "0571-8765432")]
    [InlineData("05718765432", "0571-8765432")]
    [InlineData("0825-2345678", "0825-2345678")]
    [InlineData("0825-23456789", "0825-23456789")]
    [InlineData("+86 28 8765 4321", "028-87654321")]
    [InlineData("+86 825 234 5678", "0825-2345678")]
    [InlineData("+86 028 8765 4321", "028-87654321")]
    public void Valid_numbers_normalise(string input, string normalized)
    {
        PhoneNumber.IsValid(input).ShouldBeTrue();
        PhoneNumber.Validate(input).ShouldBeNull();
        PhoneNumber.Normalize(input).ShouldBe(normalized);
        PhoneNumber.TryNormalize(input, out var tried).ShouldBeTrue();
        tried.ShouldBe(normalized);
        PhoneNumber.Normalize(normalized).ShouldBe(normalized);
    }

    [Theory]
    [InlineData("12812345678")] // second digit 2
    [InlineData("10012345678")]
    [InlineData("1381234567")] // 10 digits
    [InlineData("138123456789")] // 12 digits
    [InlineData("23812345678")]
    [InlineData("1381234567a")]
    [InlineData("abc")]
    [InlineData("+1 202 555 0123")]
    [InlineData("+86+13812345678")]
    [InlineData("13812345678+")]
    [InlineData("87 13812345678")]
    [InlineData("028-123456")] // 6-digit local number
    [InlineData("028-123456789")] // 9-digit local number
    [InlineData("028-02345678")] // local number starting with 0
    [InlineData("011-62345678")] // no such area code
    [InlineData("0012345678")]
    [InlineData("87654321")] // no area code
    [InlineData("86 028 87654321")] // 86 without + only before a mobile number
    [InlineData("13812345678 ext 12")]
    public void Invalid_numbers_are_rejected(string input)
    {
        PhoneNumber.IsValid(input).ShouldBeFalse();
        var problem = PhoneNumber.Validate(input);
        problem.ShouldNotBeNull();
        problem.Code.ShouldBe("invalid_phone");
        problem.Message.ShouldContain("电话号码");
        Should.Throw<FormatException>(() => PhoneNumber.Normalize(input));
        PhoneNumber.TryNormalize(input, out var normalized).ShouldBeFalse();
        normalized.ShouldBeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Missing_numbers_are_required(string? input)
    {
        PhoneNumber.IsValid(input).ShouldBeFalse();
        PhoneNumber.Validate(input).ShouldBe(new ValidationProblem("required", "请填写电话号码"));
    }

    [Theory]
    [InlineData("13812341234", "138****1234")]
    [InlineData("+86 138-8765-4321", "138****4321")]
    [InlineData("028-87654321", "028-****4321")]
    [InlineData("02887654321", "028-****4321")]
    [InlineData("0571-8765432", "0571-****5432")]
    [InlineData("not a phone 5678", "****5678")]
    [InlineData("1234", "****")]
    public void Mask_hides_the_middle(string input, string masked) => PhoneNumber.Mask(input).ShouldBe(masked);

    [Theory]
    [InlineData("+86 138 1234 5678", true)]
    [InlineData("028-87654321", false)]
    [InlineData("abc", false)]
    [InlineData(null, false)]
    public void Mobile_numbers_are_told_from_landlines(string? input, bool mobile) => PhoneNumber.IsMobile(input).ShouldBe(mobile);
}

public class PersonalDataProtectorTests
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly string IndexKey1 = Convert.ToBase64String(Enumerable.Range(201, 32).Select(i => (byte)i).ToArray());
    private static readonly string IndexKey2 = Convert.ToBase64String(Enumerable.Range(0, 48).Select(i => (byte)(i * 3)).ToArray());

    private static PersonalDataOptions Options(string current, string? indexKey = null, params (string Id, string Key)[] keys) => new()
    {
        Keys = keys.ToDictionary(k => k.Id, k => k.Key),
        CurrentKeyId = current,
        IndexKey = indexKey ?? IndexKey1,
    };

    private static PersonalDataProtector Protector(string current, string? indexKey = null, params (string Id, string Key)[] keys) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(current, indexKey, keys)));

    private static PersonalDataProtector ProtectorA() => Protector("a", null, ("a", KeyA));

    [Theory]
    [InlineData("11010519491231002X")]
    [InlineData("13812345678")]
    [InlineData("张三，四川省遂宁市船山区")]
    [InlineData("")]
    [InlineData("😀 emoji and ünïcödé")]
    public void Round_trip(string clear)
    {
        var protector = ProtectorA();
        var protectedValue = protector.Protect(clear);
        protector.Unprotect(protectedValue).ShouldBe(clear);
    }

    [Fact]
    public void Output_has_the_documented_layout()
    {
        var protector = Protector("2026-01", null, ("2026-01", KeyA));
        const string clear = "扶贫 11010519491231002X";
        var value = protector.Protect(clear);
        var keyId = Encoding.UTF8.GetBytes("2026-01");

        value[0].ShouldBe((byte)1);
        value[1].ShouldBe((byte)keyId.Length);
        value.AsSpan(2, keyId.Length).ToArray().ShouldBe(keyId);
        value.Length.ShouldBe(2 + keyId.Length + 12 + 16 + Encoding.UTF8.GetByteCount(clear));

        // Decrypt independently with the documented parameters: associated data = key id bytes.
        var offset = 2 + keyId.Length;
        var nonce = value.AsSpan(offset, 12);
        var tag = value.AsSpan(offset + 12, 16);
        var ciphertext = value.AsSpan(offset + 28);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(Convert.FromBase64String(KeyA), 16);
        aes.Decrypt(nonce, ciphertext, tag, plaintext, keyId);
        Encoding.UTF8.GetString(plaintext).ShouldBe(clear);
        ciphertext.ToArray().ShouldNotBe(Encoding.UTF8.GetBytes(clear));
    }

    [Fact]
    public void The_same_value_protects_differently_each_time()
    {
        var protector = ProtectorA();
        var first = protector.Protect("11010519491231002X");
        var second = protector.Protect("11010519491231002X");

        first.ShouldNotBe(second);
        first.AsSpan(3, 12).ToArray().ShouldNotBe(second.AsSpan(3, 12).ToArray()); // nonces
        protector.Unprotect(first).ShouldBe("11010519491231002X");
        protector.Unprotect(second).ShouldBe("11010519491231002X");
    }

    [Fact]
    public void Changing_any_byte_is_detected()
    {
        var protector = ProtectorA();
        var original = protector.Protect("11010519491231002X");
        for (var i = 0; i < original.Length; i++)
        {
            foreach (var bit in new byte[] { 0x01, 0x80 })
            {
                var tampered = (byte[])original.Clone();
                tampered[i] ^= bit;
                Should.Throw<CryptographicException>(() => protector.Unprotect(tampered), $"byte {i} bit {bit}");
            }
        }

        protector.Unprotect(original).ShouldBe("11010519491231002X");
    }

    [Fact]
    public void Tampering_with_the_ciphertext_says_so()
    {
        var protector = ProtectorA();
        var value = protector.Protect("13812345678");
        value[^1] ^= 0xFF;
        var error = Should.Throw<CryptographicException>(() => protector.Unprotect(value));
        error.Message.ShouldContain("altered");
        error.Message.ShouldContain("'a'");
        error.Message.ShouldNotContain("1381234567");
    }

    [Fact]
    public void A_value_moved_to_another_key_id_does_not_decrypt()
    {
        // Same key material under two ids: the key id is authenticated, so relabelling a value fails.
        var protector = Protector("a", null, ("a", KeyA), ("c", KeyA));
        var value = protector.Protect("13812345678");
        value[2] = (byte)'c';
        Should.Throw<CryptographicException>(() => protector.Unprotect(value)).Message.ShouldContain("altered");
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1 })]
    [InlineData(new byte[] { 1, 0 })]
    [InlineData(new byte[] { 1, 5, 97 })]
    [InlineData(new byte[] { 2, 1, 97 })]
    [InlineData(new byte[] { 1, 1, 97, 1, 2, 3 })]
    public void Truncated_or_foreign_values_throw(byte[] value)
    {
        var protector = ProtectorA();
        Should.Throw<CryptographicException>(() => protector.Unprotect(value));
    }

    [Fact]
    public void A_value_whose_key_is_unknown_throws_naming_the_key()
    {
        var old = Protector("retired", null, ("retired", KeyA)).Protect("11010519491231002X");
        var error = Should.Throw<CryptographicException>(() => Protector("b", null, ("b", KeyB)).Unprotect(old));
        error.Message.ShouldContain("'retired'");
        error.Message.ShouldContain("PersonalData:Keys");
    }

    [Fact]
    public void Rotating_the_current_key_keeps_old_values_readable()
    {
        var before = Protector("A", null, ("A", KeyA));
        var old = before.Protect("11010519491231002X");
        before.KeyIdOf(old).ShouldBe("A");
        before.CurrentKeyId.ShouldBe("A");

        var after = Protector("B", null, ("A", KeyA), ("B", KeyB));
        after.CurrentKeyId.ShouldBe("B");
        after.Unprotect(old).ShouldBe("11010519491231002X");
        after.KeyIdOf(old).ShouldBe("A");

        var fresh = after.Protect("11010519491231002X");
        after.KeyIdOf(fresh).ShouldBe("B");
        after.Unprotect(fresh).ShouldBe("11010519491231002X");

        // A re-encryption job: rewrite values not under the current key, then key A can go.
        var reprotected = after.KeyIdOf(old) == after.CurrentKeyId ? old : after.Protect(after.Unprotect(old));
        var onlyB = Protector("B", null, ("B", KeyB));
        onlyB.Unprotect(reprotected).ShouldBe("11010519491231002X");
        Should.Throw<CryptographicException>(() => onlyB.Unprotect(old));
    }

    [Fact]
    public void Key_id_of_a_malformed_value_throws() =>
        Should.Throw<CryptographicException>(() => ProtectorA().KeyIdOf([9, 1, 97]));

    [Fact]
    public void Blind_index_is_deterministic_for_an_index_key()
    {
        var one = Protector("a", IndexKey1, ("a", KeyA));
        var other = Protector("b", IndexKey1, ("b", KeyB)); // encryption keys do not matter
        var index = one.BlindIndex("11010519491231002X");

        index.Length.ShouldBe(32);
        one.BlindIndex("11010519491231002X").ShouldBe(index);
        other.BlindIndex("11010519491231002X").ShouldBe(index);
        index.ShouldBe(HMACSHA256.HashData(Convert.FromBase64String(IndexKey1), Encoding.UTF8.GetBytes("11010519491231002X")));
        one.BlindIndex("110105194912310021").ShouldNotBe(index);
    }

    [Fact]
    public void Blind_index_differs_for_another_index_key()
    {
        var first = Protector("a", IndexKey1, ("a", KeyA)).BlindIndex("13812345678");
        var second = Protector("a", IndexKey2, ("a", KeyA)).BlindIndex("13812345678");
        second.ShouldNotBe(first);
    }

    [Fact]
    public void Blind_index_is_only_stable_on_normalised_values()
    {
        var protector = ProtectorA();
        protector.BlindIndex("11010519491231002x").ShouldNotBe(protector.BlindIndex("11010519491231002X"));
        protector.BlindIndex(CitizenId.Normalize("11010519491231002x")).ShouldBe(protector.BlindIndex("11010519491231002X"));
        protector.BlindIndex(PhoneNumber.Normalize("+86 138 1234 5678")).ShouldBe(protector.BlindIndex(PhoneNumber.Normalize("13812345678")));
    }

    [Fact]
    public async Task Protector_is_thread_safe()
    {
        var protector = ProtectorA();
        var tasks = Enumerable.Range(0, 16).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                var clear = $"{t}-{i}-张三";
                protector.Unprotect(protector.Protect(clear)).ShouldBe(clear);
                protector.BlindIndex(clear).ShouldBe(protector.BlindIndex(clear));
            }
        }));
        await Task.WhenAll(tasks);
    }

    [Fact]
    public void Constructing_with_invalid_options_throws() =>
        Should.Throw<OptionsValidationException>(() => Protector("missing", null, ("a", KeyA)))
            .Message.ShouldContain("PersonalData:CurrentKeyId");
}

public class PersonalDataOptionsTests
{
    private static readonly string Key32 = PersonalDataKeys.Generate();

    private static PersonalDataOptions Valid() => new()
    {
        Keys = new() { ["2025-01"] = Key32, ["2026-01"] = PersonalDataKeys.Generate() },
        CurrentKeyId = "2026-01",
        IndexKey = PersonalDataKeys.Generate(),
    };

    private static List<string> Errors(PersonalDataOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage!).ToList();
    }

    [Fact]
    public void Valid_options_pass() => Errors(Valid()).ShouldBeEmpty();

    [Fact]
    public void A_longer_index_key_is_accepted()
    {
        var options = Valid();
        options.IndexKey = Convert.ToBase64String(new byte[64]);
        Errors(options).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")] // 16 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 63 bytes
    public void Every_key_must_be_32_bytes(string key)
    {
        var options = Valid();
        options.Keys["2025-01"] = key;
        var error = Errors(options).ShouldHaveSingleItem();
        error.ShouldContain("PersonalData:Keys:2025-01");
        error.ShouldContain("32 bytes");
        if (key.Length > 0)
        {
            error.ShouldNotContain(key);
        }
    }

    [Fact]
    public void At_least_one_key_is_needed()
    {
        var options = Valid();
        options.Keys.Clear();
        var errors = Errors(options);
        errors.ShouldContain(e => e.Contains("PersonalData:Keys:<id>"));
        errors.ShouldContain(e => e.Contains("PersonalData:CurrentKeyId"));
    }

    [Fact]
    public void Current_key_id_is_required()
    {
        var options = Valid();
        options.CurrentKeyId = "";
        Errors(options).ShouldHaveSingleItem().ShouldContain("PersonalData:CurrentKeyId");
    }

    [Fact]
    public void Current_key_id_must_name_a_key()
    {
        var options = Valid();
        options.CurrentKeyId = "2027-01";
        var error = Errors(options).ShouldHaveSingleItem();
        error.ShouldContain("PersonalData:CurrentKeyId '2027-01'");
        error.ShouldContain("2025-01, 2026-01");
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")] // 16 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")] // 31 bytes
    public void Index_key_must_be_at_least_32_bytes(string indexKey)
    {
        var options = Valid();
        options.IndexKey = indexKey;
        Errors(options).ShouldHaveSingleItem().ShouldContain("PersonalData:IndexKey");
    }

    [Fact]
    public void Key_ids_must_fit_in_one_length_byte()
    {
        var options = Valid();
        var longId = new string('k', 256);
        options.Keys[longId] = Key32;
        Errors(options).ShouldHaveSingleItem().ShouldContain("1 to 255 UTF-8 bytes");
    }

    [Fact]
    public void Generated_keys_are_random_32_byte_base64()
    {
        var first = PersonalDataKeys.Generate();
        var second = PersonalDataKeys.Generate();
        Convert.FromBase64String(first).Length.ShouldBe(32);
        first.ShouldNotBe(second);
    }

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddPersonalDataProtection();
        return builder;
    }

    [Fact]
    public async Task Configuration_binds_and_registers_a_singleton()
    {
        var builder = Builder(new()
        {
            ["PersonalData:Keys:2026-01"] = Key32,
            ["PersonalData:CurrentKeyId"] = "2026-01",
            ["PersonalData:IndexKey"] = PersonalDataKeys.Generate(),
        });
        using var host = builder.Build();
        await host.StartAsync(CancellationToken.None);

        var protector = host.Services.GetRequiredService<PersonalDataProtector>();
        host.Services.GetRequiredService<PersonalDataProtector>().ShouldBeSameAs(protector);
        protector.CurrentKeyId.ShouldBe("2026-01");
        protector.Unprotect(protector.Protect("13812345678")).ShouldBe("13812345678");
        await host.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Invalid_configuration_stops_the_start()
    {
        var builder = Builder(new()
        {
            ["PersonalData:Keys:2026-01"] = "AAAA",
            ["PersonalData:CurrentKeyId"] = "2025-01",
        });
        using var host = builder.Build();
        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(CancellationToken.None));
        error.Failures.ShouldContain(f => f.Contains("PersonalData:Keys:2026-01"));
        error.Failures.ShouldContain(f => f.Contains("PersonalData:CurrentKeyId"));
        error.Failures.ShouldContain(f => f.Contains("PersonalData:IndexKey"));
    }
}

public class PersonalDataAccessTests
{
    private static ClaimsPrincipal User(params string[] roles) => new(new ClaimsIdentity(
        roles.Select(r => new Claim(PlatformClaims.Role, r)).Append(new Claim(PlatformClaims.Subject, "u1")),
        "test", PlatformClaims.Subject, PlatformClaims.Role));

    [Theory]
    [InlineData(Roles.Province, true)]
    [InlineData(Roles.City, true)]
    [InlineData(Roles.County, true)]
    [InlineData(Roles.Township, false)]
    [InlineData(Roles.Cadre, false)]
    [InlineData(Roles.Auditor, false)]
    [InlineData(Roles.Integration, false)]
    [InlineData("County", false)]
    public void Only_organisation_departments_see_clear(string role, bool clear) =>
        PersonalDataAccess.MaySeeClear(User(role)).ShouldBe(clear);

    [Fact]
    public void No_roles_or_anonymous_see_masked()
    {
        PersonalDataAccess.MaySeeClear(User()).ShouldBeFalse();
        PersonalDataAccess.MaySeeClear(new ClaimsPrincipal(new ClaimsIdentity())).ShouldBeFalse();
    }

    [Fact]
    public void Any_clear_role_is_enough() =>
        PersonalDataAccess.MaySeeClear(User(Roles.Cadre, Roles.County)).ShouldBeTrue();

    [Fact]
    public void Show_masks_for_other_roles()
    {
        PersonalDataAccess.Show(User(Roles.County), "11010519491231002X", CitizenId.Mask).ShouldBe("11010519491231002X");
        PersonalDataAccess.Show(User(Roles.Township), "11010519491231002X", CitizenId.Mask).ShouldBe("1101**********002X");
        PersonalDataAccess.ShowCitizenId(User(Roles.Auditor), "11010519491231002X").ShouldBe("1101**********002X");
        PersonalDataAccess.ShowCitizenId(User(Roles.City), "11010519491231002X").ShouldBe("11010519491231002X");
        PersonalDataAccess.ShowPhone(User(Roles.Cadre), "13812341234").ShouldBe("138****1234");
        PersonalDataAccess.ShowPhone(User(Roles.Province), "13812341234").ShouldBe("13812341234");
        PersonalDataAccess.ShowPhone(User(Roles.Cadre), null).ShouldBeNull();
    }
}
