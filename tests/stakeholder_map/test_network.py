"""The network analytics module, on plain data."""

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from meshutaf.stakeholder_map import network
from meshutaf.stakeholder_map.network import Node, Tie, analyse, brokers, build_graph


def test_a_bridge_person_is_a_broker():
    nodes = [Node("gov", "government"), Node("bridge", "civil_society"), Node("biz", "business")]
    ties = [Tie("gov", "bridge"), Tie("bridge", "biz")]
    result = analyse(nodes, ties)
    assert [broker["id"] for broker in result["brokers"]] == ["bridge"]
    assert result["brokers"][0]["separated_sectors"] == [["business", "government"]]
    assert result["nodes"]["bridge"]["betweenness"] == 1.0
    assert result["nodes"]["bridge"]["degree"] == 1.0


def test_no_broker_when_another_path_exists():
    nodes = [Node(name, sector) for name, sector in [("a", "x"), ("b", "y"), ("c", "z")]]
    ties = [Tie("a", "b"), Tie("b", "c"), Tie("c", "a")]
    assert analyse(nodes, ties)["brokers"] == []


def test_cut_vertex_that_only_isolates_its_own_sector_is_no_broker():
    # Cutting "hub" strands "leaf", but another node of the leaf's sector stays connected.
    nodes = [Node("hub", "x"), Node("leaf", "y"), Node("other", "y"), Node("third", "x")]
    ties = [Tie("hub", "leaf"), Tie("hub", "other"), Tie("other", "third"), Tie("third", "hub")]
    assert analyse(nodes, ties)["brokers"] == []


def _brute_force_brokers(graph):
    def connected_pairs(g):
        pairs = set()
        for piece in nx.connected_components(g):
            sectors = sorted({g.nodes[n]["sector"] for n in piece})
            pairs |= {(a, b) for i, a in enumerate(sectors) for b in sectors[i + 1 :]}
        return pairs

    found = set()
    for node in graph:
        smaller = graph.copy()
        smaller.remove_node(node)
        remaining = {smaller.nodes[n]["sector"] for n in smaller}
        before = {
            pair for pair in connected_pairs(graph) if pair[0] in remaining and pair[1] in remaining
        }
        if before - connected_pairs(smaller):
            found.add(node)
    return found


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=3, max_value=12).flatmap(
        lambda size: st.tuples(
            st.lists(st.sampled_from("abc"), min_size=size, max_size=size),
            st.lists(
                st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=size * 2
            ),
        )
    )
)
def test_brokers_match_brute_force(data):
    sectors, pairs = data
    nodes = [Node(str(index), sector) for index, sector in enumerate(sectors)]
    ties = [Tie(str(a), str(b)) for a, b in pairs]
    graph = build_graph(nodes, ties)
    assert {broker["id"] for broker in brokers(graph)} == _brute_force_brokers(graph)


def test_sector_coverage_absent_and_thin():
    nodes = (
        [Node(f"g{i}", "government", active=True) for i in range(5)]
        + [Node(f"c{i}", "civil_society", active=i == 0) for i in range(5)]
        + [Node(f"b{i}", "business") for i in range(3)]
    )
    coverage = network.sector_coverage(nodes, all_sectors=["government", "academia"])
    assert coverage["absent"] == ["business"]
    assert coverage["thin"] == ["civil_society"]
    assert coverage["missing_from_map"] == ["academia"]
    assert coverage["sectors"]["government"]["status"] == "ok"


def test_sampled_metrics_track_exact_ones(monkeypatch):
    graph = nx.connected_watts_strogatz_graph(400, 6, 0.2, seed=3)
    nodes = [Node(str(n), "x") for n in graph]
    ties = [Tie(str(a), str(b)) for a, b in graph.edges]
    exact = analyse(nodes, ties)["nodes"]
    monkeypatch.setattr(network, "EXACT_LIMIT", 100)
    monkeypatch.setattr(network, "SAMPLE_SIZE", 150)
    approximate = analyse(nodes, ties)
    assert approximate["approximate"] is True
    for metric in ("closeness", "betweenness"):
        pairs = [(exact[n][metric], approximate["nodes"][n][metric]) for n in exact]
        import statistics

        correlation = statistics.correlation([a for a, _ in pairs], [b for _, b in pairs])
        assert correlation > 0.9, (metric, correlation)


def test_empty_and_isolated():
    assert analyse([], [])["counts"] == {"nodes": 0, "ties": 0}
    result = analyse([Node("a", "x"), Node("b", "y")], [])
    assert result["nodes"]["a"]["eigenvector"] == 0.0
    assert result["brokers"] == []


def test_vectorised_brandes_equals_networkx_when_every_source_is_sampled():
    graph = nx.connected_watts_strogatz_graph(120, 4, 0.3, seed=5)
    graph.add_edges_from([(200, 201), (201, 202)])  # a second piece
    betweenness, closeness = network.sampled_paths(graph, samples=10_000, seed=0)
    exact_b = nx.betweenness_centrality(graph, normalized=True)
    exact_c = nx.closeness_centrality(graph)
    for node in graph:
        assert abs(betweenness[node] - exact_b[node]) < 1e-9, node
        assert abs(closeness[node] - exact_c[node]) < 1e-9, node


def test_large_map_uses_igraph_louvain(monkeypatch):
    graph = nx.connected_caveman_graph(6, 8)
    nodes = [Node(str(n), "x") for n in graph]
    ties = [Tie(str(a), str(b)) for a, b in graph.edges]
    monkeypatch.setattr(network, "EXACT_LIMIT", 10)
    result = analyse(nodes, ties)
    assert len(result["communities"]) == 6
    assert sum(len(c) for c in result["communities"]) == 48
