using System.Collections;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;

namespace Platform.IntegrationTests.ScopeProbe;

/// <summary>One gRPC call of the probe, and the request message as sent (to tell an echo from a leak).</summary>
public sealed record GrpcProbeRequest(string Service, MethodDescriptor Method, IMessage Message)
{
    public string Operation => $"{Method.Service.FullName}/{Method.Name}";

    public string Sent => Message.ToString() ?? string.Empty;
}

/// <summary>What a gRPC call answered: the status, its problem-code trailer, and every string of the messages received.</summary>
public sealed record GrpcProbeAnswer(StatusCode Status, string Detail, string? ProblemCode, IReadOnlyList<string> Strings);

/// <summary>
/// Every method of the published services, from the generated descriptors, called without generated clients: the
/// request is built from the input message's descriptor with <see cref="ProbeValues"/> (a string field by its name,
/// with the proto's snake_case turned into the REST names), sent through a generic unary or server-streaming call.
/// </summary>
public static class GrpcOperations
{
    private const int MaxVariants = 16;

    public static IReadOnlyList<(string Service, MethodDescriptor Method)> Read(IEnumerable<(string Service, ServiceDescriptor Descriptor)> services) =>
        services.SelectMany(s => s.Descriptor.Methods.Select(m => (s.Service, m))).ToList();

    /// <summary>
    /// The calls for one method, as for REST (<see cref="RestOperations.Build"/>): every record named with the target's
    /// values and its other candidates, then the home request with one record of the target at a time.
    /// </summary>
    public static IReadOnlyList<GrpcProbeRequest> Build(string service, MethodDescriptor method, ProbeValues home, ProbeValues target)
    {
        var name = $"{method.Service.FullName}/{method.Name}";
        if (method.IsClientStreaming)
        {
            throw new CannotBuildException(name, "client streaming");
        }

        var slots = new List<(FieldDescriptor Field, IReadOnlyList<object> Home, IReadOnlyList<object> Target)>();
        foreach (var field in method.InputType.Fields.InFieldNumberOrder())
        {
            if (Candidates(name, field, home) is { } homeValues)
            {
                slots.Add((field, homeValues, Candidates(name, field, target)!));
            }
        }

        var requests = new List<GrpcProbeRequest>();
        void Add(Func<int, object> choose)
        {
            var message = method.InputType.Parser.ParseFrom(ByteString.Empty);
            for (var i = 0; i < slots.Count; i++)
            {
                var value = choose(i);
                if (slots[i].Field.IsRepeated)
                {
                    var list = (IList)slots[i].Field.Accessor.GetValue(message);
                    foreach (var item in (IEnumerable<object>)value)
                    {
                        list.Add(item);
                    }
                }
                else
                {
                    slots[i].Field.Accessor.SetValue(message, value);
                }
            }

            if (requests.Count < MaxVariants && !requests.Any(r => r.Message.Equals(message)))
            {
                requests.Add(new GrpcProbeRequest(service, method, message));
            }
        }

        static string Text(object value) => value is IEnumerable<object> list ? string.Join(",", list) : value.ToString() ?? string.Empty;
        bool Names(int i) => !slots[i].Home.Select(Text).SequenceEqual(slots[i].Target.Select(Text));

        Add(i => slots[i].Target[0]);
        for (var i = 0; i < slots.Count; i++)
        {
            foreach (var candidate in slots[i].Target.Skip(1))
            {
                var (slot, value) = (i, candidate);
                Add(j => j == slot ? value : slots[j].Target[0]);
            }
        }

        for (var n = 0; n < slots.Count; n++)
        {
            if (!Names(n) || slots[n].Field.Name == "idempotency_key")
            {
                continue;
            }

            foreach (var candidate in slots[n].Target)
            {
                var (slot, value) = (n, candidate);
                Add(j => j == slot ? value : slots[j].Home[0]);
            }
        }

        return requests;
    }

    /// <summary>Candidates for one field; null leaves it unset (its default), which proto3 allows for any field.</summary>
    private static IReadOnlyList<object>? Candidates(string method, FieldDescriptor field, ProbeValues values)
    {
        var key = field.Name.ToLowerInvariant();
        switch (field.FieldType)
        {
            case FieldType.String:
                var restName = key switch
                {
                    "code" or "village_code" or "region_code" => "villagecode",
                    "idempotency_key" => null,
                    "on_date" => "on",
                    "after_code" => null, // a cursor: the first page
                    _ => key.Replace("_", string.Empty, StringComparison.Ordinal),
                };
                if (key == "idempotency_key")
                {
                    return ["probe-" + Guid.NewGuid().ToString("N")];
                }

                if (restName is null)
                {
                    return null;
                }

                var type = key.EndsWith("_id", StringComparison.Ordinal) ? "uuid" : null;
                var strings = values.For(restName, "string", type, null, false, false, method)
                    ?? throw new CannotBuildException(method, $"no value for the string field '{field.Name}'");
                var texts = strings.Select(s => s is JsonValue v && v.TryGetValue<string>(out var text) ? text : s?.ToJsonString() ?? string.Empty).Cast<object>().ToList();
                return field.IsRepeated ? [texts] : texts;
            case FieldType.Bool:
                return field.IsRepeated ? null : [key == "urgent"];
            case FieldType.Int32 when key == "year":
                return [2027]; // the year of the fixture's annual records (targets, exit plans, reports)
            case FieldType.Int32 or FieldType.Int64 or FieldType.UInt32 or FieldType.UInt64 or FieldType.Double or FieldType.Float or FieldType.Enum:
                return null; // 0: no limit, the first value of an enum (unspecified)
            default:
                throw new CannotBuildException(method, $"the field '{field.Name}' of type {field.FieldType}");
        }
    }

    /// <summary>Calls the method with the request as the token's holder; the answer carries every string received.</summary>
    public static async Task<GrpcProbeAnswer> CallAsync(GrpcChannel channel, GrpcProbeRequest request, string token, CancellationToken cancellationToken)
    {
        var descriptor = request.Method;
        var method = new Method<IMessage, IMessage>(
            descriptor.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary,
            descriptor.Service.FullName,
            descriptor.Name,
            Marshallers.Create<IMessage>(m => m.ToByteArray(), b => descriptor.InputType.Parser.ParseFrom(b)),
            Marshallers.Create<IMessage>(m => m.ToByteArray(), b => descriptor.OutputType.Parser.ParseFrom(b)));
        var options = new CallOptions(new Metadata { { "authorization", "Bearer " + token } }, DateTime.UtcNow.AddSeconds(30), cancellationToken);
        var invoker = channel.CreateCallInvoker();
        var strings = new List<string>();
        try
        {
            if (descriptor.IsServerStreaming)
            {
                using var call = invoker.AsyncServerStreamingCall(method, null, options, request.Message);
                while (await call.ResponseStream.MoveNext(cancellationToken))
                {
                    Collect(call.ResponseStream.Current, strings);
                }
            }
            else
            {
                Collect(await invoker.AsyncUnaryCall(method, null, options, request.Message), strings);
            }

            return new GrpcProbeAnswer(StatusCode.OK, string.Empty, null, strings);
        }
        catch (RpcException ex)
        {
            return new GrpcProbeAnswer(ex.StatusCode, ex.Status.Detail, ex.Trailers.GetValue("problem-code"), strings);
        }
    }

    private static void Collect(IMessage message, List<string> strings)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            foreach (var item in field.IsRepeated ? ((IEnumerable)value).Cast<object>() : [value])
            {
                switch (item)
                {
                    case string s:
                        strings.Add(s);
                        break;
                    case IMessage nested:
                        Collect(nested, strings);
                        break;
                }
            }
        }
    }
}
