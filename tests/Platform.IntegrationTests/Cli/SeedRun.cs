namespace Platform.IntegrationTests.Cli;

/// <summary>What one run of the seeder said and how it ended.</summary>
public sealed record SeedRun(int ExitCode, string Output, string Error);
