"""Network analytics of a stakeholder map: pure computation, no database.

Input is plain data (nodes with a sector, weighted ties); output is plain data (metrics per
node, communities, brokers, sector coverage), so it can be tested and benchmarked alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import networkx as nx

# Above this many nodes, betweenness and closeness are estimated from a sample of sources.
EXACT_LIMIT = 2000
SAMPLE_SIZE = 200


@dataclass(frozen=True)
class Node:
    id: str
    sector: str | None = None
    active: bool = False  # taking part now (supportive or leading, or active consent)


@dataclass(frozen=True)
class Tie:
    source: str
    target: str
    weight: float = 1.0
    id: int | None = None


def build_graph(nodes: Iterable[Node], ties: Iterable[Tie]) -> nx.Graph:
    """An undirected simple graph; parallel ties keep the strongest weight."""
    graph: nx.Graph[str] = nx.Graph()
    for node in nodes:
        graph.add_node(node.id, sector=node.sector, active=node.active)
    for tie in ties:
        if tie.source == tie.target or tie.source not in graph or tie.target not in graph:
            continue
        weight = (
            max(tie.weight, graph.edges[tie.source, tie.target]["weight"])
            if graph.has_edge(tie.source, tie.target)
            else tie.weight
        )
        graph.add_edge(tie.source, tie.target, weight=weight)
    return graph


def analyse(
    nodes: Sequence[Node], ties: Iterable[Tie], *, seed: int = 0, all_sectors: Sequence[str] = ()
) -> dict:
    graph = build_graph(nodes, ties)
    size = graph.number_of_nodes()
    sampled = size > EXACT_LIMIT
    degree = nx.degree_centrality(graph) if size > 1 else dict.fromkeys(graph, 0.0)
    if sampled:
        betweenness, closeness = sampled_paths(graph, samples=SAMPLE_SIZE, seed=seed)
    else:
        betweenness = nx.betweenness_centrality(graph, normalized=True)
        closeness = nx.closeness_centrality(graph)
    eigenvector = _eigenvector(graph)
    communities = _communities(graph, seed=seed)
    community_of = {node: index for index, members in enumerate(communities) for node in members}
    metrics = {
        node: {
            "degree": round(degree.get(node, 0.0), 6),
            "betweenness": round(betweenness.get(node, 0.0), 6),
            "closeness": round(closeness.get(node, 0.0), 6),
            "eigenvector": round(eigenvector.get(node, 0.0), 6),
            "community": community_of.get(node),
        }
        for node in graph
    }
    return {
        "nodes": metrics,
        "communities": [sorted(members) for members in communities],
        "brokers": brokers(graph),
        "sector_coverage": sector_coverage(nodes, all_sectors=all_sectors),
        "counts": {"nodes": size, "ties": graph.number_of_edges()},
        "approximate": sampled,
    }


def sampled_paths(graph: nx.Graph, *, samples: int, seed: int) -> tuple[dict, dict]:
    """Betweenness (Brandes, from a random sample of sources, scaled as networkx does) and
    closeness (Eppstein and Wang's estimate from the same breadth-first searches).

    The searches run level by level as sparse matrix products over batches of sources, so a
    map of 12,000 stakeholders takes seconds rather than minutes. Ties count as unweighted
    steps, as in networkx's betweenness without a weight."""
    import numpy as np
    from scipy import sparse

    order = list(graph)
    size = len(order)
    index = {node: position for position, node in enumerate(order)}
    rows = [index[a] for a, b in graph.edges] + [index[b] for a, b in graph.edges]
    cols = [index[b] for a, b in graph.edges] + [index[a] for a, b in graph.edges]
    adjacency = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(size, size), dtype=np.float64
    )
    rng = np.random.default_rng(seed)
    sources = rng.choice(size, size=min(samples, size), replace=False)
    dependency = np.zeros(size)
    distance_sum = np.zeros(size)
    reached = np.zeros(size)
    for batch in np.array_split(sources, max(1, len(sources) // 32)):
        columns = np.arange(len(batch))
        sigma = np.zeros((size, len(batch)))
        distance = np.full((size, len(batch)), -1, dtype=np.int32)
        sigma[batch, columns] = 1.0
        distance[batch, columns] = 0
        frontier = sigma.copy()
        level = 0
        while frontier.any():
            level += 1
            paths = np.asarray(adjacency @ frontier)  # a dense array already (for the stubs)
            new = (distance < 0) & (paths > 0)
            distance[new] = level
            sigma[new] = paths[new]
            frontier = np.where(new, sigma, 0.0)
        delta = np.zeros_like(sigma)
        for depth in range(level - 1, 0, -1):
            at_depth = distance == depth
            share = np.where(at_depth, (1.0 + delta) / np.where(sigma > 0, sigma, 1.0), 0.0)
            upward = adjacency @ share
            before = distance == depth - 1
            delta += np.where(before, sigma * upward, 0.0)
        delta[batch, columns] = 0.0
        dependency += delta.sum(axis=1)
        positive = distance > 0
        distance_sum += np.where(positive, distance, 0).sum(axis=1)
        reached += positive.sum(axis=1)
    count = len(sources)
    scale = (1 / ((size - 1) * (size - 2))) * size / count if size > 2 else 0.0
    betweenness = {node: float(dependency[i] * scale) for i, node in enumerate(order)}
    is_source = np.zeros(size, dtype=bool)
    is_source[sources] = True
    closeness = {}
    for i, node in enumerate(order):
        if not reached[i]:
            closeness[node] = 0.0
            continue
        mean_distance = distance_sum[i] / reached[i]
        # Of the sources other than this node itself, the share that reached it.
        reachable = reached[i] / (count - is_source[i]) * (size - 1)
        closeness[node] = float((1 / mean_distance) * (reachable / (size - 1)))
    return betweenness, closeness


def _eigenvector(graph: nx.Graph) -> dict:
    if graph.number_of_edges() == 0:
        return dict.fromkeys(graph, 0.0)
    result: dict = {}
    # Per connected piece: on a graph in pieces the leading eigenvector ignores all but one.
    for piece in nx.connected_components(graph):
        if len(piece) < 2:
            result.update(dict.fromkeys(piece, 0.0))
            continue
        subgraph = graph.subgraph(piece)
        try:
            if len(piece) > 200:  # sparse eigen-solver: pure-Python power iteration is slow
                values = nx.eigenvector_centrality_numpy(subgraph, weight="weight")
            else:
                values = nx.eigenvector_centrality(
                    subgraph, max_iter=500, tol=1e-6, weight="weight"
                )
        except (nx.PowerIterationFailedConvergence, nx.NetworkXError):
            values = dict.fromkeys(piece, 0.0)
        share = len(piece) / graph.number_of_nodes()
        result.update({node: value * share for node, value in values.items()})
    return result


def _communities(graph: nx.Graph, *, seed: int) -> list[set]:
    """Louvain communities. igraph's implementation (in C) is used for large maps, where
    networkx's takes several seconds; both optimise the same modularity."""
    if graph.number_of_edges() == 0:
        return [{node} for node in graph]
    if graph.number_of_nodes() > EXACT_LIMIT:
        found = _louvain_igraph(graph, seed=seed)
    else:
        found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    return sorted(found, key=lambda members: (-len(members), min(members)))


def _louvain_igraph(graph: nx.Graph, *, seed: int) -> list[set]:
    import random

    import igraph

    order = list(graph)
    index = {node: position for position, node in enumerate(order)}
    converted = igraph.Graph(n=len(order), edges=[(index[a], index[b]) for a, b in graph.edges])
    converted.es["weight"] = [data["weight"] for _a, _b, data in graph.edges(data=True)]
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311 (not secrecy)
    clusters = converted.community_multilevel(weights="weight")
    return [{order[i] for i in members} for members in clusters]


def brokers(graph: nx.Graph) -> list[dict]:
    """Stakeholders whose removal leaves some pair of sectors with no path between any of their
    members, with the pairs they alone hold together.

    Only two kinds of node can do that: a cut vertex, and the last member of its sector in its
    piece of the network. Cut vertices are judged on the block-cut tree, so each costs no more
    than its own neighbourhood in that tree."""
    sector_of = graph.nodes
    pieces = list(nx.connected_components(graph))
    piece_sectors = [
        Counter(sector_of[n]["sector"] for n in p if sector_of[n]["sector"]) for p in pieces
    ]
    everywhere = sum(piece_sectors, Counter())
    result = []
    for index, piece in enumerate(pieces):
        total = piece_sectors[index]
        if len(piece) < 2 or len(total) < 2:
            continue
        elsewhere = set()
        for other, counts in enumerate(piece_sectors):
            if other != index:
                elsewhere |= set(combinations(sorted(counts), 2))
        subgraph = graph.subgraph(piece)
        cut_vertices = set(nx.articulation_points(subgraph))
        remainders: dict = {}
        if cut_vertices:
            tree, own = _block_cut_tree(subgraph, cut_vertices)
            below = _subtree_counts(tree, own)
            root = next(iter(tree))
            parents = dict(nx.bfs_predecessors(tree, root))
            for vertex in cut_vertices:
                node = ("cut", vertex)
                parts = [below[child] for child in tree[node] if parents.get(child) == node]
                rest = total - below[node]
                if sum(rest.values()):
                    parts.append(rest)
                remainders[vertex] = parts
        for vertex in piece:
            sector = sector_of[vertex]["sector"]
            if vertex not in remainders and sector and total[sector] == 1:
                remainders[vertex] = [total - Counter([sector])]
        for vertex, parts in remainders.items():
            sector = sector_of[vertex]["sector"]
            remaining = everywhere - Counter([sector] if sector else [])
            separated = {
                pair
                for pair in _separated_pairs(total, parts)
                if remaining[pair[0]] and remaining[pair[1]] and pair not in elsewhere
            }
            if separated:
                result.append(
                    {
                        "id": vertex,
                        "sector": sector,
                        "separated_sectors": [list(pair) for pair in sorted(separated)],
                    }
                )
    return sorted(result, key=lambda broker: (-len(broker["separated_sectors"]), broker["id"]))


def _block_cut_tree(graph: nx.Graph, cut_vertices: set) -> tuple[nx.Graph, dict]:
    tree: nx.Graph[tuple[str, int | str]] = nx.Graph()
    own: dict = {}
    for index, block in enumerate(nx.biconnected_components(graph)):
        block_node = ("block", index)
        own[block_node] = Counter(
            graph.nodes[node]["sector"]
            for node in block
            if node not in cut_vertices and graph.nodes[node]["sector"]
        )
        tree.add_node(block_node)
        # types-networkx has each block as a list of sets; networkx gives a set of nodes.
        for vertex in block & cut_vertices:  # type: ignore[operator]
            tree.add_edge(block_node, ("cut", vertex))
    for vertex in cut_vertices:
        sector = graph.nodes[vertex]["sector"]
        own[("cut", vertex)] = Counter([sector] if sector else [])
    return tree, own


def _subtree_counts(tree: nx.Graph, own: dict) -> dict:
    root = next(iter(tree))
    below: dict[object, Counter[str]] = {}
    for node in reversed(list(nx.dfs_preorder_nodes(tree, root))):
        counts = Counter(own[node])
        for child in tree[node]:
            if child in below:
                counts += below[child]
        below[node] = counts
    return below


def _separated_pairs(total: Counter, pieces: list[Counter]) -> set:
    """Pairs of sectors together in `total` that no remaining piece holds together."""
    present = set(total)
    together: set[tuple[str, str]] = set()
    for piece in pieces:
        sectors = sorted(sector for sector, count in piece.items() if count > 0)
        together.update(combinations(sectors, 2))
    return {pair for pair in combinations(sorted(present), 2) if pair not in together}


def sector_coverage(
    nodes: Sequence[Node], *, thin_ratio: float = 0.5, all_sectors: Sequence[str] = ()
) -> dict:
    """Per sector: how many stakeholders are on the map and how many take part now. A sector
    is *absent* when it is on the map but nobody from it takes part, and *thin* when its share
    of those taking part is under `thin_ratio` of its share of the map."""
    on_map = Counter(node.sector for node in nodes if node.sector)
    active = Counter(node.sector for node in nodes if node.sector and node.active)
    map_total, active_total = sum(on_map.values()), sum(active.values())
    sectors = {}
    for sector, count in sorted(on_map.items()):
        map_share = count / map_total
        active_share = active[sector] / active_total if active_total else 0.0
        if active[sector] == 0:
            status = "absent"
        elif active_share < thin_ratio * map_share:
            status = "thin"
        else:
            status = "ok"
        sectors[sector] = {
            "on_map": count,
            "active": active[sector],
            "map_share": round(map_share, 4),
            "active_share": round(active_share, 4),
            "status": status,
        }
    return {
        "sectors": sectors,
        "absent": [sector for sector, row in sectors.items() if row["status"] == "absent"],
        "thin": [sector for sector, row in sectors.items() if row["status"] == "thin"],
        "missing_from_map": [sector for sector in all_sectors if sector not in on_map],
    }
