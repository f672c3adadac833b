"""Walking-network catchments with osmnx: the streets a person can walk within a distance of a station.

The catchment of a station is the set of street segments reachable within
``radius_m`` metres along the network (from the nearest node), buffered by
``edge_buffer_m`` on each side. Its pedshed ratio is its area over the area of
the circle of the same radius. Stations the network does not cover are skipped
and reported, never guessed.
"""

from __future__ import annotations

import bz2
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from geo import settings
from geo.catchments import QUAD_SEGS, check_radius
from geo.errors import NetworkFileError, problem

SNAP_LIMIT_M = 150.0  # a station farther than this from the network is not covered by it


@dataclass(frozen=True)
class WalkNetwork:
    """A projected (EPSG:32648) walking graph with its edges and the area it covers."""

    graph: nx.MultiDiGraph = field(repr=False)
    edges: gpd.GeoDataFrame = field(repr=False)
    hull: shapely.Geometry
    source: str


def load_walk_network(path: Path | str, *, label: str | None = None) -> WalkNetwork:
    """Read a street network from OSM XML (``.osm``, ``.osm.bz2``) or GraphML and project it to EPSG:32648.

    The file is checked before it is parsed (:func:`check_network_file`).

    Parameters
    ----------
    path : pathlib.Path or str
        The file.
    label : str or None
        The name shown in messages and kept as the network's source (default: the file name).

    Raises
    ------
    NetworkFileError
        If the file is missing, of another type, over a limit, declares XML entities,
        unreadable, or holds no street with a length.
    """
    import osmnx as ox

    path = Path(path)
    name = path.name.lower()
    if not path.exists():
        raise problem(NetworkFileError, "err.file_not_found", name=label or path.name)
    check_network_file(path, label=label or path.name)
    try:
        if name.endswith((".osm", ".osm.bz2", ".xml")):
            graph = ox.graph_from_xml(path, retain_all=True)
        elif name.endswith(".graphml"):
            graph = ox.load_graphml(path)
        else:
            raise problem(NetworkFileError, "err.network_suffix", name=label or path.name)
        graph = ox.project_graph(graph, to_crs=settings.CRS_MEASURE)
        edges = ox.graph_to_gdfs(graph, nodes=False)
    except NetworkFileError:
        raise
    except Exception as error:  # osmnx, networkx and lxml raise many types for a bad file
        raise problem(NetworkFileError, "err.network_unusable", name=label or path.name, detail=f"{type(error).__name__}: {error}") from error
    if edges.empty or "length" not in edges.columns:
        raise problem(NetworkFileError, "err.network_no_length", name=label or path.name)
    hull = shapely.convex_hull(shapely.multipoints(shapely.get_coordinates(edges.geometry.values)))
    return WalkNetwork(graph=graph, edges=edges, hull=hull, source=label or path.name)


def check_network_file(path: Path | str, *, label: str) -> None:
    """Refuse a street-network file over the size limits or declaring a DOCTYPE or entities, before parsing it.

    The file may be at most ``MAX_UPLOAD_BYTES``; a ``.bz2`` file is unpacked as a
    stream and refused as soon as it passes ``MAX_DECOMPRESSED_BYTES``. OSM XML and
    GraphML never need a DOCTYPE, so one (the way to an entity-expansion bomb) is refused.

    Raises
    ------
    NetworkFileError
        Naming the limit and the value found.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > settings.MAX_UPLOAD_BYTES:
        raise problem(NetworkFileError, "err.file_too_big", name=label, size=size / 2**20, limit=settings.MAX_UPLOAD_BYTES / 2**20)
    unpacker = bz2.BZ2Decompressor() if path.name.lower().endswith(".bz2") else None
    total, tail = 0, b""
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            try:
                chunk = unpacker.decompress(block, max_length=settings.MAX_DECOMPRESSED_BYTES + 1 - total) if unpacker else block
            except (OSError, EOFError) as error:
                raise problem(NetworkFileError, "err.bad_bz2", name=label, detail=str(error)) from error
            total += len(chunk)
            if total > settings.MAX_DECOMPRESSED_BYTES:
                raise problem(NetworkFileError, "err.unpacks_over", name=label, limit=settings.MAX_DECOMPRESSED_BYTES / 2**20)
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise problem(NetworkFileError, "err.doctype", name=label)
            tail = chunk[-16:]
            if unpacker and unpacker.eof:
                break


def walk_catchments(
    stations: gpd.GeoDataFrame,
    network: WalkNetwork,
    radius_m: float,
    *,
    edge_buffer_m: float = 25.0,
    progress: Callable[[float, str], None] | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Return walking catchments (EPSG:32648) of the stations the network covers, and the skipped ones.

    Parameters
    ----------
    stations : geopandas.GeoDataFrame
        Stations in any CRS with ``line`` and ``name``.
    network : WalkNetwork
        From :func:`load_walk_network`.
    radius_m : float
        Walking distance along the streets, in metres.
    edge_buffer_m : float
        Half-width of the walkable strip along each reached segment, in metres.
    progress : callable or None
        Called with (fraction done, station name) after each station.

    Returns
    -------
    catchments : geopandas.GeoDataFrame
        One polygon per covered station with ``pedshed_ratio`` (network area / circle area)
        and ``truncated`` (the circle reaches beyond the network's area).
    skipped : pandas.DataFrame
        Stations not covered (``name``, ``line``, ``reason``).
    """
    import osmnx as ox

    check_radius(radius_m)
    points = stations.geometry.to_crs(settings.CRS_MEASURE)
    node_ids = ox.distance.nearest_nodes(network.graph, points.x.to_numpy(), points.y.to_numpy())
    rows, geoms, skipped = [], [], []
    circle_area = math.pi * radius_m**2
    for position, (index, station) in enumerate(stations.iterrows()):
        point, node = points.iloc[position], node_ids[position]
        node_xy = shapely.Point(network.graph.nodes[node]["x"], network.graph.nodes[node]["y"])
        snap = point.distance(node_xy)
        if snap > SNAP_LIMIT_M or not network.hull.contains(point):
            skipped.append({"name": station["name"], "line": station["line"], "reason": f"not covered by {network.source}"})
        else:
            shape = _reach(network, node, radius_m - snap, edge_buffer_m)
            rows.append({**station.drop(labels="geometry").to_dict(), "station_id": index, "x_m": point.x, "y_m": point.y,
                         "pedshed_ratio": shape.area / circle_area,
                         "truncated": not network.hull.contains(point.buffer(radius_m, quad_segs=QUAD_SEGS))})  # fmt: skip
            geoms.append(shape)
        if progress:
            progress((position + 1) / len(stations), str(station["name"]))
    index = pd.Index([row.pop("station_id") for row in rows], name=stations.index.name)
    columns = [c for c in stations.columns if c != "geometry"] + ["x_m", "y_m", "pedshed_ratio", "truncated"]
    catchments = gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns, index=index), geometry=geoms, crs=settings.CRS_MEASURE)
    return catchments, pd.DataFrame(skipped, columns=["name", "line", "reason"])


def _reach(network: WalkNetwork, node, budget_m: float, edge_buffer_m: float) -> shapely.Geometry:
    lengths = nx.single_source_dijkstra_path_length(network.graph, node, cutoff=max(budget_m, 0.0), weight="length")
    pieces = []
    edges = network.edges
    starts = edges.index.get_level_values(0)
    reached = np.isin(starts, list(lengths))
    for (u, v, _key), row in edges[reached].iterrows():
        remaining = budget_m - lengths[u]
        geometry = row.geometry
        if v in lengths or remaining >= row["length"]:
            pieces.append(geometry)
        elif remaining > 0:
            pieces.append(substring(geometry, 0, remaining / max(row["length"], 1e-9), normalized=True))
    if not pieces:
        return shapely.Point(network.graph.nodes[node]["x"], network.graph.nodes[node]["y"]).buffer(edge_buffer_m)
    return shapely.union_all(shapely.buffer(np.array(pieces, dtype=object), edge_buffer_m, quad_segs=4))
