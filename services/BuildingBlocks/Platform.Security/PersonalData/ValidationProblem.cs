namespace Platform.Security.PersonalData;

/// <summary>
/// Why a citizen ID number or phone number was rejected: a stable <paramref name="Code"/> for clients
/// (e.g. <c>invalid_check_digit</c>) and a Chinese <paramref name="Message"/> for the user.
/// </summary>
public sealed record ValidationProblem(string Code, string Message);
