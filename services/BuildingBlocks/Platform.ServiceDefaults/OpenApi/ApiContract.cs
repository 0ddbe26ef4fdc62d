namespace Platform.ServiceDefaults.OpenApi;

/// <summary>What a service's OpenAPI document says of itself, in Chinese and English: its title and what it is for.</summary>
public sealed record ApiContract(string Title, string Description)
{
    /// <summary>How an integrator gets a token; the same text in every document and on the gateway's API reference.</summary>
    public const string TokenHelp =
        """
        调用方在 `Authorization: Bearer <令牌>` 中携带身份服务签发的访问令牌（JWT）。其他政府系统以客户端凭据方式获取：
        `POST /connect/token`（经网关），`grant_type=client_credentials`、`client_id`、`client_secret` 由省级管理员登记发放；
        令牌带有调用方的区划范围，超出范围的记录按“不存在”答复。

        Callers send an access token (JWT) of the identity service as `Authorization: Bearer <token>`. Other government
        systems get one with the client-credentials grant: `POST /connect/token` through the gateway, with the `client_id`
        and `client_secret` a province administrator registered for them. A token carries the caller's region scope;
        records outside it answer as if missing.
        """;

    /// <summary>Where every error code is listed (RFC 9457 problem details with a stable <c>code</c>).</summary>
    public const string ProblemsCatalogue = "docs/problems.md";
}
