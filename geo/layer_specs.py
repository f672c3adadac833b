"""The layer registry (data/layers.json) as frozen specs: layers are data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from geo import settings
from geo.errors import DataFileError

LAYERS_JSON = settings.LAYERS_JSON


@dataclass(frozen=True)
class LayerSpec:
    """How one layer is named, drawn and listed in the legend."""

    id: str
    label_vi: str
    label_en: str
    kind: str
    geometry: str
    color: str
    weight: int
    default_visible: bool
    tooltip_fields: tuple[str, ...]
    order: int
    statuses: tuple[str, ...] = ()  # the statuses a feature of this layer may have (empty: any known status)

    def label(self, lang: str = "vi") -> str:
        """Return the layer's name in `lang`."""
        return self.label_en if lang == "en" else self.label_vi


@dataclass(frozen=True)
class Registry:
    """All layer specs plus the status and geometry-quality styles."""

    layers: tuple[LayerSpec, ...]
    status_styles: dict[str, dict[str, object]]
    quality_styles: dict[str, dict[str, str]]

    def get(self, layer_id: str) -> LayerSpec:
        """Return the spec of `layer_id`; raise KeyError naming the known ids."""
        for spec in self.layers:
            if spec.id == layer_id:
                return spec
        msg = f"unknown layer {layer_id!r}; known: {[spec.id for spec in self.layers]}"
        raise KeyError(msg)

    def label(self, layer_id: str, lang: str = "vi") -> str:
        """Return the name of `layer_id` in `lang`, or the id itself when the registry does not know it."""
        for spec in self.layers:
            if spec.id == layer_id:
                return spec.label(lang)
        return layer_id

    def statuses(self) -> dict[str, tuple[str, ...]]:
        """Return each layer's allowed statuses (layers that list none are left out)."""
        return {spec.id: spec.statuses for spec in self.layers if spec.statuses}

    def ids(self, kind: str | None = None) -> tuple[str, ...]:
        """Return the layer ids, optionally only those of `kind` ("project" or "context")."""
        return tuple(spec.id for spec in sorted(self.layers, key=lambda s: s.order) if kind in (None, spec.kind))


def load_registry(path: Path | str = LAYERS_JSON) -> Registry:
    """Load the layer registry.

    Raises
    ------
    DataFileError
        If the file is missing, not JSON, or a layer lacks a field.
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        layers = tuple(
            LayerSpec(**{**item, "tooltip_fields": tuple(item.get("tooltip_fields", ())), "statuses": tuple(item.get("statuses", ()))})
            for item in raw["layers"]
        )
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as error:
        msg = f"{path}: cannot read the layer registry ({type(error).__name__}: {error})."
        raise DataFileError(msg) from error
    return Registry(layers=layers, status_styles=raw.get("status_styles", {}), quality_styles=raw.get("quality_styles", {}))
