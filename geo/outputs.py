"""Where the project may write a file, and how: never into data/, never over a file unasked, atomically.

Every command that writes a file checks its target with :func:`checked_output`
and writes it with :func:`write_atomic` (a temporary file in the same folder,
renamed into place), so a failed write leaves the old file intact.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from geo import settings
from geo.errors import InvalidArgumentError


def checked_output(
    path: Path | str,
    *,
    force: bool = False,
    inputs: Iterable[Path | str] = (),
    suffixes: tuple[str, ...] = (),
    option: str = "-o",
) -> Path:
    """Return the resolved target of an output, or raise InvalidArgumentError saying why it is refused.

    Refused: a target inside the data of record (``data/``), one of the `inputs`,
    a folder, a file whose folder does not exist or is not writable, a name
    without one of `suffixes` (when given), and an existing file unless `force`.

    Parameters
    ----------
    path : pathlib.Path or str
        The output asked for.
    force : bool
        Replace an existing file (never an input and never inside ``data/``).
    inputs : iterable of path
        Files the command reads; the output may not be one of them.
    suffixes : tuple of str
        Allowed endings, e.g. ``(".zip",)``; empty: any.
    option : str
        The option's name, for the message.
    """
    raw = Path(path).expanduser()
    if str(path).strip() == "":
        msg = f"{option}: give a file name."
        raise InvalidArgumentError(msg)
    target = raw.resolve()
    if suffixes and not target.name.lower().endswith(suffixes):
        msg = f"{option} {path}: the file name must end in {' or '.join(suffixes)}."
        raise InvalidArgumentError(msg)
    if _inside_data(target):
        msg = (
            f"{option} {path}: data/ holds the data of record and is written only by the maintainers' builders "
            "(tools/); choose a folder outside it."
        )
        raise InvalidArgumentError(msg)
    for item in inputs:
        if Path(item).expanduser().resolve() == target:
            msg = f"{option} {path}: this is the input file; choose another output so the input is not overwritten."
            raise InvalidArgumentError(msg)
    if target.is_dir():
        msg = f"{option} {path}: this is a folder; give a file name."
        raise InvalidArgumentError(msg)
    parent = target.parent
    if not parent.is_dir():
        msg = f"{option} {path}: the folder {parent} does not exist; create it first or choose another."
        raise InvalidArgumentError(msg)
    if not os.access(parent, os.W_OK):
        msg = f"{option} {path}: the folder {parent} is not writable for this user."
        raise InvalidArgumentError(msg)
    if target.exists() and not force:
        msg = f"{option} {path}: the file exists; add --force to replace it, or choose another name."
        raise InvalidArgumentError(msg)
    return target


def write_atomic(target: Path | str, payload: bytes | Callable[[Path], None]) -> Path:
    """Write `payload` to `target` through a temporary file in the same folder, then rename it into place.

    Parameters
    ----------
    target : pathlib.Path or str
        The file to (re)place.
    payload : bytes or callable
        The bytes, or a function that writes the file at the temporary path it is given.

    Raises
    ------
    InvalidArgumentError
        If the folder cannot be written (the old file, if any, is left as it was).
    """
    target = Path(target)
    try:
        handle, scratch = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as error:
        msg = f"cannot write {target}: {error.strerror or error}."
        raise InvalidArgumentError(msg) from error
    scratch_path = Path(scratch)
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(payload, bytes):
                stream.write(payload)
        if not isinstance(payload, bytes):
            payload(scratch_path)
        os.replace(scratch_path, target)
    except OSError as error:
        msg = f"cannot write {target}: {error.strerror or error}."
        raise InvalidArgumentError(msg) from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            scratch_path.unlink()
    return target


def checked_output_folder(path: Path | str, *, option: str = "-o") -> Path:
    """Return the resolved output folder (created if its parent exists), refusing one inside ``data/``.

    Raises
    ------
    InvalidArgumentError
        If the folder is inside ``data/``, is a file, cannot be created, or is not writable.
    """
    target = Path(path).expanduser().resolve()
    if _inside_data(target):
        msg = f"{option} {path}: data/ holds the data of record and is written only by the maintainers' builders; choose a folder outside it."
        raise InvalidArgumentError(msg)
    if target.exists() and not target.is_dir():
        msg = f"{option} {path}: this is a file; give a folder."
        raise InvalidArgumentError(msg)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        msg = f"{option} {path}: cannot create the folder ({error.strerror or error})."
        raise InvalidArgumentError(msg) from error
    if not os.access(target, os.W_OK):
        msg = f"{option} {path}: the folder is not writable for this user."
        raise InvalidArgumentError(msg)
    return target


def _inside_data(target: Path) -> bool:
    """Return True when `target` is the data of record's folder or inside it (the repository's, or HANOI_DATA_DIR)."""
    folders = {settings.REPO_DATA_DIR.resolve(), settings.DATA_DIR.resolve()}
    return any(target == folder or folder in target.parents for folder in folders)
