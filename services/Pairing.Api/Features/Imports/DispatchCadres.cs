using Grpc.Core;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Pairing.Api.Features.Imports;

/// <summary>
/// The cadres a bulk import names, checked with dispatch over gRPC as the caller in batches of
/// <see cref="Batch"/> (dispatch.v1 GetCadres), not one call per cadre, and copied into the import's transaction as the
/// temporary table <c>import_cadres</c> so that the import's rules are checked set-wise.
/// </summary>
internal static class DispatchCadres
{
    /// <summary>dispatch's limit per GetCadres request.</summary>
    public const int Batch = 1000;

    /// <summary>
    /// The cadres among <paramref name="ids"/> that dispatch knows in the caller's scope. Dispatch answers as the caller,
    /// so it already leaves out a cadre outside their scope; the rule is held here too rather than trusted to another service.
    /// </summary>
    public static async Task<Dictionary<Guid, Cadre>> GetInScopeAsync(Personnel.PersonnelClient personnel, RegionScope scope, IReadOnlyCollection<Guid> ids,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, Cadre>(ids.Count);
        foreach (var chunk in ids.Chunk(Batch))
        {
            var request = new GetCadresRequest();
            request.CadreIds.AddRange(chunk.Select(id => id.ToString()));
            Cadres answer;
            try
            {
                answer = await personnel.GetCadresAsync(request, cancellationToken: cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                throw ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "dispatch_unavailable", "选派服务暂不可用，请稍后重试").ToException();
            }

            foreach (var cadre in answer.Cadres_.Where(c => scope.Covers(c.RegionCode)))
            {
                found[Guid.Parse(cadre.Id)] = cadre;
            }
        }

        return found;
    }

    /// <summary>Copies the cadres into <c>import_cadres</c> (dropped at commit) for the import's set-wise rules and the pool's upsert.</summary>
    public static async Task CopyAsync(NpgsqlConnection connection, IEnumerable<Cadre> cadres, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand(
            """
            CREATE TEMP TABLE import_cadres (
                id uuid PRIMARY KEY, name text NOT NULL, unit_code text NOT NULL, region_code text COLLATE "C" NOT NULL, skills text[] NOT NULL,
                rural_experience boolean NOT NULL
            ) ON COMMIT DROP
            """, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY import_cadres (id, name, unit_code, region_code, skills, rural_experience) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var cadre in cadres)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(Guid.Parse(cadre.Id), NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(cadre.Name, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(cadre.UnitCode, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(cadre.RegionCode, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(cadre.Skills.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(cadre.RuralExperience, NpgsqlDbType.Boolean, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }
}
