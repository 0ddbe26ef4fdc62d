namespace Platform.Cli.DemoData;

/// <summary>
/// Builds Chinese place names from character lists, the way real ones are formed: a descriptive character and a
/// landform (青石镇, 龙泉区), or for villages often a clan name and a landform (王家湾村).
/// </summary>
internal static class PlaceNames
{
    public const string ProvinceName = "示范省";

    private const string Descriptive =
        "东西南北中上下前后大小新老高长金银铜石玉白红青黄翠龙凤马鹤燕桃李杏柳松柏竹梅兰桂荷茶桑安宁平永太福兴和德仁义顺丰富宝云雪花清明光华阳春文武盛昌隆庆祥瑞康乐";

    private const string Landform = "山河江溪水湖泉坝坪沟湾岭坡岩桥田林园口门关台场庙寺堡塘池峰川源洲滩岗垭坎梁冲铺店驿营寨庄";

    // Invented city names: combinations of the lists above would too often give a real city of another province (南宁, 福州).
    private static readonly string[] CityNames =
    [
        "云峰", "青岚", "翠川", "金岭", "丰源", "瑞川", "嘉陵", "松岭", "明川", "华源", "龙峰", "兴川", "安岭", "长源", "宝川",
        "凤岭", "桂川", "清源", "文川", "永峰", "和川", "德源", "泰川", "隆岭", "盛川", "云川", "青源", "锦峰", "玉川", "平岭",
    ];

    private const string VillageLandform = "湾沟坝坪岭坡岩桥塘嘴梁垭院山河田冲";

    private const string Surnames =
        "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆孔白崔康毛邱秦江侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文";

    private static readonly string[] CommunityNames =
    [
        "新华", "建设", "和平", "人民", "解放", "胜利", "团结", "光明", "文化", "幸福", "东风", "红旗", "朝阳", "向阳", "民主",
        "友谊", "新建", "工农", "育才", "滨江", "南门", "北门", "东街", "西街", "健康", "繁荣", "兴隆", "振兴", "太平", "安居",
        "长青", "锦绣", "阳光", "金桥", "桂花", "滨河", "花园", "城南", "城北", "城东", "城西", "中心", "复兴", "凤凰", "学府",
    ];

    public static string City(Random random, HashSet<string> taken) =>
        Unique(random, taken, r => $"{CityNames[r.Next(CityNames.Length)]}市");

    public static string County(Random random, HashSet<string> taken, bool district) =>
        Unique(random, taken, r => $"{Pick(r, Descriptive)}{Pick(r, Landform)}{(district ? "区" : "县")}");

    public static string Township(Random random, HashSet<string> taken, TownshipKind kind) =>
        Unique(random, taken, r => $"{Pick(r, Descriptive)}{Pick(r, Landform)}{kind switch
        {
            TownshipKind.Street => "街道",
            TownshipKind.Town => "镇",
            _ => "乡",
        }}");

    public static string Village(Random random, HashSet<string> taken) =>
        Unique(random, taken, r => r.Next(3) == 0
            ? $"{Pick(r, Surnames)}家{Pick(r, VillageLandform)}村"
            : $"{Pick(r, Descriptive)}{Pick(r, Landform)}村");

    public static string Community(Random random, HashSet<string> taken) =>
        Unique(random, taken, r => $"{CommunityNames[r.Next(CommunityNames.Length)]}社区");

    private static char Pick(Random random, string characters) => characters[random.Next(characters.Length)];

    /// <summary>Names are unique within their parent; the lists give dozens to thousands of names for at most ~30 siblings.</summary>
    private static string Unique(Random random, HashSet<string> taken, Func<Random, string> make)
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var name = make(random);
            if (taken.Add(name))
            {
                return name;
            }
        }

        throw new InvalidOperationException("Ran out of distinct place names; the character lists are too short for this many siblings.");
    }
}

internal enum TownshipKind
{
    Street, // 街道: codes 001-099
    Town,   // 镇: codes 100-199
    Rural,  // 乡: codes 200-399
}
