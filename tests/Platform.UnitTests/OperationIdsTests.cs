using Platform.ServiceDefaults.OpenApi;

namespace Platform.UnitTests;

/// <summary>How operations are named in the OpenAPI documents, which generated clients name their methods after.</summary>
public class OperationIdsTests
{
    private static class GetVillage
    {
        public static Task HandleAsync() => Task.CompletedTask;
    }

    private static class RectificationLedger
    {
        public static Task ListAsync() => Task.CompletedTask;

        public static void Close()
        {
        }
    }

    [Fact]
    public void A_handler_names_its_operation_by_its_class_and_method()
    {
        OperationIds.FromHandler(typeof(GetVillage).GetMethod(nameof(GetVillage.HandleAsync))).ShouldBe("GetVillage");
        OperationIds.FromHandler(typeof(RectificationLedger).GetMethod(nameof(RectificationLedger.ListAsync))).ShouldBe("RectificationLedgerList");
        OperationIds.FromHandler(typeof(RectificationLedger).GetMethod(nameof(RectificationLedger.Close))).ShouldBe("RectificationLedgerClose");
    }

    [Fact]
    public void A_lambda_has_no_usable_name_and_the_route_names_it()
    {
        Func<int> lambda = () => 1;
        OperationIds.FromHandler(lambda.Method).ShouldBeNull();
        OperationIds.FromHandler(null).ShouldBeNull();
        OperationIds.FromRoute("GET", "/api/dispatch/villages/{code}/service-centre").ShouldBe("getApiDispatchVillagesCodeServiceCentre");
    }

    [Fact]
    public void A_name_used_twice_gets_the_method_then_a_number()
    {
        var taken = new HashSet<string>();
        OperationIds.Unique("GetRegionImport", "GET", taken).ShouldBe("GetRegionImport");
        OperationIds.Unique("GetRegionImport", "GET", taken).ShouldBe("GetRegionImportGet");
        OperationIds.Unique("GetRegionImport", "GET", taken).ShouldBe("GetRegionImportGet2");
        OperationIds.Unique("Rate", "POST", taken).ShouldBe("Rate");
    }
}
