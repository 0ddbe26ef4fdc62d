using Platform.Cli.DemoData;

namespace Platform.Cli.Tests.DemoData;

public sealed class ProvinceGeneratorTests(ProvinceFileFixture province) : IClassFixture<ProvinceFileFixture>
{
    private static readonly Dictionary<string, int> SignificantLength = new()
    {
        ["省"] = 2,
        ["市"] = 4,
        ["县"] = 6,
        ["乡"] = 9,
        ["村"] = 12,
    };

    private static readonly Dictionary<string, int> OwnPartStart = new()
    {
        ["省"] = 0,
        ["市"] = 2,
        ["县"] = 4,
        ["乡"] = 6,
        ["村"] = 9,
    };

    [Theory]
    [InlineData(GenerationScale.County)]
    [InlineData(GenerationScale.City)]
    [InlineData(GenerationScale.Province)]
    public void Same_seed_gives_identical_bytes(GenerationScale scale)
    {
        RegionFile.Generate(scale, seed: 42).Bytes.ShouldBe(RegionFile.Generate(scale, seed: 42).Bytes);
    }

    [Fact]
    public void Different_seed_gives_a_different_file()
    {
        RegionFile.Generate(GenerationScale.County, seed: 1).Bytes.ShouldNotBe(RegionFile.Generate(GenerationScale.County, seed: 2).Bytes);
    }

    [Fact]
    public void County_scale_is_the_province_the_city_and_county_511702_with_its_townships_and_villages()
    {
        var file = RegionFile.Generate(GenerationScale.County);

        file.Rows.Where(r => r.Level != "乡" && r.Level != "村").Select(r => r.Code)
            .ShouldBe(["510000000000", "511700000000", "511702000000"]);
        file.Count("乡").ShouldBe(22);
        file.Count("村").ShouldBeInRange(200, 300);
        file.Rows.Where(r => r.Level is "乡" or "村").ShouldAllBe(r => r.Code.StartsWith("511702", StringComparison.Ordinal));
    }

    [Fact]
    public void County_scale_holds_the_example_village_of_the_domain()
    {
        RegionFile.Generate(GenerationScale.County).Rows.ShouldContain(r => r.Code == "511702104203" && r.Parent == "511702104000");
    }

    [Fact]
    public void City_scale_is_city_5117_with_all_its_counties()
    {
        var file = RegionFile.Generate(GenerationScale.City);

        file.Rows.Where(r => r.Level == "市").Select(r => r.Code).ShouldBe(["511700000000"]);
        file.Count("县").ShouldBeInRange(6, 13);
        file.Rows.ShouldContain(r => r.Code == ProvinceGenerator.DemoCountyCode);
        file.Rows.Skip(1).ShouldAllBe(r => r.Code.StartsWith("5117", StringComparison.Ordinal));
    }

    [Fact]
    public void Smaller_scales_are_exact_subsets_of_the_province()
    {
        var provinceLines = province.File.Text.Split('\n').ToHashSet();
        var cityLines = RegionFile.Generate(GenerationScale.City).Text.Split('\n');
        var countyLines = RegionFile.Generate(GenerationScale.County).Text.Split('\n');

        cityLines.ShouldAllBe(line => provinceLines.Contains(line));
        countyLines.ShouldAllBe(line => cityLines.Contains(line));
    }

    [Theory]
    [InlineData(ProvinceGenerator.DefaultSeed)]
    [InlineData(1)]
    [InlineData(987_654_321)]
    public void Province_has_the_size_of_domain_section_8(int seed)
    {
        var summary = seed == ProvinceGenerator.DefaultSeed ? province.File.Summary : RegionFile.Generate(GenerationScale.Province, seed).Summary;
        var villages = (double)summary.RowsAt(RegionLevel.Village);

        summary.RowsAt(RegionLevel.Province).ShouldBe(1);
        summary.RowsAt(RegionLevel.City).ShouldBe(20);
        summary.RowsAt(RegionLevel.County).ShouldBe(180);
        summary.RowsAt(RegionLevel.Township).ShouldBeInRange(3_600, 4_400);
        summary.RowsAt(RegionLevel.Village).ShouldBeInRange(40_000, 50_000);
        summary.PoorVillageShare.ShouldBeInRange(0.24, 0.27);
        (summary.VillagesIn(VillageCategory.PlannedExit) / villages).ShouldBeInRange(0.04, 0.06);
        (summary.VillagesIn(VillageCategory.Exited) / villages).ShouldBeInRange(0.09, 0.11);
        summary.PoorHouseholds.ShouldBeInRange(1_700_000, 2_300_000);
    }

    [Fact]
    public void Summary_counts_what_the_file_holds()
    {
        var file = province.File;

        file.Summary.Rows.ShouldBe(file.Rows.Count);
        foreach (var level in Enum.GetValues<RegionLevel>())
        {
            file.Summary.RowsAt(level).ShouldBe(file.Count(level.ChineseName()), level.ToString());
        }

        file.Summary.VillagesIn(VillageCategory.Poor).ShouldBe(file.Rows.Count(r => r.Category == "贫困村"));
        file.Summary.PoorHouseholds.ShouldBe(file.Rows.Where(r => r.IsVillage).Sum(r => (long)r.PoorHouseholds));
    }

    [Fact]
    public void File_is_utf8_without_bom_with_lf_line_ends_and_the_import_header()
    {
        var file = province.File;

        file.Bytes.Take(3).ShouldNotBe(new byte[] { 0xEF, 0xBB, 0xBF });
        file.Bytes.ShouldNotContain((byte)'\r');
        file.Bytes[^1].ShouldBe((byte)'\n');
        file.Header.ShouldBe("区划代码,名称,层级,上级代码,村类别,基础设施,产业发展,社会治理,人口,贫困户数,经度,纬度");
        file.Text.ShouldNotContain('"'); // no generated field needs quoting
    }

    [Fact]
    public void Every_code_is_12_digits_under_its_parent_and_every_parent_comes_first()
    {
        var seen = new Dictionary<string, CsvRow>(StringComparer.Ordinal);
        foreach (var row in province.File.Rows)
        {
            row.Fields.Length.ShouldBe(12, $"line {row.Line}");
            row.Code.Length.ShouldBe(12, $"line {row.Line}");
            row.Code.ShouldAllBe(c => char.IsAsciiDigit(c));
            SignificantLength.ShouldContainKey(row.Level);
            var length = SignificantLength[row.Level];
            row.Code[length..].ShouldAllBe(c => c == '0', $"line {row.Line}: digits below the level are zero");
            var ownPart = row.Code[OwnPartStart[row.Level]..length];
            ownPart.ShouldNotBe(new string('0', ownPart.Length), $"line {row.Line}: the level's own part is set");

            if (row.Level == "省")
            {
                row.Parent.ShouldBeEmpty();
            }
            else
            {
                seen.ShouldContainKey(row.Parent, $"line {row.Line}: parent {row.Parent} before the child");
                var parent = seen[row.Parent];
                row.Code.ShouldStartWith(parent.Code[..SignificantLength[parent.Level]]);
                SignificantLength[parent.Level].ShouldBeLessThan(length);
            }

            seen.TryAdd(row.Code, row).ShouldBeTrue($"line {row.Line}: code {row.Code} appears once");
        }
    }

    [Fact]
    public void Names_are_unique_within_their_parent_and_end_as_their_level_requires()
    {
        foreach (var siblings in province.File.Rows.GroupBy(r => r.Parent))
        {
            siblings.Select(r => r.Name).ShouldBeUnique($"children of {siblings.Key}");
        }

        var endings = new Dictionary<string, string[]>
        {
            ["省"] = ["省"],
            ["市"] = ["市"],
            ["县"] = ["县", "区"],
            ["乡"] = ["镇", "乡", "街道"],
            ["村"] = ["村", "社区"],
        };
        province.File.Rows.ShouldAllBe(r => endings[r.Level].Any(e => r.Name.EndsWith(e, StringComparison.Ordinal)));
    }

    [Fact]
    public void Village_columns_are_empty_except_on_villages_and_valid_on_villages()
    {
        foreach (var row in province.File.Rows)
        {
            if (!row.IsVillage)
            {
                row.Fields[4..].ShouldAllBe(f => f.Length == 0, $"line {row.Line}");
                continue;
            }

            row.Category.ShouldBeOneOf("贫困村", "非贫困村", "已退出村", "当年计划退出村");
            row.Infrastructure.ShouldBeInRange(0, 100);
            row.Industry.ShouldBeInRange(0, 100);
            row.Governance.ShouldBeInRange(0, 100);
            row.Population.ShouldBeInRange(800, 10_000);
            row.PoorHouseholds.ShouldBeInRange(0, row.Population / 3);
            row.Fields[10].ShouldMatch(@"^\d{3}\.\d{6}$");
            row.Fields[11].ShouldMatch(@"^\d{2}\.\d{6}$");
            row.Longitude.ShouldBeInRange(ProvinceGenerator.MinLongitude, ProvinceGenerator.MaxLongitude);
            row.Latitude.ShouldBeInRange(ProvinceGenerator.MinLatitude, ProvinceGenerator.MaxLatitude);
        }
    }

    [Fact]
    public void Villages_cluster_around_their_township()
    {
        // Every village is within 10 km of its township's centre, so two villages of one township are within 20 km.
        foreach (var township in province.File.Rows.Where(r => r.IsVillage).GroupBy(r => r.Parent))
        {
            var villages = township.ToList();
            var widest = villages.SelectMany(a => villages.Select(b => DistanceKm(a, b))).Max();
            widest.ShouldBeLessThanOrEqualTo(2 * ProvinceGenerator.VillageRadiusKm + 0.1, township.Key);
        }
    }

    [Fact]
    public void Poor_villages_score_lower_and_hold_more_poor_households()
    {
        var villages = province.File.Rows.Where(r => r.IsVillage).ToList();
        var poor = villages.Where(r => r.Category == "贫困村").ToList();
        var nonPoor = villages.Where(r => r.Category == "非贫困村").ToList();

        poor.Average(r => (r.Infrastructure + r.Industry + r.Governance) / 3.0).ShouldBeInRange(40, 50);
        nonPoor.Average(r => (r.Infrastructure + r.Industry + r.Governance) / 3.0).ShouldBeInRange(65, 76);
        poor.ShouldAllBe(r => r.PoorHouseholds >= 60 && r.PoorHouseholds <= 250);
        nonPoor.ShouldAllBe(r => r.PoorHouseholds <= 60);
    }

    private static double DistanceKm(CsvRow a, CsvRow b)
    {
        const double kmPerDegree = 111.32;
        var dy = (a.Latitude - b.Latitude) * kmPerDegree;
        var dx = (a.Longitude - b.Longitude) * kmPerDegree * Math.Cos((a.Latitude + b.Latitude) / 2 * Math.PI / 180);
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
