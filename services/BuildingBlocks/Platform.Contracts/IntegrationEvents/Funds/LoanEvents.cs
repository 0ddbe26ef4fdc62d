namespace Platform.Contracts.IntegrationEvents.Funds.V1;

/// <summary>
/// A revolving-fund loan (周转资金借款) fell overdue: an installment's due day passed and what was repaid does not cover
/// the installments due up to it. Published once per loan and installment by funds' overdue job, through the outbox,
/// in the transaction that records the finding.
/// </summary>
/// <param name="RegionCode">The 12-digit code of the borrower's village.</param>
/// <param name="BorrowerKind">village or household.</param>
/// <param name="OverdueFen">Due up to this installment and not repaid, integer fen.</param>
/// <param name="OutstandingFen">Everything still owed, integer fen.</param>
/// <param name="FoundOn">The China day the job found it (the server's clock).</param>
public sealed record LoanOverdue(
    Guid LoanId,
    string RegionCode,
    string BorrowerKind,
    string BorrowerName,
    string Purpose,
    long PrincipalFen,
    int InstallmentNo,
    DateOnly DueOn,
    long OverdueFen,
    long OutstandingFen,
    DateOnly FoundOn,
    DateTimeOffset FoundAt);
