namespace Platform.Contracts.IntegrationEvents.Funds.V1;

/// <summary>
/// A disbursement (经费支付) was paid: its ledger entry moved the amount from the holder's account to the county's paid-out
/// account. Published once per disbursement, through the outbox, in the transaction that booked it.
/// </summary>
/// <param name="RegionCode">The 12-digit code of the paying account's holder (a village) or county.</param>
/// <param name="AmountFen">Integer fen (1 CNY = 100 fen).</param>
/// <param name="ApprovalLevel">county, city or province: the level the amount required.</param>
public sealed record DisbursementPaid(
    Guid DisbursementId,
    Guid AccountId,
    string AccountName,
    string RegionCode,
    string Programme,
    int Year,
    long AmountFen,
    string Payee,
    string Purpose,
    string ApprovalLevel,
    Guid EntryId,
    string RequestedBy,
    string ApprovedBy,
    string PaidBy,
    DateTimeOffset PaidAt);

/// <summary>
/// A paid disbursement was reversed: its ledger entry was corrected (a reversing entry with a reason), the money went back
/// to the holder's account and the disbursement is <c>reversed</c>. Published once, through the outbox, in the transaction
/// that booked the correction.
/// </summary>
public sealed record DisbursementReversed(
    Guid DisbursementId,
    Guid AccountId,
    string RegionCode,
    long AmountFen,
    Guid PaymentEntryId,
    Guid ReversalEntryId,
    string Reason,
    string ReversedBy,
    DateTimeOffset ReversedAt);
