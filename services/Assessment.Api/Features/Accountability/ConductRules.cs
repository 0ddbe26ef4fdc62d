using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Assessment.Api.Features.Accountability;

/// <param name="Category">ten_prohibitions (十条禁令, for first secretaries) or conduct_rules (纪律, for cadres and technicians).</param>
public sealed record ConductRuleView(string Code, string Category, int Ordinal, string Title, string Text);

/// <summary>The ten prohibitions and the conduct rules as data (seeded by 0007_accountability.sql): what a conduct violation names.</summary>
public static class ConductRules
{
    public static async Task<Ok<IReadOnlyList<ConductRuleView>>> ListAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListCoreAsync(dataSource, cancellationToken));

    public static async Task<IReadOnlyList<ConductRuleView>> ListCoreAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ConductRuleView>(new CommandDefinition(
            "SELECT code, category, ordinal, title, text FROM conduct_rules ORDER BY category DESC, ordinal", cancellationToken: cancellationToken))).ToList();
    }
}
