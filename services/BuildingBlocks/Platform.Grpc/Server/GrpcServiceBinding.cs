using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Platform.Grpc.Server;

/// <summary>How one bound method is called: request parser and a delegate into the implementation.</summary>
internal sealed record GrpcMethodBinding(
    string Path,
    MethodDescriptor Method,
    Type ServiceType,
    MessageParser RequestParser,
    bool ServerStreaming,
    bool AllowAnonymous,
    Func<object, IMessage, GrpcServerCallContext, Task<IMessage>>? Unary,
    Func<object, IMessage, IServerStreamWriter<IMessage>, GrpcServerCallContext, Task>? Streaming);

/// <summary>
/// Binds an implementation class to a generated <see cref="ServiceDescriptor"/>: every method of the descriptor must
/// have a public method of the same name on the class, with the descriptor's message types:
/// <c>Task&lt;TResponse&gt; Name(TRequest, GrpcServerCallContext)</c> for unary, and
/// <c>Task Name(TRequest, IServerStreamWriter&lt;TResponse&gt;, GrpcServerCallContext)</c> for server streaming.
/// A missing or mistyped method stops the start, so the names and types always come from the .proto.
/// </summary>
public static class GrpcServiceBinder
{
    internal static IReadOnlyList<GrpcMethodBinding> Bind(Type serviceType, ServiceDescriptor service, bool allowAnonymous)
    {
        var bindings = new List<GrpcMethodBinding>();
        foreach (var method in service.Methods)
        {
            if (method.IsClientStreaming)
            {
                throw new InvalidOperationException($"{method.FullName}: client streaming is not supported by the platform's gRPC layer.");
            }

            var requestType = method.InputType.ClrType;
            var responseType = method.OutputType.ClrType;
            var implementation = serviceType.GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"{serviceType.Name} does not implement {method.FullName}: add a public method {method.Name}.");

            var parameters = implementation.GetParameters().Select(p => p.ParameterType).ToArray();
            var path = $"/{service.FullName}/{method.Name}";
            var parser = method.InputType.Parser;
            if (method.IsServerStreaming)
            {
                var writerType = typeof(IServerStreamWriter<>).MakeGenericType(responseType);
                Expect(implementation, parameters, [requestType, writerType, typeof(GrpcServerCallContext)], typeof(Task), method);
                var adapter = typeof(GrpcServiceBinder).GetMethod(nameof(StreamingAdapter), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(serviceType, requestType, responseType);
                var call = (Func<object, IMessage, IServerStreamWriter<IMessage>, GrpcServerCallContext, Task>)adapter.Invoke(null, [implementation])!;
                bindings.Add(new GrpcMethodBinding(path, method, serviceType, parser, true, allowAnonymous, null, call));
            }
            else
            {
                Expect(implementation, parameters, [requestType, typeof(GrpcServerCallContext)], typeof(Task<>).MakeGenericType(responseType), method);
                var adapter = typeof(GrpcServiceBinder).GetMethod(nameof(UnaryAdapter), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(serviceType, requestType, responseType);
                var call = (Func<object, IMessage, GrpcServerCallContext, Task<IMessage>>)adapter.Invoke(null, [implementation])!;
                bindings.Add(new GrpcMethodBinding(path, method, serviceType, parser, false, allowAnonymous, call, null));
            }
        }

        return bindings;
    }

    private static void Expect(MethodInfo implementation, Type[] actual, Type[] expected, Type returnType, MethodDescriptor method)
    {
        if (!actual.SequenceEqual(expected) || implementation.ReturnType != returnType)
        {
            throw new InvalidOperationException(
                $"{implementation.DeclaringType!.Name}.{implementation.Name} must be {returnType.Name} {implementation.Name}({string.Join(", ", expected.Select(t => t.Name))}) to implement {method.FullName}.");
        }
    }

    // Compiled delegates (no reflection per call): the generic adapters close over a typed delegate.
    private static Func<object, IMessage, GrpcServerCallContext, Task<IMessage>> UnaryAdapter<TService, TRequest, TResponse>(MethodInfo implementation)
        where TRequest : IMessage
        where TResponse : IMessage
    {
        var typed = implementation.CreateDelegate<Func<TService, TRequest, GrpcServerCallContext, Task<TResponse>>>();
        return async (service, request, context) => await typed((TService)service, (TRequest)request, context);
    }

    private static Func<object, IMessage, IServerStreamWriter<IMessage>, GrpcServerCallContext, Task> StreamingAdapter<TService, TRequest, TResponse>(MethodInfo implementation)
        where TRequest : IMessage
        where TResponse : IMessage
    {
        var typed = implementation.CreateDelegate<Func<TService, TRequest, IServerStreamWriter<TResponse>, GrpcServerCallContext, Task>>();
        return (service, request, writer, context) => typed((TService)service, (TRequest)request, new TypedWriter<TResponse>(writer), context);
    }

    private sealed class TypedWriter<T>(IServerStreamWriter<IMessage> inner) : IServerStreamWriter<T>
        where T : IMessage
    {
        public Task WriteAsync(T message, CancellationToken cancellationToken = default) => inner.WriteAsync(message, cancellationToken);
    }
}
