namespace Platform.Data.BackgroundRuns;

/// <summary>The statements a worker runs against its run table: the oldest queued run, or a running one whose lease ran out.</summary>
internal sealed class BackgroundRunStatements(string table)
{
    public string Claim { get; } = $"""
        UPDATE {table} SET status = 'running', lease_until = now() + @lease
        WHERE id = (SELECT id FROM {table}
                    WHERE status = 'queued' OR (status = 'running' AND lease_until < now())
                    ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id
        """;

    public string Renew { get; } = $"UPDATE {table} SET lease_until = now() + @lease WHERE id = @runId AND status = 'running'";

    public string MarkFailed { get; } =
        $"UPDATE {table} SET status = 'failed', problem_code = @code, error = @message, finished_at = now(), lease_until = NULL WHERE id = @runId AND status = 'running'";
}
