namespace Pairing.Api.Features.Imports;

/// <summary>
/// The answer to an accepted bulk import (helper pool, pairings, contacts): rows read, rows that created or updated
/// something, rows already there; <see cref="Changed"/> is false when the file changed nothing (a re-import), and
/// <see cref="Events"/> counts the integration events written to the outbox with it.
/// </summary>
public sealed record BulkImportResult(Guid ImportId, int Rows, int Created, int Updated, int Unchanged, int Events, bool Changed, double ElapsedSeconds)
{
    public static BulkImportResult Of(Guid importId, int rows, int created, int updated, int events, TimeSpan elapsed) =>
        new(importId, rows, created, updated, rows - created - updated, events, created + updated > 0, Math.Round(elapsed.TotalSeconds, 3));
}
