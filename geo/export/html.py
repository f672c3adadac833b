"""HTML writer: ``map.html``, the caller's rendered map made standalone (Leaflet inlined, no server, no internet).

geo/ does not import folium: the map is rendered by the caller (e.g.
:func:`layers.export_html.standalone_map_html`) and given as text.
"""

from __future__ import annotations

import re
from base64 import b64encode
from pathlib import Path
from typing import Final

from geo import settings
from geo.export.prepare import SnapshotData

MEMBER: Final[str] = "map.html"
LEAFLET_DIR: Final[Path] = settings.ROOT / "static" / "leaflet"
LEAFLET_JS_URL: Final[str] = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS_URL: Final[str] = "/app/static/leaflet/leaflet.css"


def write_html(data: SnapshotData) -> dict[str, bytes]:
    """Return ``{"map.html": bytes}`` from the snapshot's HTML map ({} when none was given)."""
    if data.html_map is None:
        return {}
    return {MEMBER: inline_leaflet(data.html_map).encode("utf-8")}


def inline_leaflet(html_text: str, *, leaflet_dir: Path = LEAFLET_DIR) -> str:
    """Return `html_text` with the app's local Leaflet links replaced by the inlined files.

    ``<script src="/app/static/leaflet/leaflet.js">`` becomes an inline script and
    the stylesheet link an inline ``<style>`` (its images as data URIs), so the
    page works from a file with no server and no internet. Other text is unchanged.
    """
    js = (leaflet_dir / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = (leaflet_dir / "leaflet.css").read_text(encoding="utf-8").replace("</style", "<\\/style")
    for image in sorted((leaflet_dir / "images").glob("*.png")):
        uri = "data:image/png;base64," + b64encode(image.read_bytes()).decode("ascii")
        css = css.replace(f"url(images/{image.name})", f"url({uri})")
    script = re.compile(r"<script[^>]*\bsrc=[\"']" + re.escape(LEAFLET_JS_URL) + r"[\"'][^>]*>\s*</script>", re.IGNORECASE)
    link = re.compile(r"<link[^>]*\bhref=[\"']" + re.escape(LEAFLET_CSS_URL) + r"[\"'][^>]*>", re.IGNORECASE)
    html_text = script.sub(lambda _: f"<script>{js}</script>", html_text)
    return link.sub(lambda _: f"<style>{css}</style>", html_text)
