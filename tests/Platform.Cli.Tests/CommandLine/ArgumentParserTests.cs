using Platform.Cli.CommandLine;

namespace Platform.Cli.Tests.CommandLine;

public sealed class ArgumentParserTests
{
    private static readonly CommandSpec Command = new("demo", "A command for the tests.",
    [
        new("scale", "SCALE", "how much", Required: true),
        new("seed", "N", "random seed", DefaultValue: "7"),
        new("out", "FILE", "where"),
    ]);

    [Fact]
    public void Reads_values_in_both_forms_and_fills_in_defaults()
    {
        var options = ArgumentParser.Parse(Command, ["--scale", "county", "--out=a.csv"]);

        options.Get("scale").ShouldBe("county");
        options.Get("out").ShouldBe("a.csv");
        options.GetInt32("seed").ShouldBe(7);
    }

    [Fact]
    public void Leaves_an_absent_optional_option_null()
    {
        ArgumentParser.Parse(Command, ["--scale", "city"]).Get("out").ShouldBeNull();
    }

    [Fact]
    public void Takes_empty_and_negative_values()
    {
        var options = ArgumentParser.Parse(Command, ["--scale", "", "--seed", "-5"]);

        options.Get("scale").ShouldBe(string.Empty);
        options.GetInt32("seed").ShouldBe(-5);
    }

    [Theory]
    [InlineData(new[] { "--out", "a.csv" }, "missing required option '--scale'")]
    [InlineData(new[] { "--scale" }, "option '--scale' needs a value")]
    [InlineData(new[] { "--scale", "--out", "a.csv" }, "option '--scale' needs a value")]
    [InlineData(new[] { "--scale", "a", "--scale", "b" }, "option '--scale' is given more than once")]
    [InlineData(new[] { "--scale", "a", "--colour", "red" }, "unknown option '--colour' for 'demo'")]
    [InlineData(new[] { "--scale", "a", "extra" }, "unexpected argument 'extra'; options start with --")]
    [InlineData(new[] { "-s", "a" }, "unexpected argument '-s'; options start with --")]
    [InlineData(new[] { "--", "a" }, "unexpected argument '--'; options start with --")]
    public void Explains_what_is_wrong(string[] args, string message)
    {
        var error = Should.Throw<UsageException>(() => ArgumentParser.Parse(Command, args));

        error.Message.ShouldBe(message);
        error.Command.ShouldBe(Command);
    }

    [Theory]
    [InlineData("seven", "option '--seed' must be a whole number, got 'seven'")]
    [InlineData("1.5", "option '--seed' must be a whole number, got '1.5'")]
    [InlineData("99999999999", "option '--seed' must be a whole number, got '99999999999'")]
    public void Rejects_a_value_that_is_not_a_whole_number(string seed, string message)
    {
        var options = ArgumentParser.Parse(Command, ["--scale", "a", "--seed", seed]);

        Should.Throw<UsageException>(() => options.GetInt32("seed")).Message.ShouldBe(message);
    }

    [Fact]
    public void Rejects_a_number_out_of_range()
    {
        var options = ArgumentParser.Parse(Command, ["--scale", "a", "--seed", "0"]);

        Should.Throw<UsageException>(() => options.GetInt32("seed", min: 1, max: 10)).Message
            .ShouldBe("option '--seed' must be between 1 and 10, got 0");
    }

    [Fact]
    public void Usage_lists_every_option_with_its_default()
    {
        Command.Usage.ShouldBe(
            """
            usage: Platform.Cli demo --scale SCALE [--seed N] [--out FILE]
            A command for the tests.
              --scale SCALE  how much
              --seed N       random seed (default 7)
              --out FILE     where

            """.ReplaceLineEndings("\n"));
    }
}
