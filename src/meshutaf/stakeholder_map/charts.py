"""Positions for the stakeholder map's charts (power/interest grid, network map). Plain data in,
coordinates out; the templates and the map's script draw them."""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Hashable, Sequence

import networkx as nx
import numpy as np

from .models import HIGH

SCALE_MAX = 5  # power and interest run 1..5
GRID_EDGE = 4.0  # percent kept free inside the grid's frame
LABEL_CHARS = 22  # a map label longer than this is cut with an ellipsis
LABEL_CHAR_WIDTH = 7.2  # px per character of a 12 px label (Hebrew, Arabic, Latin alike)
LABEL_HEIGHT = 16.0
LABEL_GAP = 6.0  # px between boxes


def _cell_centre(value: int) -> float:
    """Percent along an axis for a value 1..5: the middles of five equal bands."""
    return (value - 0.5) / SCALE_MAX * 100


GRID_THRESHOLD = (HIGH - 1) / SCALE_MAX * 100  # where "high" power/interest begins, in percent


def grid_points(profiles) -> list[dict]:
    """Place each stakeholder on the 1–5 power × interest grid, in percent of the frame
    (`x` along interest from the inline start, `y` from the top down). Stakeholders in one cell
    are spread on a sunflower spiral, in a fixed order, and every point is kept inside the
    frame, so none hides another or falls outside."""
    cells: dict[tuple[int, int], list] = defaultdict(list)
    for profile in profiles:
        power = min(max(int(profile.power or 1), 1), SCALE_MAX)
        interest = min(max(int(profile.interest or 1), 1), SCALE_MAX)
        cells[(power, interest)].append(profile)
    band = 100 / SCALE_MAX
    points = []
    for (power, interest), members in sorted(cells.items()):
        members.sort(key=lambda profile: (profile.name, profile.pk))
        centre_x = _cell_centre(interest)
        centre_y = 100 - _cell_centre(power)
        spacing = min(band * 0.42 / math.sqrt(max(len(members), 1)), band * 0.22)
        for index, profile in enumerate(members):
            radius = spacing * math.sqrt(index)  # the first one sits in the middle
            angle = index * 2.399963  # the golden angle: an even, deterministic spread
            x = centre_x + radius * math.cos(angle)
            y = centre_y + radius * math.sin(angle)
            points.append(
                {
                    "profile": profile,
                    "x": round(min(max(x, GRID_EDGE), 100 - GRID_EDGE), 2),
                    "y": round(min(max(y, GRID_EDGE), 100 - GRID_EDGE), 2),
                }
            )
    return points


def short_label(name: str, limit: int = LABEL_CHARS) -> str:
    name = " ".join((name or "").split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def network_layout(
    nodes: Sequence[tuple[Hashable, str, float]], edges, *, seed: int = 1
) -> dict[Hashable, tuple[float, float]]:
    """`_network_layout`, remembered for the last few maps drawn: the layout of a few hundred
    stakeholders takes seconds, and the same map is viewed again and again between edits
    (any change to a node, label, size or tie makes a new key)."""
    return dict(_network_layout_cached(tuple(nodes), tuple(map(tuple, edges)), seed))


@functools.lru_cache(maxsize=16)
def _network_layout_cached(nodes: tuple, edges: tuple, seed: int) -> tuple:
    return tuple(_network_layout(nodes, edges, seed=seed).items())


def _network_layout(
    nodes: Sequence[tuple[Hashable, str, float]], edges, *, seed: int = 1
) -> dict[Hashable, tuple[float, float]]:
    """Positions in pixels at zoom 1 for nodes given as (id, label, diameter), so that no two
    nodes and their labels (drawn under the node in 12 px type) overlap: a force-directed
    layout spread out to the room the labels need, then boxes pushed apart until none
    overlap."""
    if not nodes:
        return {}
    graph: nx.Graph[Hashable] = nx.Graph()
    graph.add_nodes_from(node_id for node_id, _label, _size in nodes)
    graph.add_edges_from(
        (source, target) for source, target in edges if source in graph and target in graph
    )
    count = len(nodes)
    if count == 1:
        return {nodes[0][0]: (0.0, 0.0)}
    start = nx.spring_layout(graph, seed=seed, k=1.8 / math.sqrt(count), iterations=50)
    ids = [node_id for node_id, _label, _size in nodes]
    width = np.array(
        [max(len(label) * LABEL_CHAR_WIDTH, size) + LABEL_GAP for _id, label, size in nodes]
    )
    height = np.array([size + LABEL_HEIGHT + 4 + LABEL_GAP for _id, _label, size in nodes])
    xy = np.array([start[node_id] for node_id in ids], dtype=float)
    xy -= xy.mean(axis=0)
    # Stakeholders with no tie drift far out; bring every outlier back to the edge of the
    # crowd so the whole map fits the screen at a readable size.
    distance = np.linalg.norm(xy, axis=1)
    reach = 1.5 * float(np.median(distance)) or 1.0
    far = distance > reach
    xy[far] *= (reach / distance[far])[:, None]
    span = np.abs(xy).max() or 1.0
    side = math.sqrt(float((width * height).sum()) * 2.8)  # room for every box, and air
    xy = xy / span * side / 2
    # The box of a node and its label: the label hangs under the node.
    offset = np.full(count, (LABEL_HEIGHT + 4) / 2)
    centres = xy + np.column_stack([np.zeros(count), offset])
    jitter = np.random.default_rng(seed).uniform(-0.5, 0.5, size=(count, 2))
    centres += jitter
    half_w = width[:, None] / 2 + width[None, :] / 2
    half_h = height[:, None] / 2 + height[None, :] / 2
    for _round in range(300):
        dx = centres[:, 0][:, None] - centres[:, 0][None, :]
        dy = centres[:, 1][:, None] - centres[:, 1][None, :]
        over_x = half_w - np.abs(dx)
        over_y = half_h - np.abs(dy)
        overlap = (over_x > 0) & (over_y > 0)
        np.fill_diagonal(overlap, False)
        if not overlap.any():
            break
        along_x = overlap & (over_x / half_w <= over_y / half_h)
        along_y = overlap & ~along_x
        sign_x = np.where(dx >= 0, 1.0, -1.0)
        sign_y = np.where(dy >= 0, 1.0, -1.0)
        move_x = (np.where(along_x, over_x, 0.0) * sign_x).sum(axis=1) * 0.55
        move_y = (np.where(along_y, over_y, 0.0) * sign_y).sum(axis=1) * 0.55
        centres += np.column_stack([move_x, move_y])
    positions = centres - np.column_stack([np.zeros(count), offset])
    positions -= positions.mean(axis=0)
    return {
        node_id: (round(float(x), 1), round(float(y), 1))
        for node_id, (x, y) in zip(ids, positions, strict=True)
    }


def boxes_overlap(nodes, positions) -> list[tuple]:
    """Pairs of nodes whose node-and-label boxes overlap at zoom 1 (for tests and checks)."""
    boxes = []
    for node_id, label, size in nodes:
        x, y = positions[node_id]
        half = max(len(label) * LABEL_CHAR_WIDTH, size) / 2
        boxes.append((node_id, x - half, y - size / 2, x + half, y + size / 2 + LABEL_HEIGHT + 4))
    found = []
    for index, (a, ax1, ay1, ax2, ay2) in enumerate(boxes):
        for b, bx1, by1, bx2, by2 in boxes[index + 1 :]:
            if ax1 < bx2 and bx1 < ax2 and ay1 < by2 and by1 < ay2:
                found.append((a, b))
    return found
