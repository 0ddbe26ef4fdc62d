using System.Runtime.InteropServices;

namespace Pairing.Api.Domain.Matching;

/// <summary>A household to match: its village, poverty causes (mask over <see cref="MatchingCosts.Causes"/>), depth, and a
/// helper it had before (former responsible helper or current co-helper) for continuity.</summary>
public readonly record struct MatchingHousehold(Guid Id, string VillageCode, int CauseMask, bool Deep, Guid? FormerHelper);

/// <summary>A helper who may take households: unit, home county (six digits), skills (mask over
/// <see cref="MatchingCosts.Skills"/>), rural experience and the responsible pairings already carried.</summary>
public readonly record struct MatchingHelper(Guid Id, string UnitCode, string HomeCounty, int SkillMask, bool RuralExperience, int Load);

/// <summary>One matching problem: households, helpers, the villages each unit helps (nearness) and the load cap.</summary>
public sealed class MatchingInput
{
    public required IReadOnlyList<MatchingHousehold> Households { get; init; }
    public required IReadOnlyList<MatchingHelper> Helpers { get; init; }
    public required IReadOnlyDictionary<string, string[]> VillagesByUnit { get; init; }
    public required int Capacity { get; init; }

    /// <summary>How near a helper's unit is to a village (the unit helps the village, its township, or neither).</summary>
    public MatchingCosts.Nearness NearnessOf(string unitCode, string villageCode)
    {
        if (!VillagesByUnit.TryGetValue(unitCode, out var villages))
        {
            return MatchingCosts.Nearness.County;
        }

        var township = villageCode.AsSpan(0, 9);
        var near = MatchingCosts.Nearness.County;
        foreach (var village in villages)
        {
            if (village == villageCode)
            {
                return MatchingCosts.Nearness.Village;
            }

            if (village.AsSpan(0, 9).SequenceEqual(township))
            {
                near = MatchingCosts.Nearness.Township;
            }
        }

        return near;
    }

    /// <summary>The pair's cost terms (load excluded).</summary>
    public CostTerms PairTerms(MatchingWeights weights, int household, int helper)
    {
        var h = Households[household];
        var j = Helpers[helper];
        return MatchingCosts.Pair(weights, h.CauseMask, h.Deep, j.SkillMask, j.RuralExperience, NearnessOf(j.UnitCode, h.VillageCode), h.FormerHelper == j.Id);
    }
}

/// <summary>The matcher's answer: for each household the helper's index (or -1), its cost terms, and the total.</summary>
public sealed class MatchingResult
{
    public required int[] HelperOf { get; init; }
    public required CostTerms[] Terms { get; init; }

    /// <summary>Sum of every proposal's terms plus <see cref="MatchingWeights.Unmatched"/> per household left without one.</summary>
    public required long TotalCost { get; init; }

    public int Unmatched => HelperOf.Count(h => h < 0);

    /// <summary>The cost of an assignment, with load slots given to each helper's households in household order.</summary>
    public static MatchingResult Evaluate(MatchingInput input, MatchingWeights weights, int[] helperOf)
    {
        var terms = new CostTerms[helperOf.Length];
        var added = new int[input.Helpers.Count];
        long total = 0;
        for (var h = 0; h < helperOf.Length; h++)
        {
            var j = helperOf[h];
            if (j < 0)
            {
                total += weights.Unmatched;
                continue;
            }

            var pair = input.PairTerms(weights, h, j);
            terms[h] = pair with { Load = MatchingCosts.LoadCost(weights, input.Helpers[j].Load + added[j]++) };
            total += terms[h].Total;
        }

        return new MatchingResult { HelperOf = helperOf, Terms = terms, TotalCost = total };
    }
}

/// <summary>
/// Proposes a responsible helper for each household: a min-cost flow (households → helpers → sink, with a convex load
/// cost per slot up to the cap and an "unmatched" arc per household) solved by successive shortest paths. Households
/// enter one at a time and each takes the cheapest augmenting path (Dijkstra on reduced costs, stopped at the sink),
/// which keeps the flow optimal for the households so far; so the answer is the exact optimum over each household's
/// candidate helpers. Candidates are the helpers of the household's county, cut to the
/// <see cref="MatchingWeights.CandidatesPerHousehold"/> cheapest from the village's, the township's and the cause-skilled
/// helpers — the only approximation (measured against the exact reference in tests/benchmarks). Counties are
/// independent: solved one after another, a province's memory is one county's graph; with <c>parallelism</c> p, p graphs. Deterministic:
/// the same input gives the same proposals.
/// </summary>
public static class Matcher
{
    /// <param name="parallelism">Counties solved at once (each on its own thread with its own graph); 1 solves them one after
    /// another. The answer does not depend on it: counties share nothing.</param>
    public static MatchingResult Solve(MatchingInput input, MatchingWeights weights, Action<int>? householdsDone = null, int parallelism = 1,
        CancellationToken cancellationToken = default)
    {
        var helperOf = new int[input.Households.Count];
        Array.Fill(helperOf, -1);
        var helpersByCounty = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var j = 0; j < input.Helpers.Count; j++)
        {
            if (input.Helpers[j].Load < input.Capacity)
            {
                (CollectionsMarshal.GetValueRefOrAddDefault(helpersByCounty, input.Helpers[j].HomeCounty, out _) ??= []).Add(j);
            }
        }

        var householdsByCounty = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (var h = 0; h < input.Households.Count; h++)
        {
            var county = input.Households[h].VillageCode[..6];
            if (!householdsByCounty.TryGetValue(county, out var list))
            {
                householdsByCounty[county] = list = [];
            }

            list.Add(h);
        }

        var done = 0;
        // Each county writes only its own households' entries of helperOf, so counties can run on separate threads.
        Parallel.ForEach(householdsByCounty, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            county =>
            {
                if (helpersByCounty.TryGetValue(county.Key, out var helpers))
                {
                    new CountySolver(input, weights, county.Value, helpers).Solve(helperOf);
                }

                householdsDone?.Invoke(Interlocked.Add(ref done, county.Value.Count));
            });

        return MatchingResult.Evaluate(input, weights, helperOf);
    }

    /// <summary>One county's flow network, with county-local node numbers: households 0..n-1, helpers n..n+m-1, sink n+m.</summary>
    private sealed class CountySolver
    {
        private readonly MatchingInput _input;
        private readonly MatchingWeights _weights;
        private readonly List<int> _households;
        private readonly List<int> _helpers;
        private readonly int _n, _m, _sink, _capacity;

        // Candidate arcs of household u: _candHelper/_candCost[_candStart[u] .. _candStart[u+1]).
        private int[] _candStart = [];
        private int[] _candHelper = [];
        private int[] _candCost = [];

        private readonly int[] _assignedArc;   // household → index of its candidate arc in use, -1 unmatched
        private readonly int[] _load;          // helper → households carried (before and in this run)
        private readonly int[] _slots;         // helper → households of this run, _capacity per helper
        private readonly int[] _slotCount;
        private readonly long[] _potential;
        private readonly long[] _distance;
        private readonly int[] _parent;
        private readonly bool[] _settled;
        private readonly NodeHeap _heap;

        public CountySolver(MatchingInput input, MatchingWeights weights, List<int> households, List<int> helpers)
        {
            _input = input;
            _weights = weights;
            _households = households;
            _helpers = helpers;
            _n = households.Count;
            _m = helpers.Count;
            _sink = _n + _m;
            _capacity = input.Capacity;
            _assignedArc = new int[_n];
            _load = new int[_m];
            _slots = new int[_m * _capacity];
            _slotCount = new int[_m];
            _potential = new long[_n + _m + 1];
            _distance = new long[_n + _m + 1];
            _parent = new int[_n + _m + 1];
            _settled = new bool[_n + _m + 1];
            Array.Fill(_distance, long.MaxValue);
            _heap = new NodeHeap(_distance);
            for (var j = 0; j < _m; j++)
            {
                _load[j] = input.Helpers[helpers[j]].Load;
            }
        }

        public void Solve(int[] helperOf)
        {
            BuildCandidates();
            var touched = new List<int>();
            for (var u = 0; u < _n; u++)
            {
                Augment(u, _heap, touched);
            }

            for (var u = 0; u < _n; u++)
            {
                helperOf[_households[u]] = _assignedArc[u] < 0 ? -1 : _helpers[_candHelper[_assignedArc[u]]];
            }
        }

        /// <summary>Cheapest augmenting path from the new household <paramref name="root"/> to the sink, then flip it.</summary>
        private void Augment(int root, NodeHeap heap, List<int> touched)
        {
            // The new household has no incoming residual arcs, so any potential making its own arcs non-negative is valid.
            var rootPotential = _potential[_sink] - _weights.Unmatched;
            for (var a = _candStart[root]; a < _candStart[root + 1]; a++)
            {
                rootPotential = Math.Max(rootPotential, _potential[_n + _candHelper[a]] - _candCost[a]);
            }

            _potential[root] = rootPotential;
            _assignedArc[root] = -1;
            heap.Clear();
            Visit(root, 0, -1, heap, touched);
            long sinkDistance = -1;
            while (heap.TryPop(out var v))
            {
                if (_settled[v])
                {
                    continue;
                }

                var d = _distance[v];
                if (v == _sink || d >= _distance[_sink])
                {
                    // Nothing left in the queue is nearer than the sink's tentative distance, so that is its distance: stop
                    // here rather than settle every node tied with it (after a few augmentations most reduced costs are 0,
                    // and the ties were most of the search).
                    sinkDistance = _distance[_sink];
                    break;
                }

                _settled[v] = true;

                if (v < _n)
                {
                    // Household: to each candidate helper except its own, and to the sink (left unmatched).
                    for (var a = _candStart[v]; a < _candStart[v + 1]; a++)
                    {
                        if (a != _assignedArc[v])
                        {
                            var j = _n + _candHelper[a];
                            Visit(j, d + _candCost[a] + _potential[v] - _potential[j], v, heap, touched);
                        }
                    }

                    Visit(_sink, d + _weights.Unmatched + _potential[v] - _potential[_sink], v, heap, touched);
                }
                else
                {
                    // Helper: back along each household it took in this run, and to the sink if it has room.
                    var j = v - _n;
                    for (var s = 0; s < _slotCount[j]; s++)
                    {
                        var u = _slots[j * _capacity + s];
                        Visit(u, d - _candCost[_assignedArc[u]] + _potential[v] - _potential[u], v, heap, touched);
                    }

                    if (_load[j] < _capacity)
                    {
                        Visit(_sink, d + MatchingCosts.LoadCost(_weights, _load[j]) + _potential[v] - _potential[_sink], v, heap, touched);
                    }
                }
            }

            // Potentials: p += min(d, d_sink) − d_sink keeps every reduced cost non-negative and touches settled nodes only.
            foreach (var v in touched)
            {
                if (_settled[v] && _distance[v] < sinkDistance)
                {
                    _potential[v] += _distance[v] - sinkDistance;
                }
            }

            // Flip the path, from the sink back to the root.
            var node = _sink;
            while (node != root)
            {
                var prev = _parent[node];
                if (node == _sink)
                {
                    if (prev >= _n)
                    {
                        _load[prev - _n]++;
                    }
                    else
                    {
                        _assignedArc[prev] = -1; // the household gives up its place: unmatched
                    }
                }
                else if (node >= _n)
                {
                    // prev (a household) takes helper node.
                    var j = node - _n;
                    _assignedArc[prev] = ArcOf(prev, j);
                    _slots[j * _capacity + _slotCount[j]++] = prev;
                }
                else
                {
                    // node (a household) leaves helper prev.
                    var j = prev - _n;
                    var at = j * _capacity;
                    for (var s = 0; s < _slotCount[j]; s++)
                    {
                        if (_slots[at + s] == node)
                        {
                            _slots[at + s] = _slots[at + --_slotCount[j]];
                            break;
                        }
                    }
                }

                node = prev;
            }

            foreach (var v in touched)
            {
                _distance[v] = long.MaxValue;
                _settled[v] = false;
            }

            touched.Clear();
        }

        private void Visit(int v, long d, int parent, NodeHeap heap, List<int> touched)
        {
            // A node no nearer than the sink's tentative distance cannot be on the cheapest path: not queued at all.
            if (d >= _distance[v] || d >= _distance[_sink])
            {
                return;
            }

            if (_distance[v] == long.MaxValue)
            {
                touched.Add(v);
            }

            _distance[v] = d;
            _parent[v] = parent;
            heap.InsertOrDecrease(v);
        }

        private int ArcOf(int household, int helper)
        {
            for (var a = _candStart[household]; a < _candStart[household + 1]; a++)
            {
                if (_candHelper[a] == helper)
                {
                    return a;
                }
            }

            throw new InvalidOperationException("augmenting path used an arc that does not exist");
        }

        /// <summary>
        /// Candidate helpers per household: the helpers of units that help its village and its township, helpers whose
        /// skills answer its causes, and a spread of the county's helpers, each list entered at an offset taken from the
        /// household's id so that equally good helpers share the work; then the cheapest
        /// <see cref="MatchingWeights.CandidatesPerHousehold"/> by pair cost plus current load.
        /// </summary>
        private void BuildCandidates()
        {
            var limit = Math.Max(1, _weights.CandidatesPerHousehold);
            var window = Math.Max(4, limit / 2);
            var byVillage = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            var byTownship = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            var bySkill = new List<int>[MatchingCosts.Skills.Length];
            for (var s = 0; s < bySkill.Length; s++)
            {
                bySkill[s] = [];
            }

            var localOf = new Dictionary<Guid, int>();
            for (var j = 0; j < _m; j++)
            {
                var helper = _input.Helpers[_helpers[j]];
                localOf[helper.Id] = j;
                for (var s = 0; s < bySkill.Length; s++)
                {
                    if ((helper.SkillMask & (1 << s)) != 0)
                    {
                        bySkill[s].Add(j);
                    }
                }

                if (_input.VillagesByUnit.TryGetValue(helper.UnitCode, out var villages))
                {
                    foreach (var village in villages.Distinct())
                    {
                        Add(byVillage, village, j);
                    }

                    foreach (var township in villages.Select(v => v[..9]).Distinct())
                    {
                        Add(byTownship, township, j);
                    }
                }
            }

            var everyone = Enumerable.Range(0, _m).ToList();
            var stamp = new int[_m];
            Array.Fill(stamp, -1);
            var found = new List<(long Key, int Helper, int Cost)>();
            var starts = new int[_n + 1];
            var helpersOut = new List<int>(_n * Math.Min(limit, _m));
            var costsOut = new List<int>(_n * Math.Min(limit, _m));
            for (var u = 0; u < _n; u++)
            {
                var h = _households[u];
                var household = _input.Households[h];
                var seed = (int)((uint)household.Id.GetHashCode() & 0x7fffffff);
                found.Clear();

                void Take(List<int>? list, int count)
                {
                    if (list is null || list.Count == 0)
                    {
                        return;
                    }

                    var n = Math.Min(count, list.Count);
                    var offset = seed % list.Count;
                    for (var k = 0; k < n; k++)
                    {
                        var j = list[(offset + k) % list.Count];
                        if (stamp[j] == u)
                        {
                            continue;
                        }

                        stamp[j] = u;
                        var cost = _input.PairTerms(_weights, h, _helpers[j]).Total;
                        found.Add(((long)(cost + MatchingCosts.LoadCost(_weights, _load[j])) << 32 | (uint)j, j, cost));
                    }
                }

                if (_m <= limit)
                {
                    Take(everyone, _m);
                }
                else
                {
                    if (household.FormerHelper is { } former && localOf.TryGetValue(former, out var formerLocal))
                    {
                        Take([formerLocal], 1);
                    }

                    Take(byVillage.GetValueOrDefault(household.VillageCode), window);
                    Take(byTownship.GetValueOrDefault(household.VillageCode[..9]), window);
                    for (var rest = household.CauseMask; rest != 0; rest &= rest - 1)
                    {
                        var skills = MatchingCosts.SkillMaskForCause[System.Numerics.BitOperations.TrailingZeroCount(rest)];
                        for (var s = skills; s != 0; s &= s - 1)
                        {
                            Take(bySkill[System.Numerics.BitOperations.TrailingZeroCount(s)], window / 2);
                        }
                    }

                    Take(everyone, window);
                }

                found.Sort((a, b) => a.Key.CompareTo(b.Key));
                starts[u] = helpersOut.Count;
                for (var k = 0; k < found.Count && k < limit; k++)
                {
                    helpersOut.Add(found[k].Helper);
                    costsOut.Add(found[k].Cost);
                }
            }

            starts[_n] = helpersOut.Count;
            _candStart = starts;
            _candHelper = [.. helpersOut];
            _candCost = [.. costsOut];
        }

        private static void Add(Dictionary<string, List<int>> index, string key, int helper)
        {
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }

            list.Add(helper);
        }
    }

    /// <summary>
    /// Dijkstra's queue: a 4-ary heap of node numbers keyed by their current distance, with each node's place kept so a
    /// shorter distance moves the node up instead of adding a second entry (the lazy-deletion queue it replaces held every
    /// stale entry and popped it again; most of a county's time went there).
    /// </summary>
    private sealed class NodeHeap(long[] key)
    {
        private int[] _items = new int[64];
        private int[] _place = new int[key.Length];
        private int _count;

        /// <summary>Empties the heap (a search stopped at the sink leaves nodes in it).</summary>
        public void Clear()
        {
            for (var i = 0; i < _count; i++)
            {
                _place[_items[i]] = 0;
            }

            _count = 0;
        }

        public bool TryPop(out int node)
        {
            if (_count == 0)
            {
                node = -1;
                return false;
            }

            node = _items[0];
            _place[node] = 0;
            var last = _items[--_count];
            if (_count > 0)
            {
                Down(last, 0);
            }

            return true;
        }

        /// <summary>Adds the node, or moves it up after its key fell. A node's place is 1 + its index (0: not in the heap).</summary>
        public void InsertOrDecrease(int node)
        {
            var at = _place[node] - 1;
            if (at < 0)
            {
                if (_count == _items.Length)
                {
                    Array.Resize(ref _items, _count * 2);
                }

                at = _count++;
            }

            Up(node, at);
        }

        private void Up(int node, int at)
        {
            var k = key[node];
            while (at > 0)
            {
                var parent = (at - 1) >> 2;
                var p = _items[parent];
                if (key[p] <= k)
                {
                    break;
                }

                _items[at] = p;
                _place[p] = at + 1;
                at = parent;
            }

            _items[at] = node;
            _place[node] = at + 1;
        }

        private void Down(int node, int at)
        {
            var k = key[node];
            while (true)
            {
                var first = (at << 2) + 1;
                if (first >= _count)
                {
                    break;
                }

                var best = first;
                var bestKey = key[_items[first]];
                var end = Math.Min(first + 4, _count);
                for (var c = first + 1; c < end; c++)
                {
                    var ck = key[_items[c]];
                    if (ck < bestKey)
                    {
                        best = c;
                        bestKey = ck;
                    }
                }

                if (bestKey >= k)
                {
                    break;
                }

                var child = _items[best];
                _items[at] = child;
                _place[child] = at + 1;
                at = best;
            }

            _items[at] = node;
            _place[node] = at + 1;
        }
    }
}
