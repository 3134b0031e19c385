"""The output folder: atomic part files, done markers and the lock.

A part is written to a temporary name, flushed to disk and renamed into place, and its done
marker is written the same way only after every part file of the unit exists. A run killed at any
instant therefore leaves either a complete unit (marker present) or one that is redone; never a
half-written file under a final name.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from spectrum.errors import InputError

PARTS = "parts"


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a folder be opened for fsync
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` then move tmp onto ``path`` durably."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes files private; outputs are meant to be shared
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def write_parquet(path: Path, tbl: pa.Table) -> None:
    """A table to Parquet, atomically."""
    atomic_write(path, lambda tmp: pq.write_table(tbl, tmp, compression="zstd"))


def write_json(path: Path, payload: Any) -> None:
    """JSON, atomically."""
    text = json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


class Store:
    """Where a run's parts and outputs live."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.parts = root / PARTS

    def part(self, kind: str, key: str, suffix: str = ".parquet") -> Path:
        """Where a unit's part of one kind lives; the key alone names it, so reruns find it."""
        return self.parts / kind / f"{key}{suffix}"

    def done(self, kind: str, key: str) -> dict[str, Any] | None:
        """The done marker of a unit, or None when it has to be (re)done."""
        path = self.part(kind, key, ".done.json")
        try:
            return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return None

    def mark_done(self, kind: str, key: str, payload: dict[str, Any]) -> None:
        """Commit a unit: written last, so its presence means every part of the unit is complete."""
        write_json(self.part(kind, key, ".done.json"), payload)

    def prune(self, kind: str, keep: set[str]) -> int:
        """Delete parts of units no longer in the plan (a file changed or left the corpus)."""
        removed = 0
        folder = self.parts / kind
        if not folder.is_dir():
            return 0
        for path in folder.iterdir():
            key = path.name.split(".", 1)[0]
            if key and key not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold ``root/.lock`` for the run; a lock left by a killed run on this host is taken over."""
    root.mkdir(parents=True, exist_ok=True)
    lock = root / ".lock"
    me = {"host": socket.gethostname(), "pid": os.getpid()}
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                owner = json.loads(lock.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                owner = {}
            if owner.get("host") == me["host"] and not _alive(int(owner.get("pid", 0))):
                lock.unlink(missing_ok=True)  # stale: its run was killed
                continue
            raise InputError(
                f"another run (pid {owner.get('pid', '?')} on {owner.get('host', '?')}) is writing here; "
                f"wait for it, or delete {lock.name} if it is gone", root) from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(me, fh)
        break
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
