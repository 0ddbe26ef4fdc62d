namespace Platform.Cli.DemoData;

/// <summary>
/// Chinese personal names: a surname drawn with roughly its real frequency (王, 李, 张 and 刘 are a fifth of all people)
/// and a given name of one or two characters, from lists that lean male or female.
/// </summary>
internal static class PersonNames
{
    // The most common surnames first; a draw favours the head of the list (see Surname).
    private const string Surnames =
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";

    private const string MaleGiven = "伟强军磊勇杰涛斌超明刚平辉鹏华飞鑫波宁浩亮林峰建国志文海东俊成龙兵凯锋毅松川德宏庆永胜红光";

    private const string FemaleGiven = "芳娜敏静丽艳娟霞燕玲婷红梅琳雪倩颖慧莉琴兰萍洁英晶璐瑶佳欣怡丹蓉秀云凤华春玉";

    public static string Person(Random random, bool male)
    {
        // Squaring the draw favours the common surnames at the head of the list.
        var surname = Surnames[(int)(Surnames.Length * Math.Pow(random.NextDouble(), 2))];
        var given = male ? MaleGiven : FemaleGiven;
        return random.Next(10) < 3
            ? $"{surname}{given[random.Next(given.Length)]}"
            : $"{surname}{given[random.Next(given.Length)]}{given[random.Next(given.Length)]}";
    }
}
