"""Network analytics at scale: 10,000 people, 2,000 organisations, 50,000 relationships.

Times each metric of `meshutaf.stakeholder_map.network.analyse` on a generated map (seeded, so
every run sees the same graph) and reports the process's peak memory, ending with one JSON
line. Target from issue 3: all metrics in 10 s or less, peak memory 1 GiB or less.
"""

import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import networkx as nx

from meshutaf.stakeholder_map import network

PEOPLE, ORGANISATIONS, TIES = 10_000, 2_000, 50_000
SECTORS = [
    "government",
    "local_authority",
    "civil_society",
    "business",
    "philanthropy",
    "academia",
    "community",
    "media",
]


def generate(seed: int = 7):
    rng = random.Random(seed)
    nodes = [
        network.Node(f"o{i}", rng.choice(SECTORS), active=rng.random() < 0.4)
        for i in range(ORGANISATIONS)
    ]
    people = [f"p{i}" for i in range(PEOPLE)]
    home = {person: f"o{rng.randrange(ORGANISATIONS)}" for person in people}
    nodes += [network.Node(p, None, active=rng.random() < 0.3) for p in people]
    ties = [network.Tie(person, organisation, 3.0) for person, organisation in home.items()]
    # The rest: people mostly tied to people of nearby organisations (a clustered field).
    while len(ties) < TIES:
        a = rng.randrange(PEOPLE)
        b = (a + int(rng.gauss(0, 200))) % PEOPLE if rng.random() < 0.8 else rng.randrange(PEOPLE)
        if a != b:
            ties.append(network.Tie(f"p{a}", f"p{b}", float(rng.randint(1, 3))))
    return nodes, ties


def timed(label, function, figures):
    start = time.perf_counter()
    result = function()
    figures[label] = round(time.perf_counter() - start, 2)
    print(f"{label:26} {figures[label]:6.2f} s")
    return result


def main() -> None:
    figures: dict = {}
    nodes, ties = timed("generate", generate, figures)
    graph = timed("build", lambda: network.build_graph(nodes, ties), figures)
    timed("degree", lambda: nx.degree_centrality(graph), figures)
    timed(
        "betweenness_and_closeness",
        lambda: network.sampled_paths(graph, samples=network.SAMPLE_SIZE, seed=0),
        figures,
    )
    timed("eigenvector", lambda: network._eigenvector(graph), figures)
    timed("communities", lambda: network._communities(graph, seed=0), figures)
    timed("brokers", lambda: network.brokers(graph), figures)
    timed("coverage", lambda: network.sector_coverage(nodes), figures)
    start = time.perf_counter()
    result = network.analyse(nodes, ties)
    figures["analyse_total_s"] = round(time.perf_counter() - start, 2)
    figures["peak_memory_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["nodes"], figures["ties"] = result["counts"]["nodes"], result["counts"]["ties"]
    figures["communities_found"] = len(result["communities"])
    figures["brokers_found"] = len(result["brokers"])
    print(
        f"whole analysis {figures['analyse_total_s']:.2f} s, "
        f"peak memory {figures['peak_memory_mib']} MiB (targets: 10 s, 1024 MiB)"
    )
    print(json.dumps({"benchmark": "network", **figures}))


if __name__ == "__main__":
    main()
