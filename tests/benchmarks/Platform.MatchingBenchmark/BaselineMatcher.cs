using System.Runtime.InteropServices;
using Pairing.Api.Domain.Matching;

namespace Platform.MatchingBenchmark;

// The matcher as it was before issue 14 (commit d684585), kept verbatim as the baseline the benchmark runs beside the
// current one: same answers, one county after another, a binary heap with lazy deletion.
#pragma warning disable CA1822, IDE0051
/// <summary>
/// Proposes a responsible helper for each household: a min-cost flow (households → helpers → sink, with a convex load
/// cost per slot up to the cap and an "unmatched" arc per household) solved by successive shortest paths. Households
/// enter one at a time and each takes the cheapest augmenting path (Dijkstra on reduced costs, stopped at the sink),
/// which keeps the flow optimal for the households so far; so the answer is the exact optimum over each household's
/// candidate helpers. Candidates are the helpers of the household's county, cut to the
/// <see cref="MatchingWeights.CandidatesPerHousehold"/> cheapest from the village's, the township's and the cause-skilled
/// helpers — the only approximation (measured against the exact reference in tests/benchmarks). Counties are
/// independent, so they are solved one after another and a province's memory is one county's graph. Deterministic:
/// the same input gives the same proposals.
/// </summary>
public static class BaselineMatcher
{
    public static MatchingResult Solve(MatchingInput input, MatchingWeights weights, Action<int>? householdsDone = null, CancellationToken cancellationToken = default)
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
        foreach (var (county, households) in householdsByCounty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (helpersByCounty.TryGetValue(county, out var helpers))
            {
                new CountySolver(input, weights, households, helpers).Solve(helperOf);
            }

            done += households.Count;
            householdsDone?.Invoke(done);
        }

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
            for (var j = 0; j < _m; j++)
            {
                _load[j] = input.Helpers[helpers[j]].Load;
            }
        }

        public void Solve(int[] helperOf)
        {
            BuildCandidates();
            var heap = new PriorityQueue<int, long>();
            var touched = new List<int>();
            for (var u = 0; u < _n; u++)
            {
                Augment(u, heap, touched);
            }

            for (var u = 0; u < _n; u++)
            {
                helperOf[_households[u]] = _assignedArc[u] < 0 ? -1 : _helpers[_candHelper[_assignedArc[u]]];
            }
        }

        /// <summary>Cheapest augmenting path from the new household <paramref name="root"/> to the sink, then flip it.</summary>
        private void Augment(int root, PriorityQueue<int, long> heap, List<int> touched)
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
            while (heap.TryDequeue(out var v, out var d))
            {
                if (_settled[v] || d != _distance[v])
                {
                    continue;
                }

                _settled[v] = true;
                if (v == _sink)
                {
                    sinkDistance = d;
                    break;
                }

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

        private void Visit(int v, long d, int parent, PriorityQueue<int, long> heap, List<int> touched)
        {
            if (d >= _distance[v])
            {
                return;
            }

            if (_distance[v] == long.MaxValue)
            {
                touched.Add(v);
            }

            _distance[v] = d;
            _parent[v] = parent;
            heap.Enqueue(v, d);
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
}
