using Grpc.Core;
using Platform.ServiceDefaults;

namespace Platform.Messaging.Consumers;

/// <summary>
/// What a consumer retries for minutes instead of a few quick tries: its own database away
/// (<see cref="DatabaseUnavailable"/>), or a service it asks over gRPC answering UNAVAILABLE: stopped for a rolling
/// update, restarting, or its own database away (the platform's services answer that as UNAVAILABLE too). The message
/// is sound; parking it in the error queue after the quick tries would leave every event of a restart of the service
/// it asks waiting for an operator's replay.
/// </summary>
public static class DependencyUnavailable
{
    public static bool Matches(Exception? exception) => DatabaseUnavailable.Matches(exception) || IsUnavailableCall(exception);

    private static bool IsUnavailableCall(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Any(IsUnavailableCall);
            }

            // Only UNAVAILABLE: gRPC's code for "try again later". DEADLINE_EXCEEDED may be a call that does too much
            // work, and an error of ours (INTERNAL, UNKNOWN) or a refusal (NOT_FOUND, PERMISSION_DENIED) is not a
            // passing state.
            if (e is RpcException { StatusCode: StatusCode.Unavailable })
            {
                return true;
            }
        }

        return false;
    }
}
