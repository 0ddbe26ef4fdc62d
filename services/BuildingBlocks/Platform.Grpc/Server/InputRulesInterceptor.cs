using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Platform.ServiceDefaults;

namespace Platform.Grpc.Server;

/// <summary>
/// The platform's input rules (<see cref="InputRules"/>) on every string field of every request message, nested and
/// repeated ones included, before a method runs: INVALID_ARGUMENT "field: 中文说明" with problem-code invalid_input,
/// as REST answers 400 for the same text. Registered inside <see cref="ProblemStatusInterceptor"/>, which turns the
/// problem into the status.
/// </summary>
public sealed class InputRulesInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request as IMessage, string.Empty);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request as IMessage, string.Empty);
        return continuation(request, responseStream, context);
    }

    /// <summary>Throws the invalid_input problem for the first string field of <paramref name="message"/> that breaks the rules.</summary>
    public static void Check(IMessage? message, string prefix)
    {
        if (message is null)
        {
            return;
        }

        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var name = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            switch (field.FieldType)
            {
                case FieldType.String when field.IsRepeated:
                    foreach (var item in (System.Collections.IEnumerable)value)
                    {
                        CheckText(name, (string)item);
                    }

                    break;
                case FieldType.String:
                    CheckText(name, (string)value);
                    break;
                case FieldType.Message when field.IsRepeated && !field.IsMap:
                    foreach (var item in (System.Collections.IEnumerable)value)
                    {
                        Check(item as IMessage, name + ".");
                    }

                    break;
                case FieldType.Message when !field.IsMap:
                    Check(value as IMessage, name + ".");
                    break;
            }
        }
    }

    private static void CheckText(string field, string value)
    {
        if (InputRules.CheckText(value) is { } broken)
        {
            throw InputRules.Invalid(field, broken.Code, broken.Message);
        }
    }
}
