using Identity.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Platform.ServiceDefaults;

namespace Identity.Api.Features.Accounts;

/// <summary>The admin API's problems (docs/problems.md): stable codes, Chinese titles.</summary>
public static class AccountProblems
{
    public const string AccountExists = "account_exists";
    public const string CadreHasAccount = "cadre_has_account";
    public const string FederatedSubjectTaken = "federated_subject_taken";
    public const string AccountNotFound = "account_not_found";
    public const string OwnAccount = "own_account";
    public const string InvalidAccount = "invalid_account";
    public const string PasswordRejected = "password_rejected";
    public const string DispatchUnavailable = "dispatch_unavailable";

    /// <summary>Out of the caller's scope answers exactly like a user name nobody has.</summary>
    public static ProblemException NotFound() => ApiProblems.NotFound(AccountNotFound, "未找到该账户").ToException();

    public static ProblemException Exists(string userName) =>
        ApiProblems.Conflict(AccountExists, "用户名已被使用", $"The user name '{userName}' is taken.").ToException($"用户名 {userName} 已被使用");

    public static ProblemException CadreTaken() =>
        ApiProblems.Conflict(CadreHasAccount, "该干部已有账户", "The cadre already has an account.").ToException("该干部已有账户");

    public static ProblemException FederatedTaken() =>
        ApiProblems.Conflict(FederatedSubjectTaken, "该统一身份认证标识已关联其他账户").ToException();

    /// <summary>400 invalid_account naming each field.</summary>
    public static ProblemException Invalid(IReadOnlyList<FieldError> errors) => ApiProblems.Invalid(InvalidAccount, "账户信息无效", errors).ToException();

    /// <summary>403 with <see cref="AccountGrantRule"/>'s code: the caller may not hand out (or act on) this role, region or grant.</summary>
    public static ProblemException Refused(string code) => ApiProblems.Create(StatusCodes.Status403Forbidden, code, RefusalTitle(code)).ToException(RefusalTitle(code));

    /// <summary>422 with the code of <see cref="AccountGrantRule.AccountShapeRefusal"/>: no account has this shape.</summary>
    public static ProblemException Shape(string code) =>
        ApiProblems.Unprocessable(code, ShapeTitle(code), [new FieldError(code == AccountGrantRule.RoleNotForAccounts ? "role" : "region", code, ShapeTitle(code))])
            .ToException();

    /// <summary>422 password_rejected with the password rules' Chinese messages (<see cref="SignIn.ChineseIdentityErrors"/>).</summary>
    public static ProblemException Password(IEnumerable<IdentityError> errors) => ApiProblems.Unprocessable(PasswordRejected, "密码不符合要求",
        [.. errors.Select(e => new FieldError("initialPassword", e.Code, e.Description))]).ToException();

    public static ProblemException Dispatch() => ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, DispatchUnavailable, "派驻服务暂不可用，请稍后重试")
        .ToException();

    private static string RefusalTitle(string code) => code switch
    {
        AccountGrantRule.RoleAboveOwn => "不能创建或管理高于本级角色的账户",
        AccountGrantRule.RegionOutsideScope => "该区划超出您的管辖范围",
        AccountGrantRule.GrantNotHeld => "不能授予本人未持有的权限",
        AccountGrantRule.RegionInvalid => "区划代码无效",
        AccountGrantRule.UnknownRole => "角色无效",
        OwnAccount => "不能停用本人的账户",
        _ => "无权执行此操作",
    };

    private static string ShapeTitle(string code) => code switch
    {
        AccountGrantRule.RoleNotForAccounts => "集成客户端不是人员账户，请登记为客户端",
        AccountGrantRule.GrantNotForAccounts => "写入权限只授予系统客户端",
        AccountGrantRule.RegionDoesNotFitRole => "区划代码的层级与角色不符（省2位、市4位、县6位、乡镇9位、村12位）",
        _ => "账户信息无法处理",
    };
}
