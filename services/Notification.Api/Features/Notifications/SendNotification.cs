using System.Security.Claims;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Recipients;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Notification.Api.Features.Notifications;

/// <summary>A message another service sends with its own title and body.</summary>
public sealed record SendNotificationCommand(
    string IdempotencyKey, string Recipient, string RegionCode, string Title, string Body, bool Urgent, IReadOnlyList<string> Channels);

/// <summary>The notification a send produced, or found when the same key was sent before (<see cref="Created"/> false).</summary>
public sealed record SentNotification(Guid Id, bool Created);

/// <summary>
/// Another service sends a message (rule <c>direct</c>) once per (caller, idempotency key, recipient): a repeated call
/// returns the first notification. The division code and the recipient must both lie in the caller's scope, so a county
/// cannot write to another county's cadres or offices. Served over gRPC only (<c>SendNotification</c>): people are told
/// by rules, not by a REST call.
/// </summary>
public static class SendNotification
{
    public const int MaxIdempotencyKeyLength = 200;

    private static readonly HashSet<string> Channels = new(StringComparer.Ordinal) { "in_app", "sms", "wechat", "email" };

    /// <summary>
    /// 400 invalid_notification naming the field (INVALID_ARGUMENT), 403 forbidden for an integration client without
    /// grant=write, 403 region_out_of_scope for a division code or recipient outside the scope (PERMISSION_DENIED).
    /// </summary>
    internal static async Task<SentNotification> SendAsync(NpgsqlDataSource dataSource, NotificationWriter writer, RecipientResolver recipients,
        RegionScope scope, ClaimsPrincipal caller, SendNotificationCommand command, CancellationToken cancellationToken)
    {
        var channels = command.Channels.Count == 0 ? ["in_app"] : command.Channels.Distinct(StringComparer.Ordinal).ToList();
        Validate(command, channels);
        if (caller.IsInRole(Roles.Integration) && !caller.HasClaim(PlatformClaims.Grant, Grants.Write))
        {
            throw ApiProblems.Create(StatusCodes.Status403Forbidden, "forbidden", "无权执行此操作", "An integration client sends notifications only with grant=write.")
                .ToException("集成客户端须有 grant=write 才能发送通知");
        }

        // A malformed division code was always refused like a foreign one (PERMISSION_DENIED), and still is.
        if (command.RegionCode.Length != RegionScope.CodeLength || !command.RegionCode.All(char.IsAsciiDigit) || !scope.Covers(command.RegionCode))
        {
            throw OutOfScope($"region_code 须为您管辖范围内的12位区划代码：{command.RegionCode}");
        }

        if (await recipients.RegionOfAsync(command.Recipient, cancellationToken) is not { } recipientRegion || !scope.Covers(recipientRegion))
        {
            throw OutOfScope($"收件人须为您管辖范围内的干部、单位或组织部门：{command.Recipient}");
        }

        var source = $"grpc:{caller.GetActor()}:{command.IdempotencyKey}";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await writer.WriteAsync(transaction,
            new NotificationCause(source, Rules.Direct, command.RegionCode, new Dictionary<string, string>()),
            [command.Recipient], cancellationToken, new DirectText(command.Title, command.Body, command.Urgent, channels));
        await transaction.CommitAsync(cancellationToken);
        return new SentNotification(written[0].Id, written[0].Created);
    }

    private static void Validate(SendNotificationCommand command, IReadOnlyList<string> channels)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(command.IdempotencyKey) || command.IdempotencyKey.Length > MaxIdempotencyKeyLength)
        {
            errors.Add(new FieldError("idempotency_key", "required", $"idempotency_key 必填，最多{MaxIdempotencyKeyLength}个字符"));
        }

        if (!Address.IsValid(command.Recipient))
        {
            errors.Add(new FieldError("recipient", "invalid_recipient", "recipient 须为 cadre:<uuid>、unit:<单位编码> 或 org:<区划代码前缀>"));
        }

        if (string.IsNullOrWhiteSpace(command.Title) || command.Title.Length > TemplateText.MaxTitleLength)
        {
            errors.Add(new FieldError("title", "required", $"title 必填，最多{TemplateText.MaxTitleLength}个字符"));
        }

        if (string.IsNullOrWhiteSpace(command.Body) || command.Body.Length > TemplateText.MaxBodyLength)
        {
            errors.Add(new FieldError("body", "required", $"body 必填，最多{TemplateText.MaxBodyLength}个字符"));
        }

        if (channels.FirstOrDefault(c => !Channels.Contains(c)) is { } unknown)
        {
            errors.Add(new FieldError("channels", "unknown_channel", $"未知渠道 {unknown}，应为 in_app、sms、wechat 或 email"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_notification", "通知无效", errors).ToException();
        }
    }

    private static ProblemException OutOfScope(string message) =>
        ApiProblems.Create(StatusCodes.Status403Forbidden, "region_out_of_scope", "所查区划超出您的管辖范围").ToException(message);
}
