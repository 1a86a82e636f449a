"""Positions for the server-drawn charts (power/interest grid, network map). Plain data in,
coordinates out; the templates draw the SVG."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable

import networkx as nx

GRID_SIZE = 500
GRID_MARGIN = 50
NETWORK_SIZE = 600
NETWORK_MARGIN = 70


def grid_points(profiles) -> list[dict]:
    """Place each stakeholder on the 1–5 power × interest grid; stakeholders on the same cell
    are spread on a small circle so none hides another."""
    cells: dict[tuple[int, int], list] = defaultdict(list)
    for profile in profiles:
        cells[(profile.power, profile.interest)].append(profile)
    step = (GRID_SIZE - 2 * GRID_MARGIN) / 4
    points = []
    for (power, interest), members in cells.items():
        centre_x = GRID_MARGIN + (interest - 1) * step
        centre_y = GRID_SIZE - GRID_MARGIN - (power - 1) * step
        radius = 0 if len(members) == 1 else min(step / 2.5, 8 + 3 * len(members))
        for index, profile in enumerate(members):
            angle = 2 * math.pi * index / len(members)
            points.append(
                {
                    "profile": profile,
                    "x": round(centre_x + radius * math.cos(angle), 1),
                    "y": round(centre_y + radius * math.sin(angle), 1),
                }
            )
    return points


def network_layout(node_ids, edges, *, seed: int = 1) -> dict:
    """A force-directed layout scaled into the drawing box."""
    graph: nx.Graph[Hashable] = nx.Graph()
    graph.add_nodes_from(node_ids)
    graph.add_edges_from((edge["source"], edge["target"]) for edge in edges)
    if not graph:
        return {}
    positions = nx.spring_layout(graph, seed=seed, k=1.5 / math.sqrt(len(graph)))
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    span_x = (max(xs) - min(xs)) or 1
    span_y = (max(ys) - min(ys)) or 1
    inner = NETWORK_SIZE - 2 * NETWORK_MARGIN
    return {
        node: (
            round(NETWORK_MARGIN + (x - min(xs)) / span_x * inner, 1),
            round(NETWORK_MARGIN + (y - min(ys)) / span_y * inner, 1),
        )
        for node, (x, y) in positions.items()
    }
