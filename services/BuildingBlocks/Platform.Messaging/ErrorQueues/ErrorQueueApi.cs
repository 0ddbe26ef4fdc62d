using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Platform.Messaging.ErrorQueues;

internal static class ErrorQueueApi
{
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder app, string basePath)
    {
        var group = app.MapGroup(basePath + "/admin/error-queues")
            .RequireAuthorization(Policies.Operate)
            .WithoutRegionScope("the platform operators' error queues (province role), not regional records")
            .WithTags("Operations");
        group.MapGet("/", ListAsync)
            .WithSummary("本服务的错误队列及各队列等待的消息数，供运维人员使用 / The service's error queues (错误队列) and how many messages wait in each, for operators.");
        group.MapPost("/{queue}/replay", ReplayAsync)
            .WithSummary("原因修复后，将一个错误队列的消息移回其消费队列 / Move the messages of one error queue back to its consumer queue, once the cause is fixed.");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<ErrorQueueInfo>>> ListAsync(ErrorQueueService errorQueues, CancellationToken cancellationToken) =>
        TypedResults.Ok(await errorQueues.ListAsync(cancellationToken));

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_replay_count")]
    [ProblemResponses(StatusCodes.Status404NotFound, "queue_not_found")]
    private static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAsync(
        string queue, ErrorQueueService errorQueues, CancellationToken cancellationToken, int max = 100)
    {
        if (max is < 1 or > 10_000)
        {
            return ApiProblems.Invalid("invalid_replay_count", "重放数量无效", [new FieldError("max", "out_of_range", "max 必须在 1 到 10000 之间")]);
        }

        var result = await errorQueues.ReplayAsync(queue, max, cancellationToken);
        return result is null
            ? ApiProblems.NotFound("queue_not_found", "未找到该队列", $"'{queue}' is not a queue of this service.")
            : TypedResults.Ok(result);
    }
}
