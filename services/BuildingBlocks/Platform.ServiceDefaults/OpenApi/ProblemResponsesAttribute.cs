namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// A problem status a handler answers beyond the shared rules, with its stable codes (docs/problems.md), put on the
/// handler method beside the code that returns them: <c>[ProblemResponses(409, "no_resident_post", "check_in_disabled")]</c>.
/// The document declares the status with these codes and an example of each (<see cref="ContractOperations"/>), so a
/// generated client reads the problem instead of failing without its body. Integration tests check that every problem a
/// service answers is declared (tests/Platform.IntegrationTests, DeclaredProblems).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProblemResponsesAttribute(int status, params string[] codes) : Attribute
{
    public int Status { get; } = status;

    public IReadOnlyList<string> Codes { get; } = codes;
}
