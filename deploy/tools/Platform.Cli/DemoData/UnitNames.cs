namespace Platform.Cli.DemoData;

/// <summary>
/// Names of assisting units (帮扶单位, domain.md §2): departments, institutions and state enterprises of the province, a city or
/// a county. Each template takes the place's name ({0}); a unit's code is tied to its template's position, so the same
/// department always has the same code.
/// </summary>
internal static class UnitNames
{
    /// <summary>Where the county-level leaders (联系县级领导) belong: 县委, 县政府, 人大, 政协.</summary>
    public static readonly string[] CountyLeadership = ["中共{0}委员会", "{0}人民政府", "{0}人民代表大会常务委员会", "中国人民政治协商会议{0}委员会"];

    /// <summary>The county department that employs most agricultural technicians; always the first county department.</summary>
    public const string AgricultureBureau = "{0}农业农村局";

    /// <summary>County departments, institutions and state enterprises that may assist villages (~100, the most a county needs).</summary>
    public static readonly string[] CountyUnits =
    [
        AgricultureBureau, "中共{0}委办公室", "中共{0}委组织部", "中共{0}委宣传部", "中共{0}委统战部", "中共{0}委政法委员会", "中共{0}委政策研究室",
        "中共{0}委党校", "中共{0}委机构编制委员会办公室", "{0}纪委监委", "{0}人民政府办公室", "{0}发展和改革局", "{0}教育局", "{0}科学技术局",
        "{0}经济和信息化局", "{0}民政局", "{0}司法局", "{0}财政局", "{0}人力资源和社会保障局", "{0}自然资源局", "{0}生态环境局",
        "{0}住房和城乡建设局", "{0}交通运输局", "{0}水利局", "{0}商务局", "{0}文化广播电视和旅游局", "{0}卫生健康局", "{0}退役军人事务局",
        "{0}应急管理局", "{0}审计局", "{0}市场监督管理局", "{0}统计局", "{0}医疗保障局", "{0}林业局", "{0}乡村振兴局", "{0}信访局",
        "{0}行政审批局", "{0}投资促进局", "{0}综合行政执法局", "{0}公安局", "{0}人民法院", "{0}人民检察院", "国家税务总局{0}税务局",
        "{0}供销合作社联合社", "{0}总工会", "共青团{0}委员会", "{0}妇女联合会", "{0}科学技术协会", "{0}残疾人联合会", "{0}工商业联合会",
        "{0}红十字会", "{0}档案馆", "{0}融媒体中心", "{0}气象局", "{0}机关事务服务中心", "{0}畜牧兽医服务中心", "{0}农业技术推广中心",
        "{0}水产技术推广站", "{0}农业机械化服务中心", "{0}土壤肥料工作站", "{0}植保植检站", "{0}经济作物技术推广站", "{0}林业技术推广站",
        "{0}水土保持站", "{0}公路养护中心", "{0}城乡规划设计院", "{0}不动产登记中心", "{0}公共资源交易中心", "{0}就业服务中心",
        "{0}社会保险事务中心", "{0}医疗保险服务中心", "{0}人民医院", "{0}中医医院", "{0}妇幼保健院", "{0}疾病预防控制中心",
        "{0}第一中学", "{0}第二中学", "{0}职业技术学校", "{0}实验小学", "{0}图书馆", "{0}文化馆", "{0}农村商业银行", "{0}供电公司",
        "{0}城市建设投资有限公司", "{0}自来水有限公司", "{0}交通投资集团有限公司", "{0}邮政分公司", "{0}电信分公司", "{0}移动分公司",
        "{0}农业投资发展有限公司", "{0}文化旅游发展有限公司", "{0}国有资产经营有限公司", "{0}粮食储备有限公司", "{0}水务投资有限公司",
        "{0}工业园区管理委员会", "{0}烟草专卖局", "{0}邮政储蓄银行支行", "{0}农业发展银行支行", "{0}人民保险公司", "{0}广播电视网络公司",
    ];

    /// <summary>City departments (市直部门) that take villages in the city's counties.</summary>
    public static readonly string[] CityUnits =
    [
        "中共{0}委组织部", "中共{0}委宣传部", "中共{0}委统战部", "{0}纪委监委", "{0}发展和改革委员会", "{0}教育局", "{0}财政局", "{0}农业农村局",
        "{0}水利局", "{0}交通运输局", "{0}住房和城乡建设局", "{0}自然资源和规划局", "{0}卫生健康委员会", "{0}人力资源和社会保障局",
        "{0}商务局", "{0}文化广播电视和旅游局", "{0}市场监督管理局", "{0}乡村振兴局", "{0}林业局", "{0}审计局", "{0}中心医院",
        "{0}职业技术学院", "{0}商业银行", "{0}供电公司", "{0}城市投资控股集团有限公司", "{0}交通投资建设集团有限公司", "{0}农业投资集团有限公司",
        "{0}水务集团有限公司", "{0}电信分公司", "{0}移动分公司",
    ];

    /// <summary>Province departments (省直部门) that keep a "fixed-point" village (定点帮扶).</summary>
    public static readonly string[] ProvinceUnits =
    [
        "中共{0}委组织部", "中共{0}委宣传部", "{0}发展和改革委员会", "{0}教育厅", "{0}科学技术厅", "{0}财政厅", "{0}农业农村厅", "{0}水利厅",
        "{0}交通运输厅", "{0}住房和城乡建设厅", "{0}自然资源厅", "{0}卫生健康委员会", "{0}商务厅", "{0}文化和旅游厅", "{0}林业和草原局",
        "{0}乡村振兴局", "{0}供销合作社联合社", "{0}农业科学院", "{0}农业大学", "{0}人民医院", "国网{0}电力公司", "{0}农村信用社联合社",
        "{0}交通投资集团有限公司", "{0}能源投资集团有限公司", "{0}铁路产业投资集团有限公司",
    ];

    /// <summary>A township's agricultural service centre, where most technicians of the township work.</summary>
    public const string TownshipAgricultureCentre = "{0}农业综合服务中心";
}
