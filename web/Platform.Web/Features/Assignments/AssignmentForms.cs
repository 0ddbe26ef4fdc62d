using System.ComponentModel.DataAnnotations;

namespace Platform.Web.Features.Assignments;

/// <summary>The assign form: a force of the chosen village, held by a cadre (or a unit for the assisting-unit force).</summary>
public sealed class AssignForm
{
    [Required(ErrorMessage = "请选择力量")]
    public string? Force { get; set; }

    public Guid? CadreId { get; set; }

    public string? UnitCode { get; set; }

    [Required(ErrorMessage = "请选择开始日期")]
    public DateTime? StartsOn { get; set; }

    [MaxLength(500, ErrorMessage = "原因不能超过500字")]
    public string? Reason { get; set; }
}

/// <summary>
/// Ending an assignment (召回, 调整, …) with a required reason. The official gives the day the holder leaves the post;
/// the service's end date is the last day served, the day before, so the gap shows from the day of leaving.
/// </summary>
public sealed class EndForm
{
    [Required(ErrorMessage = "请选择结束方式")]
    public string Kind { get; set; } = "recalled";

    [Required(ErrorMessage = "请选择离岗日期")]
    public DateTime? LeavesOn { get; set; }

    [Required(ErrorMessage = "请填写原因")]
    [MaxLength(500, ErrorMessage = "原因不能超过500字")]
    public string? Reason { get; set; }
}
