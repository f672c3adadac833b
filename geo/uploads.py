"""Files a planner uploads for one reading (a population layer, a street network): kept in memory, never in data/.

An :class:`UploadShelf` keeps the last few uploads by the hash of their content (so a cache can key on
a short string) and refuses one over the size limit; a reader that needs a path gets a scratch copy
that is deleted as soon as it returns.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from geo import settings
from geo.errors import InvalidArgumentError, PlanningMapError, problem

__all__ = ["UploadShelf", "check_size", "over_limit", "read_scratch_copy"]

T = TypeVar("T")


def over_limit(name: str, size: int) -> dict[str, object] | None:
    """Return the values of the message ``err.file_too_big`` when `size` bytes exceed the upload limit, else None."""
    if size <= settings.MAX_UPLOAD_BYTES:
        return None
    return {"name": name, "size": size / 2**20, "limit": settings.MAX_UPLOAD_BYTES / 2**20}


def check_size(name: str, size: int, kind: type[PlanningMapError] = InvalidArgumentError) -> None:
    """Raise `kind` ("… MB, over the limit of … MB") when an upload of `size` bytes exceeds the limit."""
    values = over_limit(name, size)
    if values is not None:
        raise problem(kind, "err.file_too_big", **values)


def read_scratch_copy(name: str, content: bytes, reader: Callable[[Path, str], T]) -> T:
    """Return ``reader(path, name)`` on a scratch file holding `content` (the extension of `name`), deleted afterwards."""
    suffix = "".join(Path(name).suffixes[-2:]).lower() or ".bin"
    with tempfile.TemporaryDirectory(prefix="hanoi-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        return reader(path, name)


class UploadShelf:
    """The last `size` uploads, by content hash.

    Parameters
    ----------
    size : int
        How many uploads are kept; the oldest goes first.
    """

    def __init__(self, size: int = 6) -> None:
        self.size = size
        self._files: dict[str, tuple[str, bytes]] = {}

    def put(self, name: str, content: bytes) -> str:
        """Keep the file `name` and return its key (24 hex digits of its SHA-256).

        Raises
        ------
        InvalidArgumentError
            If it is larger than :data:`geo.settings.MAX_UPLOAD_BYTES` (the message names the file, its size and the limit).
        """
        check_size(name, len(content))
        key = hashlib.sha256(content).hexdigest()[:24]
        self._files.pop(key, None)
        self._files[key] = (name, content)
        while len(self._files) > self.size:
            self._files.pop(next(iter(self._files)))
        return key

    def read(self, key: str, reader: Callable[[Path, str], T]) -> T:
        """Return ``reader(path, name)`` on a scratch copy of the upload `key` (same extension), deleted afterwards.

        Raises
        ------
        KeyError
            If no upload is kept under `key` (it was never put, or pushed out by newer ones).
        """
        return read_scratch_copy(*self._files[key], reader)

    def __contains__(self, key: object) -> bool:
        return key in self._files

    def __len__(self) -> int:
        return len(self._files)
