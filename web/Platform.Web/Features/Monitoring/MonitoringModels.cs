namespace Platform.Web.Features.Monitoring;

// Return-to-poverty monitoring (防返贫监测): the words of the pairing service's codes (its answers are the contract's models).

/// <summary>The statuses a person filters cases by, with the words the pairing service uses.</summary>
public static class MonitoringWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> Statuses =
    [
        ("open", "未消除"), ("awaiting_response", "待落实帮扶"), ("overdue", "逾期未落实"), ("responded", "已落实帮扶"), ("closed", "风险已消除"),
    ];
}
