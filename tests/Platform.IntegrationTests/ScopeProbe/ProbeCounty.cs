namespace Platform.IntegrationTests.ScopeProbe;

/// <summary>
/// One county's records in the probe's world, as ids, codes and names: what the probe substitutes into requests, and
/// what must never appear in an answer to a caller whose scope excludes the county.
/// </summary>
public sealed class ProbeCounty(string prefix, string name, string township, string village, string otherVillage, string villageName, string otherVillageName,
    string townshipName, double longitude, double latitude)
{
    public string Prefix { get; } = prefix;
    public string CountyCode => Prefix + "000000";
    public string Name { get; } = name;
    public string Township { get; } = township;
    public string TownshipName { get; } = townshipName;
    public string Village { get; } = village;
    public string OtherVillage { get; } = otherVillage;
    public string VillageName { get; } = villageName;
    public string OtherVillageName { get; } = otherVillageName;
    public double Longitude { get; } = longitude;
    public double Latitude { get; } = latitude;

    public string UnitCode { get; init; } = string.Empty;
    public string UnitName { get; init; } = string.Empty;

    /// <summary>A cadre holding a resident post in <see cref="Village"/>, checked in today, on leave later.</summary>
    public string ResidentName { get; init; } = string.Empty;
    public Guid ResidentCadre { get; set; }
    public string ResidentCitizenId { get; init; } = string.Empty;

    /// <summary>A cadre without a post, the helper of <see cref="Household"/>.</summary>
    public string HelperName { get; init; } = string.Empty;
    public Guid HelperCadre { get; set; }
    public string HelperCitizenId { get; init; } = string.Empty;

    public string HeadName { get; init; } = string.Empty;
    public string HeadCitizenId { get; init; } = string.Empty;
    public Guid Household { get; set; }

    public string DailyLog { get; init; } = string.Empty;
    public Guid Assignment { get; set; }
    public Guid UnitAssignment { get; set; }
    public Guid CheckIn { get; set; }
    public Guid Leave { get; set; }
    public Guid Inspection { get; set; }
    public Guid Record { get; set; }
    public Guid Pairing { get; set; }
    public Guid Contact { get; set; }
    public Guid MatchingRun { get; set; }
    public Guid RegionImport { get; set; }
    public Guid Notification { get; set; }
    public Guid Subscription { get; set; }
    public Guid Delivery { get; set; }
    public Guid Model { get; set; }
    public Guid AssessmentTask { get; set; }
    public Guid ScoringRun { get; set; }
    public Guid YellowCard { get; set; }

    /// <summary>A criticism bulletin of the accountability register against <see cref="ResidentCadre"/>, and the talk the second one proposed.</summary>
    public Guid AccountabilityEntry { get; set; }
    public Guid AccountabilityProposal { get; set; }
    /// <summary>A complaint against the county's unit, replied; a survey of <see cref="Village"/>'s work team with a response.</summary>
    public Guid Complaint { get; set; }
    public Guid Survey { get; set; }
    /// <summary>Funds: the county's industry-support budget line, its appropriation entry, its allocation run, the village's account and a disbursement requested from it.</summary>
    public Guid FundsLine { get; set; }
    public Guid FundsEntry { get; set; }
    public Guid FundsAllocation { get; set; }
    public Guid FundsAccount { get; set; }
    public Guid FundsDisbursement { get; set; }
    /// <summary>Funds: a revolving-fund loan to the county's village (lent from its pool, partly repaid).</summary>
    public Guid FundsLoan { get; set; }
    /// <summary>Dispatch: the rectification of <see cref="Village"/> (软弱涣散村整顿) and its open problem.</summary>
    public Guid Rectification { get; set; }
    public Guid RectificationProblem { get; set; }
    /// <summary>Pairing: the open return-to-poverty monitoring case of <see cref="Household"/> (防返贫监测), opened by a report.</summary>
    public Guid MonitoringCase { get; set; }
    /// <summary>Dispatch: a person of <see cref="Village"/> (村两委), a party member seated as branch secretary, with pay.</summary>
    public Guid VillagePerson { get; set; }
    public Guid CommitteePost { get; set; }
    /// <summary>Dispatch: <see cref="HelperCadre"/> posted to <see cref="Township"/>; a joint party committee of the county's two villages.</summary>
    public Guid TownshipPosting { get; set; }
    public Guid JointCommittee { get; set; }

    /// <summary>A valid scoring model (the province's default), for a model the probe publishes.</summary>
    public System.Text.Json.Nodes.JsonNode? ModelDefinition { get; set; }

    /// <summary>Every id of the county's records, for a parameter whose meaning the probe does not know.</summary>
    public IReadOnlyList<Guid> Ids =>
    [
        ResidentCadre, HelperCadre, Household, Assignment, UnitAssignment, CheckIn, Leave, Inspection, Record, Pairing, Contact, MatchingRun, RegionImport,
        Notification, Subscription, Delivery, Model, AssessmentTask, ScoringRun, YellowCard, AccountabilityEntry, AccountabilityProposal, Complaint, Survey,
        FundsLine, FundsEntry, FundsAllocation, FundsAccount, FundsDisbursement, FundsLoan, Rectification, RectificationProblem, MonitoringCase, VillagePerson, CommitteePost, TownshipPosting, JointCommittee,
    ];

    /// <summary>Every code of the county, for a parameter whose meaning the probe does not know.</summary>
    public IReadOnlyList<string> Codes => [Village, CountyCode, Township, UnitCode, Prefix];

    /// <summary>What identifies the county's data in an answer: its codes, ids, names, citizen IDs and texts.</summary>
    public IReadOnlyList<string> Markers =>
    [
        .. Ids.Select(id => id.ToString()),
        Village, OtherVillage, CountyCode, Township, UnitCode, UnitName, Name, TownshipName, VillageName, OtherVillageName,
        ResidentName, HelperName, HeadName, ResidentCitizenId, HelperCitizenId, HeadCitizenId, DailyLog,
    ];
}
