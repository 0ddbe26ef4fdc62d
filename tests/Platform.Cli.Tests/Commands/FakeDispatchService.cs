using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Web;
using Platform.Security.PersonalData;

namespace Platform.Cli.Tests.Commands;

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? ContentType, AuthenticationHeaderValue? Authorization, byte[] Body)
{
    public string Path => Uri.AbsolutePath;

    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// Stands in for dispatch, in memory: the region, unit and cadre imports (upserts that count created, updated and unchanged
/// rows), the keyset-paged cadre list, assignments (one by one, and imported as a file, all or nothing: a row already there
/// unchanged) and check-ins with the service's rules and answers (one first secretary per village, one resident post per
/// cadre, no duplicate holder; a check-in needs a resident post that day and is idempotent by id). <see cref="Intercept"/> may answer (or throw) first, for failures.
/// </summary>
internal sealed class FakeDispatchService : HttpMessageHandler
{
    private const string ImportResult = """{{"importId":"0193a7c2-5b1e-7c3d-9f00-1234567890ab","status":"succeeded","rows":{0},"created":{1},"updated":{2},"unchanged":{3},"elapsedSeconds":0.01}}""";

    private readonly Lock gate = new();
    private readonly Dictionary<string, string> units = new(StringComparer.Ordinal);           // code -> row
    private readonly Dictionary<string, string> unitRegions = new(StringComparer.Ordinal);     // code -> region code
    private readonly Dictionary<string, Cadre> cadres = new(StringComparer.Ordinal);           // citizen id -> cadre
    private readonly List<Assignment> assignments = [];
    private readonly Dictionary<Guid, Guid> checkIns = [];                                      // id -> cadre id

    // Pairing: households (head citizen id -> id, and the rows listed), one responsible helper per household, contacts counted.
    private readonly Dictionary<string, Guid> households = new(StringComparer.Ordinal);
    private readonly List<(Guid Id, string Village, string HeadName, string HeadCitizenId)> householdRows = [];
    private readonly Dictionary<Guid, Guid> helpers = [];
    private int contacts;
    private readonly HashSet<string> contactKeys = new(StringComparer.Ordinal);

    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>Scoring runs before assessment ranks the assigned units (its events from dispatch still under way).</summary>
    public int AssessmentUnitsLagRuns { get; init; }

    /// <summary>Every scoring run fails with this problem code.</summary>
    public string? AssessmentFailRuns { get; init; }

    /// <summary>Assessment's API, behind the same handler (the seeder's assessment address may be any).</summary>
    public FakeAssessment Assessment => assessment ??= new FakeAssessment(
        () => assignments.Where(a => a.Force == "assisting_unit").Select(a => a.Holder).Distinct(StringComparer.Ordinal).Count())
    {
        UnitsLagRuns = AssessmentUnitsLagRuns, FailRuns = AssessmentFailRuns,
    };

    private FakeAssessment? assessment;

    /// <summary>Household imports answered 422 unknown_village first, as pairing does before dispatch's events reach it.</summary>
    public int UnknownVillageAnswers { get; set; }

    /// <summary>Check-ins made before this instant are refused as too_old, as a dispatch with a shorter offline window does.</summary>
    public DateTimeOffset? RefuseCheckInsBefore { get; set; }

    /// <summary>Pairing imports answered 503 database_unavailable first (nothing done), as pairing does when a statement times out.</summary>
    public int UnavailablePairingAnswers { get; set; }

    public int HouseholdCount
    {
        get
        {
            lock (gate)
            {
                return households.Count;
            }
        }
    }

    public int HelperCount
    {
        get
        {
            lock (gate)
            {
                return helpers.Count;
            }
        }
    }

    public int ContactCount
    {
        get
        {
            lock (gate)
            {
                return contacts;
            }
        }
    }

    /// <summary>Answers before the simulation when it returns non-null; gets the request and how many requests came so far.</summary>
    public Func<HttpRequestMessage, int, HttpResponseMessage?>? Intercept { get; init; }

    public int RegionImportRows { get; init; } = 263;

    /// <summary>The most cadres one page holds, whatever the limit asked for (dispatch's is 1000).</summary>
    public int MaxPage { get; init; } = 1000;

    public IReadOnlyList<RecordedRequest> To(HttpMethod method, string pathEnd)
    {
        lock (gate)
        {
            return Requests.Where(r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal)).ToList();
        }
    }

    public int AssignmentCount
    {
        get
        {
            lock (gate)
            {
                return assignments.Count;
            }
        }
    }

    /// <summary>Who holds <paramref name="force"/> in <paramref name="village"/>: a cadre's id, or a unit's code; null when nobody.</summary>
    public string? HolderOf(string village, string force)
    {
        lock (gate)
        {
            return assignments.FirstOrDefault(a => a.Village == village && a.Force == force)?.Holder;
        }
    }

    public int CheckInCount
    {
        get
        {
            lock (gate)
            {
                return checkIns.Count;
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        int count;
        lock (gate)
        {
            Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.ToString(), request.Headers.Authorization, body));
            count = Requests.Count;
        }

        if (Intercept?.Invoke(request, count) is { } intercepted)
        {
            return intercepted;
        }

        var path = request.RequestUri!.AbsolutePath;
        lock (gate)
        {
            if (path.Contains("/api/assessment/", StringComparison.Ordinal))
            {
                return Assessment.Handle(request.Method.Method, path, request.RequestUri.Query, body) ?? Problem(HttpStatusCode.NotFound, "not_found");
            }

            return (request.Method.Method, path) switch
            {
                ("POST", _) when path.EndsWith("/api/dispatch/regions/import", StringComparison.Ordinal) =>
                    Json(HttpStatusCode.OK, string.Format(CultureInfo.InvariantCulture, ImportResult, RegionImportRows, RegionImportRows, 0, 0)),
                ("POST", _) when path.EndsWith("/api/dispatch/units/import", StringComparison.Ordinal) => ImportUnits(Encoding.UTF8.GetString(body)),
                ("POST", _) when path.EndsWith("/api/dispatch/cadres/import", StringComparison.Ordinal) => ImportCadres(Encoding.UTF8.GetString(body)),
                ("GET", _) when path.EndsWith("/api/dispatch/cadres", StringComparison.Ordinal) => ListCadres(HttpUtility.ParseQueryString(request.RequestUri.Query)),
                ("POST", _) when path.EndsWith("/api/dispatch/assignments", StringComparison.Ordinal) => Assign(JsonDocument.Parse(body).RootElement),
                ("POST", _) when path.EndsWith("/api/dispatch/assignments/import", StringComparison.Ordinal) => ImportAssignments(Encoding.UTF8.GetString(body)),
                ("POST", _) when path.EndsWith("/api/dispatch/check-ins", StringComparison.Ordinal) => CheckIn(JsonDocument.Parse(body).RootElement),
                ("POST", _) when path.EndsWith("/api/pairing/households/import", StringComparison.Ordinal) => ImportHouseholds(Encoding.UTF8.GetString(body)),
                ("GET", _) when path.EndsWith("/api/pairing/households", StringComparison.Ordinal) => ListHouseholds(HttpUtility.ParseQueryString(request.RequestUri.Query)),
                ("POST", _) when path.EndsWith("/api/pairing/helpers/import", StringComparison.Ordinal) => ImportHelpers(Encoding.UTF8.GetString(body)),
                ("POST", _) when path.EndsWith("/api/pairing/pairings/import", StringComparison.Ordinal) => ImportPairings(Encoding.UTF8.GetString(body)),
                ("POST", _) when path.EndsWith("/api/pairing/contacts/import", StringComparison.Ordinal) => ImportContacts(Encoding.UTF8.GetString(body)),
                ("POST", _) when path.EndsWith("/api/pairing/helpers", StringComparison.Ordinal) => RegisterHelper(JsonDocument.Parse(body).RootElement),
                ("POST", _) when path.EndsWith("/helpers", StringComparison.Ordinal) => Pair(path, JsonDocument.Parse(body).RootElement),
                ("POST", _) when path.EndsWith("/contacts", StringComparison.Ordinal) => Contact(path, JsonDocument.Parse(body).RootElement),
                _ => Problem(HttpStatusCode.NotFound, "not_found"),
            };
        }
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string body, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    public static HttpResponseMessage Problem(HttpStatusCode status, string code) =>
        Json(status, $$"""{"type":"urn:problem:platform:{{code}}","title":"{{code}}","status":{{(int)status}},"code":"{{code}}"}""", "application/problem+json");

    private HttpResponseMessage ImportUnits(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines[0] != "单位编码,单位名称,层级,所在区划,负责人,编制人数")
        {
            return Problem(HttpStatusCode.UnprocessableEntity, "invalid_unit_file");
        }

        int created = 0, updated = 0;
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            if (!int.TryParse(fields[5], out var staff) || staff < 0)
            {
                return Problem(HttpStatusCode.UnprocessableEntity, "invalid_unit_file");
            }

            created += units.ContainsKey(fields[0]) ? 0 : 1;
            updated += units.TryGetValue(fields[0], out var old) && old != line ? 1 : 0;
            units[fields[0]] = line;
            unitRegions[fields[0]] = fields[3];
        }

        return Json(HttpStatusCode.OK, string.Format(CultureInfo.InvariantCulture, ImportResult, lines.Length - 1, created, updated, lines.Length - 1 - created - updated));
    }

    private HttpResponseMessage ImportCadres(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        if (lines[0] != "身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿"
            || rows.Any(f => f.Length != 9 || !CitizenId.IsValid(f[0]) || (f[2].Length > 0 && !PhoneNumber.IsValid(f[2])) || !units.ContainsKey(f[3]))
            || rows.Select(f => f[0]).Distinct().Count() != rows.Count)
        {
            return Problem(HttpStatusCode.UnprocessableEntity, "invalid_cadre_file");
        }

        int created = 0, updated = 0;
        foreach (var fields in rows)
        {
            var line = string.Join(',', fields);
            if (cadres.TryGetValue(fields[0], out var known))
            {
                updated += known.Line == line ? 0 : 1;
                cadres[fields[0]] = known with { Line = line, RegionCode = unitRegions[fields[3]] };
            }
            else
            {
                created++;
                cadres[fields[0]] = new Cadre(Guid.NewGuid(), fields[0], fields[1], fields[3], unitRegions[fields[3]], line);
            }
        }

        return Json(HttpStatusCode.OK, string.Format(CultureInfo.InvariantCulture, ImportResult, rows.Count, created, updated, rows.Count - created - updated));
    }

    /// <summary>Ordered by id as PostgreSQL orders uuids (their text, byte by byte); a 12-digit prefix is an exact code.</summary>
    private HttpResponseMessage ListCadres(System.Collections.Specialized.NameValueCollection query)
    {
        var prefix = query["prefix"] ?? string.Empty;
        var limit = Math.Min(MaxPage, int.Parse(query["limit"] ?? "100", CultureInfo.InvariantCulture));
        var after = query["after"];
        var matching = cadres.Values
            .Where(c => c.RegionCode.StartsWith(prefix, StringComparison.Ordinal))
            .Select(c => (Key: c.Id.ToString(), Cadre: c))
            .Where(c => after is null || string.CompareOrdinal(c.Key, after) > 0)
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .ToList();
        var page = matching.Take(limit).ToList();
        var items = page.Select(c => new { id = c.Cadre.Id, name = c.Cadre.Name, citizenId = c.Cadre.CitizenId, unitCode = c.Cadre.UnitCode, rank = "科员" });
        return Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { items, next = matching.Count > limit ? page[^1].Key : null }));
    }

    private HttpResponseMessage Assign(JsonElement body)
    {
        var village = body.GetProperty("villageCode").GetString()!;
        var force = body.GetProperty("force").GetString()!;
        var startsOn = DateOnly.Parse(body.GetProperty("startsOn").GetString()!, CultureInfo.InvariantCulture);
        Guid? cadreId = body.TryGetProperty("cadreId", out var c) ? c.GetGuid() : null;
        var unitCode = body.TryGetProperty("unitCode", out var u) ? u.GetString() : null;
        if (force == "assisting_unit" ? unitCode is null || cadreId is not null || !units.ContainsKey(unitCode) : cadreId is null || cadres.Values.All(x => x.Id != cadreId))
        {
            return Problem(HttpStatusCode.BadRequest, "invalid_assignment");
        }

        var resident = force is "first_secretary" or "team_leader" or "team_member";
        var holder = cadreId?.ToString() ?? unitCode!;

        // All assignments here are open-ended, so any two with the same key overlap.
        if (force == "first_secretary" && assignments.Any(a => a.Village == village && a.Force == force))
        {
            return Problem(HttpStatusCode.Conflict, "first_secretary_taken");
        }

        if (resident && assignments.Any(a => a.Holder == holder && a.Resident))
        {
            return Problem(HttpStatusCode.Conflict, "cadre_already_resident");
        }

        if (assignments.Any(a => a.Village == village && a.Force == force && a.Holder == holder))
        {
            return Problem(HttpStatusCode.Conflict, "assignment_overlaps");
        }

        assignments.Add(new Assignment(village, force, holder, resident, startsOn));
        return Json(HttpStatusCode.Created, $$"""{"id":"{{Guid.NewGuid()}}","villageCode":"{{village}}","force":"{{force}}"}""");
    }

    /// <summary>The assignment import: the rules of <see cref="Assign"/> against what is there and between the rows, all or nothing.</summary>
    private HttpResponseMessage ImportAssignments(string csv)
    {
        var rows = Rows(csv, "村区划代码,帮扶力量,干部身份证号,单位编码,开始日期,选派原因", out var headerKept);
        var forces = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["联系县级领导"] = "contact_leader", ["帮扶单位"] = "assisting_unit", ["第一书记"] = "first_secretary",
            ["驻村工作队队长"] = "team_leader", ["驻村工作队队员"] = "team_member", ["农技员"] = "agricultural_technician",
        };
        var parsed = new List<Assignment>();
        foreach (var f in rows)
        {
            if (!headerKept || f.Length != 6 || f[0].Length != 12 || !forces.TryGetValue(f[1], out var force)
                || !DateOnly.TryParseExact(f[4], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startsOn))
            {
                return Problem(HttpStatusCode.UnprocessableEntity, "invalid_assignment_file");
            }

            string? holder = force == "assisting_unit"
                ? f[2].Length == 0 && units.ContainsKey(f[3]) ? f[3] : null
                : f[3].Length == 0 && cadres.TryGetValue(f[2], out var cadre) ? cadre.Id.ToString() : null;
            if (holder is null)
            {
                return Problem(HttpStatusCode.UnprocessableEntity, "invalid_assignment_file");
            }

            parsed.Add(new Assignment(f[0], force, holder, force is "first_secretary" or "team_leader" or "team_member", startsOn));
        }

        var fresh = parsed.Where(a => !assignments.Contains(a)).ToList();
        var known = assignments.ToList();
        foreach (var a in fresh)
        {
            // All assignments here are open-ended, so any two with the same key overlap.
            if ((a.Force == "first_secretary" && known.Any(k => k.Village == a.Village && k.Force == a.Force))
                || (a.Resident && known.Any(k => k.Holder == a.Holder && k.Resident))
                || known.Any(k => k.Village == a.Village && k.Force == a.Force && k.Holder == a.Holder))
            {
                return Problem(HttpStatusCode.UnprocessableEntity, "invalid_assignment_file");
            }

            known.Add(a);
        }

        assignments.AddRange(fresh);
        return Json(HttpStatusCode.OK, string.Format(CultureInfo.InvariantCulture, ImportResult, rows.Count, fresh.Count, 0, rows.Count - fresh.Count));
    }

    private HttpResponseMessage CheckIn(JsonElement body)
    {
        var id = body.GetProperty("id").GetGuid();
        var cadreId = body.GetProperty("cadreId").GetGuid();
        var at = body.GetProperty("at").GetDateTimeOffset();
        var day = DateOnly.FromDateTime(at.ToOffset(TimeSpan.FromHours(8)).DateTime);
        if (checkIns.TryGetValue(id, out var known))
        {
            return known == cadreId ? Json(HttpStatusCode.OK, $$"""{"id":"{{id}}"}""") : Problem(HttpStatusCode.Conflict, "check_in_id_reused");
        }

        if (at < RefuseCheckInsBefore)
        {
            return Json(HttpStatusCode.BadRequest,
                """{"title":"x","status":400,"code":"invalid_check_in","errors":[{"field":"at","code":"too_old","message":"x"}]}""", "application/problem+json");
        }

        if (!assignments.Any(a => a.Resident && a.Holder == cadreId.ToString() && a.StartsOn <= day))
        {
            return Problem(HttpStatusCode.Conflict, "no_resident_post");
        }

        checkIns[id] = cadreId;
        return Json(HttpStatusCode.Created, $$"""{"id":"{{id}}"}""");
    }

    private HttpResponseMessage ImportHouseholds(string csv)
    {
        if (UnknownVillageAnswers > 0)
        {
            UnknownVillageAnswers--;
            return Json(HttpStatusCode.UnprocessableEntity,
                """{"title":"x","status":422,"code":"invalid_household_file","errors":[{"field":"所在村","code":"unknown_village","message":"x","line":2}]}""",
                "application/problem+json");
        }

        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        if (lines[0] != "户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态"
            || rows.Any(f => f.Length != 8 || !CitizenId.IsValid(f[1]) || !int.TryParse(f[2], out var n) || n is < 1 or > 30 || f[3].Length != 12)
            || rows.Select(f => f[1]).Distinct().Count() != rows.Count)
        {
            return Problem(HttpStatusCode.UnprocessableEntity, "invalid_household_file");
        }

        var created = 0;
        foreach (var f in rows.Where(f => !households.ContainsKey(f[1])))
        {
            var id = Guid.NewGuid();
            households[f[1]] = id;
            householdRows.Add((id, f[3], f[0], f[1]));
            created++;
        }

        return Json(HttpStatusCode.OK, $$"""{"rows":{{rows.Count}},"created":{{created}},"updated":0,"unchanged":{{rows.Count - created}}}""");
    }

    private HttpResponseMessage ListHouseholds(System.Collections.Specialized.NameValueCollection query)
    {
        var limit = Math.Min(MaxPage, int.Parse(query["limit"] ?? "100", CultureInfo.InvariantCulture));
        var after = query["after"];
        var matching = householdRows.Select(h => (Key: h.Id.ToString(), Row: h))
            .Where(h => after is null || string.CompareOrdinal(h.Key, after) > 0).OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
        var page = matching.Take(limit).ToList();
        var items = page.Select(h => new { id = h.Row.Id, villageCode = h.Row.Village, headName = h.Row.HeadName, headCitizenId = h.Row.HeadCitizenId });
        return Json(HttpStatusCode.OK, JsonSerializer.Serialize(new { items, next = matching.Count > limit ? page[^1].Key : null }));
    }

    private static Guid HouseholdId(string path) => Guid.Parse(path.Split('/')[^2]);

    /// <summary>Cadres registered in the helper pool (an upsert, as in pairing).</summary>
    public IReadOnlyCollection<Guid> Pool
    {
        get
        {
            lock (gate)
            {
                return pool.ToList();
            }
        }
    }

    private readonly HashSet<Guid> pool = [];

    private HttpResponseMessage RegisterHelper(JsonElement body)
    {
        var cadreId = body.GetProperty("cadreId").GetGuid();
        if (cadres.Values.All(c => c.Id != cadreId))
        {
            return Problem(HttpStatusCode.NotFound, "cadre_not_found");
        }

        pool.Add(cadreId);
        return Json(HttpStatusCode.OK, $$"""{"cadreId":"{{cadreId}}","available":true}""");
    }

    private static HttpResponseMessage Imported(int rows, int created, int events = 0) =>
        Json(HttpStatusCode.OK, $$"""{"importId":"{{Guid.NewGuid()}}","rows":{{rows}},"created":{{created}},"updated":0,"unchanged":{{rows - created}},"events":{{events}},"changed":{{(created > 0 ? "true" : "false")}},"elapsedSeconds":0.01}""");

    private static List<string[]> Rows(string csv, string header, out bool headerKept)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        headerKept = lines[0] == header;
        return lines.Skip(1).Select(l => l.Split(',')).ToList();
    }

    /// <summary>The helper pool import: every cadre known to dispatch, all or nothing.</summary>
    private HttpResponseMessage ImportHelpers(string csv)
    {
        var rows = Rows(csv, "干部ID", out var headerKept);
        var ids = rows.Select(f => Guid.Parse(f[0])).ToList();
        if (!headerKept || ids.Any(id => cadres.Values.All(c => c.Id != id)))
        {
            return Problem(HttpStatusCode.UnprocessableEntity, "invalid_helper_file");
        }

        return Imported(ids.Count, ids.Count(pool.Add));
    }

    /// <summary>The pairing import: one responsible helper per household, a pairing already there unchanged.</summary>
    private HttpResponseMessage ImportPairings(string csv)
    {
        if (UnavailablePairingAnswers > 0)
        {
            UnavailablePairingAnswers--;
            return Problem(HttpStatusCode.ServiceUnavailable, "database_unavailable");
        }

        var rows = Rows(csv, "户主身份证号,干部ID,角色,开始日期", out var headerKept);
        if (!headerKept || rows.Any(f => !households.ContainsKey(f[0]) || f[2] != "帮扶责任人"
                || (helpers.TryGetValue(households[f[0]], out var known) && known != Guid.Parse(f[1]))))
        {
            return Problem(HttpStatusCode.UnprocessableEntity, "invalid_pairing_file");
        }

        var created = rows.Count(f => helpers.TryAdd(households[f[0]], Guid.Parse(f[1])));
        return Imported(rows.Count, created, created);
    }

    /// <summary>The contact import: by a helper of the household, once per client key.</summary>
    private HttpResponseMessage ImportContacts(string csv)
    {
        var rows = Rows(csv, "编号,户主身份证号,干部ID,方式,联系日期,经度,纬度,帮扶措施", out var headerKept);
        if (!headerKept || rows.Any(f => f[3] is not ("电话" or "走访") || (f[3] == "走访" && f[5].Length == 0)
                || !households.TryGetValue(f[1], out var household) || !helpers.TryGetValue(household, out var helper) || helper != Guid.Parse(f[2])))
        {
            return Problem(HttpStatusCode.UnprocessableEntity, "invalid_contact_file");
        }

        var created = rows.Count(f => contactKeys.Add(f[0]));
        contacts += created;
        return Imported(rows.Count, created);
    }

    private HttpResponseMessage Pair(string path, JsonElement body)
    {
        var household = HouseholdId(path);
        var cadreId = body.GetProperty("cadreId").GetGuid();
        if (householdRows.All(h => h.Id != household) || cadres.Values.All(c => c.Id != cadreId) || body.GetProperty("role").GetString() != "responsible")
        {
            return Problem(HttpStatusCode.NotFound, "household_not_found");
        }

        if (helpers.TryGetValue(household, out var known))
        {
            return Problem(HttpStatusCode.Conflict, known == cadreId ? "already_paired" : "household_has_helper");
        }

        if (helpers.Values.Count(c => c == cadreId) >= 5)
        {
            return Problem(HttpStatusCode.Conflict, "helper_load_full");
        }

        helpers[household] = cadreId;
        return Json(HttpStatusCode.Created, $$"""{"id":"{{Guid.NewGuid()}}","householdId":"{{household}}"}""");
    }

    private HttpResponseMessage Contact(string path, JsonElement body)
    {
        var household = HouseholdId(path);
        var kind = body.GetProperty("kind").GetString();
        if (kind is not ("call" or "visit") || (kind == "visit" && !body.TryGetProperty("longitude", out _)) || body.GetProperty("measures").GetString() is not { Length: > 0 })
        {
            return Problem(HttpStatusCode.BadRequest, "invalid_contact");
        }

        if (!helpers.TryGetValue(household, out var helper) || helper != body.GetProperty("cadreId").GetGuid())
        {
            return Problem(HttpStatusCode.Conflict, "not_a_helper");
        }

        contacts++;
        return Json(HttpStatusCode.Created, $$"""{"id":"{{Guid.NewGuid()}}"}""");
    }

    private sealed record Cadre(Guid Id, string CitizenId, string Name, string UnitCode, string RegionCode, string Line);

    private sealed record Assignment(string Village, string Force, string Holder, bool Resident, DateOnly StartsOn);
}
