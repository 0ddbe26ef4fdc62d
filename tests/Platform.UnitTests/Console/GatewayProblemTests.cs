extern alias console;

using System.Net;
using System.Text;
using GatewayProblem = console::Platform.Web.Gateway.GatewayProblem;

namespace Platform.UnitTests.Console;

/// <summary>What a person reads when a call fails: the service's own Chinese explanation, or one for the bare status.</summary>
public sealed class GatewayProblemTests
{
    [Fact]
    public async Task A_problem_body_gives_its_code_title_detail_and_field_messages()
    {
        using var response = Answer(HttpStatusCode.BadRequest, "application/problem+json", """
            {"type":"urn:problem:platform:invalid_account","title":"账号信息有误","status":400,"detail":"请检查标出的字段",
             "code":"invalid_account","errors":[{"field":"userName","code":"required","message":"userName: 必填"},
             {"field":"userName","code":"too_long","message":"userName: 过长"},{"field":"role","code":"unknown_role","message":"role: 未知角色"}]}
            """);

        var problem = await GatewayProblem.ReadAsync(response, CancellationToken.None);

        problem.Status.ShouldBe(400);
        problem.Code.ShouldBe("invalid_account");
        problem.Title.ShouldBe("账号信息有误");
        problem.Detail.ShouldBe("请检查标出的字段");
        problem.Message.ShouldBe("账号信息有误：请检查标出的字段");
        problem.Errors["userName"].ShouldBe(["userName: 必填", "userName: 过长"]);
        problem.Errors["role"].ShouldBe(["role: 未知角色"]);
        problem.SessionExpired.ShouldBeFalse();
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, "服务暂时不可用，请稍后重试")]
    [InlineData(HttpStatusCode.Unauthorized, "登录已过期，请重新登录")]
    [InlineData(HttpStatusCode.TooManyRequests, "请求过于频繁，请稍后重试")]
    public async Task A_bare_status_gets_a_Chinese_title_of_its_own(HttpStatusCode status, string title)
    {
        using var response = Answer(status, "text/html", "<html>bad gateway</html>");

        var problem = await GatewayProblem.ReadAsync(response, CancellationToken.None);

        problem.Status.ShouldBe((int)status);
        problem.Code.ShouldBe($"http_{(int)status}");
        problem.Title.ShouldBe(title);
        problem.SessionExpired.ShouldBe(status == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_json_answer_that_is_not_a_problem_still_reads_as_its_status()
    {
        using var response = Answer(HttpStatusCode.NotFound, "application/json", "not json at all");

        var problem = await GatewayProblem.ReadAsync(response, CancellationToken.None);

        problem.Code.ShouldBe("http_404");
        problem.Title.ShouldBe("未找到");
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string mediaType, string body) => new(status)
    {
        Content = new StringContent(body, Encoding.UTF8, mediaType),
    };
}
