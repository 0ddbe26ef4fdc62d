using MassTransit;
using Platform.Messaging.Publishing;
using BrokerPublishException = RabbitMQ.Client.Exceptions.PublishException;

namespace Platform.UnitTests.Messaging;

/// <summary>When the broker rejects every publish for long enough, the publishing connection is replaced, and not more often.</summary>
public class RejectedPublishesTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private const string Exchange = "rabbitmq://localhost/Platform.Contracts.IntegrationEvents.Dispatch.V1:VillageCategoryChanged";
    private const string OtherExchange = "rabbitmq://localhost/Platform.Contracts.IntegrationEvents.Dispatch.V1:AssignmentStarted";

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Rejections_for_a_whole_window_replace_the_connection_once()
    {
        var rule = new RejectedPublishes(Window);
        rule.Rejected(Exchange, At(0)).ShouldBeFalse();
        rule.Rejected(Exchange, At(2)).ShouldBeFalse();
        rule.Rejected(Exchange, At(4.9)).ShouldBeFalse("the streak is shorter than the window");
        rule.Rejected(Exchange, At(5)).ShouldBeTrue();
        rule.Rejected(Exchange, At(5.1)).ShouldBeFalse("the new connection gets a window of its own");
        rule.Rejected(Exchange, At(9)).ShouldBeFalse();
        rule.Rejected(Exchange, At(10)).ShouldBeFalse("the new connection's streak began at 5.1 s");
        rule.Rejected(Exchange, At(10.1)).ShouldBeTrue("still rejected a window later: replaced again");
    }

    [Fact]
    public void A_confirmed_publish_ends_the_streak()
    {
        var rule = new RejectedPublishes(Window);
        rule.Rejected(Exchange, At(0)).ShouldBeFalse();
        rule.Rejected(Exchange, At(3)).ShouldBeFalse();
        rule.Confirmed(Exchange);
        rule.Rejected(Exchange, At(5)).ShouldBeFalse();
        rule.Rejected(Exchange, At(6)).ShouldBeFalse();
        rule.Rejected(Exchange, At(9.9)).ShouldBeFalse("the streak began at 5 s");
        rule.Rejected(Exchange, At(10)).ShouldBeTrue();
    }

    [Fact]
    public void Another_events_publishes_taken_meanwhile_do_not_hide_a_stuck_one()
    {
        var rule = new RejectedPublishes(Window);
        rule.Rejected(Exchange, At(0)).ShouldBeFalse();
        rule.Confirmed(OtherExchange);
        rule.Rejected(Exchange, At(3)).ShouldBeFalse();
        rule.Confirmed(OtherExchange);
        rule.Rejected(OtherExchange, At(4)).ShouldBeFalse("another exchange's streak starts on its own");
        rule.Rejected(Exchange, At(5)).ShouldBeTrue();
        rule.Rejected(OtherExchange, At(9.5)).ShouldBeFalse("the replacement cleared every streak");
    }

    [Fact]
    public void A_single_rejection_long_after_another_is_not_a_streak_of_enough()
    {
        var rule = new RejectedPublishes(Window, minimumRejections: 3);
        rule.Rejected(Exchange, At(0)).ShouldBeFalse();
        rule.Rejected(Exchange, At(60)).ShouldBeFalse("two rejections, fewer than three");
        rule.Rejected(Exchange, At(61)).ShouldBeTrue();
    }

    [Fact]
    public void Only_a_negative_confirm_is_a_rejection()
    {
        RejectedPublishObserver.IsBrokerRejection(new BrokerPublishException(7, isReturn: false)).ShouldBeTrue();
        RejectedPublishObserver.IsBrokerRejection(new InvalidOperationException("BasicPublishAsync failed", new BrokerPublishException(7, isReturn: false))).ShouldBeTrue();
        RejectedPublishObserver.IsBrokerRejection(new BrokerPublishException(7, isReturn: true)).ShouldBeFalse("an unroutable message returned is not the channel's fault");
        RejectedPublishObserver.IsBrokerRejection(new OperationCanceledException()).ShouldBeFalse();
        RejectedPublishObserver.IsBrokerRejection(new MassTransitException("connection lost")).ShouldBeFalse();
    }

    [Fact]
    public void A_window_must_be_positive()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new RejectedPublishes(TimeSpan.Zero));
        Should.Throw<ArgumentOutOfRangeException>(() => new RejectedPublishes(Window, minimumRejections: 0));
    }
}
