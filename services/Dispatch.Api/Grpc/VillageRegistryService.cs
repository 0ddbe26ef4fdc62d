using Dispatch.Api.Domain;
using Dispatch.Api.Features.Regions;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.ServiceDefaults;
using VillageCategory = Dispatch.Api.Domain.VillageCategory;
using VillageMessage = Platform.Contracts.Grpc.Dispatch.V1.Village;

namespace Dispatch.Api.Grpc;

/// <summary>dispatch.v1.VillageRegistry: the village registry for other services and government systems, within the caller's scope.</summary>
[RegionScoped]
public sealed class VillageRegistryService(NpgsqlDataSource dataSource) : VillageRegistry.VillageRegistryBase
{
    /// <summary>Rows fetched per database round trip while streaming.</summary>
    private const int StreamBatch = 1000;

    public override async Task<VillageMessage> GetVillage(GetVillageRequest request, ServerCallContext context) =>
        ToMessage(await Features.Regions.GetVillage.GetAsync(dataSource, context.GetRegionScope(), request.Code, context.CancellationToken));

    public override async Task ListVillages(ListVillagesRequest request, IServerStreamWriter<VillageMessage> responseStream, ServerCallContext context)
    {
        if (request.Limit < 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("limit", "out_of_range", "limit 不能为负数")]).ToException();
        }

        var query = Features.Regions.ListVillages.Validate(context.GetRegionScope(), request.Prefix, CategoryCode(request.Category),
            request.AfterCode.Length > 0 ? request.AfterCode : null, "after_code");
        var remaining = request.Limit == 0 ? int.MaxValue : request.Limit;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        while (remaining > 0)
        {
            var batch = await query.NextBatchAsync(connection, Math.Min(StreamBatch, remaining), context.CancellationToken);
            foreach (var village in batch)
            {
                await responseStream.WriteAsync(ToMessage(village), context.CancellationToken);
            }

            if (batch.Count < StreamBatch)
            {
                return;
            }

            remaining -= batch.Count;
            query = query with { After = batch[^1].Code };
        }
    }

    public override async Task ListRegions(ListRegionsRequest request, IServerStreamWriter<Region> responseStream, ServerCallContext context)
    {
        if (request.Limit < 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("limit", "out_of_range", "limit 不能为负数")]).ToException();
        }

        var query = Features.Regions.ListRegions.Validate(context.GetRegionScope(), request.Prefix, request.AfterCode.Length > 0 ? request.AfterCode : null, "after_code");
        var remaining = request.Limit == 0 ? int.MaxValue : request.Limit;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        while (remaining > 0)
        {
            var batch = await query.NextBatchAsync(connection, Math.Min(StreamBatch, remaining), context.CancellationToken);
            foreach (var region in batch)
            {
                await responseStream.WriteAsync(new Region { Code = region.Code, Name = region.Name, Level = region.Level, ParentCode = region.ParentCode ?? string.Empty },
                    context.CancellationToken);
            }

            if (batch.Count < StreamBatch)
            {
                return;
            }

            remaining -= batch.Count;
            query = query with { After = batch[^1].Code };
        }
    }

    private static string? CategoryCode(Platform.Contracts.Grpc.Dispatch.V1.VillageCategory category) => category switch
    {
        Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.Unspecified => null,
        Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.Poor => VillageCategory.Poor.Code(),
        Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.NonPoor => VillageCategory.NonPoor.Code(),
        Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.Exited => VillageCategory.Exited.Code(),
        Platform.Contracts.Grpc.Dispatch.V1.VillageCategory.PlannedExit => VillageCategory.PlannedExit.Code(),
        _ => throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("category", "unknown_category", "未知的村类别")]).ToException(),
    };

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
