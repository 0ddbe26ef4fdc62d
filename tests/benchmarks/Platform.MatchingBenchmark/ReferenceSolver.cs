using Pairing.Api.Domain.Matching;

namespace Platform.MatchingBenchmark;

/// <summary>
/// The exact optimum, computed the plain textbook way, to judge the matcher: an explicit network per county (source →
/// every household → every helper of its county → one arc per free load slot → sink, plus each household's "unmatched"
/// arc), and successive shortest paths from the source with Dijkstra on reduced costs, one unit of flow at a time, no
/// candidate cut and no early stop. Slow (every household against every helper) and only for instances of about ten
/// thousand households.
/// </summary>
public static class ReferenceSolver
{
    public static MatchingResult Solve(MatchingInput input, MatchingWeights weights)
    {
        var helperOf = new int[input.Households.Count];
        Array.Fill(helperOf, -1);
        foreach (var county in input.Households.Select(h => h.VillageCode[..6]).Distinct())
        {
            var households = Enumerable.Range(0, input.Households.Count).Where(h => input.Households[h].VillageCode[..6] == county).ToList();
            var helpers = Enumerable.Range(0, input.Helpers.Count).Where(j => input.Helpers[j].HomeCounty == county && input.Helpers[j].Load < input.Capacity).ToList();
            SolveCounty(input, weights, households, helpers, helperOf);
        }

        return MatchingResult.Evaluate(input, weights, helperOf);
    }

    private static void SolveCounty(MatchingInput input, MatchingWeights weights, List<int> households, List<int> helpers, int[] helperOf)
    {
        // Nodes: 0 source, 1..n households, n+1..n+m helpers, n+m+1 sink.
        var n = households.Count;
        var m = helpers.Count;
        var source = 0;
        var sink = n + m + 1;
        var graph = new Network(n + m + 2);
        for (var u = 0; u < n; u++)
        {
            graph.AddArc(source, 1 + u, 1, 0);
            graph.AddArc(1 + u, sink, 1, weights.Unmatched);
            for (var j = 0; j < m; j++)
            {
                graph.AddArc(1 + u, 1 + n + j, 1, input.PairTerms(weights, households[u], helpers[j]).Total);
            }
        }

        for (var j = 0; j < m; j++)
        {
            for (var load = input.Helpers[helpers[j]].Load; load < input.Capacity; load++)
            {
                graph.AddArc(1 + n + j, sink, 1, MatchingCosts.LoadCost(weights, load));
            }
        }

        for (var flow = 0; flow < n; flow++)
        {
            graph.AugmentShortestPath(source, sink);
        }

        for (var u = 0; u < n; u++)
        {
            foreach (var a in graph.ArcsOf(1 + u))
            {
                if (graph.To[a] > n && graph.To[a] <= n + m && graph.Capacity[a] == 0 && graph.Cost[a] >= 0)
                {
                    helperOf[households[u]] = helpers[graph.To[a] - 1 - n];
                }
            }
        }
    }

    private sealed class Network(int nodes)
    {
        private readonly List<int>[] _arcs = Enumerable.Range(0, nodes).Select(_ => new List<int>()).ToArray();
        private readonly long[] _potential = new long[nodes];
        public List<int> To { get; } = [];
        public List<int> Capacity { get; } = [];
        public List<long> Cost { get; } = [];

        public IEnumerable<int> ArcsOf(int node) => _arcs[node];

        public void AddArc(int from, int to, int capacity, long cost)
        {
            _arcs[from].Add(To.Count);
            To.Add(to);
            Capacity.Add(capacity);
            Cost.Add(cost);
            _arcs[to].Add(To.Count);
            To.Add(from);
            Capacity.Add(0);
            Cost.Add(-cost);
        }

        public void AugmentShortestPath(int source, int sink)
        {
            var distance = new long[nodes];
            var via = new int[nodes];
            Array.Fill(distance, long.MaxValue);
            distance[source] = 0;
            var heap = new PriorityQueue<int, long>();
            heap.Enqueue(source, 0);
            while (heap.TryDequeue(out var v, out var d))
            {
                if (d != distance[v])
                {
                    continue;
                }

                foreach (var a in _arcs[v])
                {
                    if (Capacity[a] == 0)
                    {
                        continue;
                    }

                    var w = To[a];
                    var next = d + Cost[a] + _potential[v] - _potential[w];
                    if (next < distance[w])
                    {
                        distance[w] = next;
                        via[w] = a;
                        heap.Enqueue(w, next);
                    }
                }
            }

            for (var v = 0; v < nodes; v++)
            {
                if (distance[v] != long.MaxValue)
                {
                    _potential[v] += distance[v];
                }
            }

            for (var v = sink; v != source; v = To[via[v] ^ 1])
            {
                Capacity[via[v]]--;
                Capacity[via[v] ^ 1]++;
            }
        }
    }
}
