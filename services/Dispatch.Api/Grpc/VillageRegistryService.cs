using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.Regions;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc;
using Platform.Grpc.Server;
using Platform.Security;
using VillageCategory = Dispatch.Api.Domain.VillageCategory;
using VillageMessage = Platform.Contracts.Grpc.Dispatch.V1.Village;

namespace Dispatch.Api.Grpc;

/// <summary>dispatch.v1.VillageRegistry: the village registry for other services and government systems, within the caller's scope.</summary>
public sealed class VillageRegistryService(NpgsqlDataSource dataSource)
{
    /// <summary>Rows fetched per database round trip while streaming.</summary>
    private const int StreamBatch = 1000;

    public async Task<VillageMessage> GetVillage(GetVillageRequest request, GrpcServerCallContext context)
    {
        if (!DivisionCode.IsWellFormed(request.Code))
        {
            throw GrpcException.InvalidArgument("code", "区划代码必须是12位数字");
        }

        var village = await Features.Regions.GetVillage.FindAsync(dataSource, context.User.GetRegionScope(), request.Code, context.CancellationToken);
        return village is null
            ? throw new GrpcException(StatusCode.NotFound, $"未找到该村：{request.Code}")
            : ToMessage(village);
    }

    public async Task ListVillages(ListVillagesRequest request, IServerStreamWriter<VillageMessage> responses, GrpcServerCallContext context)
    {
        if (!RegionScope.TryParse(request.Prefix, out var requested))
        {
            throw GrpcException.InvalidArgument("prefix", "prefix 必须是0到12位数字");
        }

        if (request.AfterCode.Length > 0 && !DivisionCode.IsWellFormed(request.AfterCode))
        {
            throw GrpcException.InvalidArgument("after_code", "after_code 必须是12位区划代码");
        }

        if (request.Limit < 0)
        {
            throw GrpcException.InvalidArgument("limit", "limit 不能为负数");
        }

        string? category = request.Category switch
        {
            Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.Unspecified => null,
            Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.Poor => VillageCategory.Poor.Code(),
            Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.NonPoor => VillageCategory.NonPoor.Code(),
            Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.Exited => VillageCategory.Exited.Code(),
            Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.PlannedExit => VillageCategory.PlannedExit.Code(),
            _ => throw GrpcException.InvalidArgument("category", "未知的村类别"),
        };

        var scope = context.User.GetRegionScope()?.Narrow(requested)
            ?? throw new GrpcException(StatusCode.PermissionDenied, $"区划 {request.Prefix} 超出您的管辖范围");

        var remaining = request.Limit == 0 ? int.MaxValue : request.Limit;
        string? after = request.AfterCode.Length > 0 ? request.AfterCode : null;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        while (remaining > 0)
        {
            var batch = (await connection.QueryAsync<RegionRecord>(new CommandDefinition(
                $"""
                SELECT {RegionRecord.Columns} FROM regions
                WHERE level = 5 AND code >= @From AND code < @To
                  AND (@after::text IS NULL OR code > @after)
                  AND (@category::text IS NULL OR category = @category)
                ORDER BY code
                LIMIT @take
                """,
                new { scope.From, scope.To, after, category, take = Math.Min(StreamBatch, remaining) },
                cancellationToken: context.CancellationToken))).ToList();
            foreach (var village in batch)
            {
                await responses.WriteAsync(ToMessage(village), context.CancellationToken);
            }

            if (batch.Count < StreamBatch)
            {
                return;
            }

            remaining -= batch.Count;
            after = batch[^1].Code;
        }
    }

    private static VillageMessage ToMessage(RegionRecord village)
    {
        var dto = village.ToVillage();
        VillageCategories.TryParse(village.Category, out var category);
        return new VillageMessage
        {
            Code = dto.Code,
            Name = dto.Name,
            TownshipCode = dto.TownshipCode,
            CountyCode = dto.CountyCode,
            Category = category switch
            {
                VillageCategory.Poor => Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.Poor,
                VillageCategory.NonPoor => Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.NonPoor,
                VillageCategory.Exited => Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.Exited,
                _ => Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.PlannedExit,
            },
            InfrastructureScore = dto.Indicators.Infrastructure ?? 0,
            IndustryScore = dto.Indicators.Industry ?? 0,
            GovernanceScore = dto.Indicators.Governance ?? 0,
            Population = dto.Population ?? 0,
            PoorHouseholds = dto.PoorHouseholds ?? 0,
            Longitude = dto.Location?.Longitude ?? 0,
            Latitude = dto.Location?.Latitude ?? 0,
        };
    }
}
