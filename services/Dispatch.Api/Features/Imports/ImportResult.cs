namespace Dispatch.Api.Features.Imports;

/// <summary>The answer to an accepted import.</summary>
public sealed record ImportResult(Guid ImportId, string Status, int Rows, int Created, int Updated, int Unchanged, double ElapsedSeconds);
