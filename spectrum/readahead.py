"""Read one trust's files in a second process while this one loads the engine.

Loading the engine (spaCy, the compiled rules, a scikit-learn model through skops) keeps one core
busy for several seconds, and reading PDF, DOCX and HTML files is about another second of pure
Python; a reviewer's machine usually has a second core, so the two can overlap. The child is
forked, so it starts with this process's modules already imported and costs no start-up. Where
``fork`` is not available (Windows, and macOS where it is unsafe), on a single core, or if the
child fails for any reason other than a user error, the files are read in this process as before:
the result never depends on whether the read ran ahead.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

from spectrum.errors import SpectrumError
from spectrum.models import Document, FileProblem


def read_items(paths: Sequence[Path], kinds: Mapping[str, str] | None,
               speakers: Mapping[str, Any] | None) -> list[Document | FileProblem]:
    """Every document and problem ``iter_documents`` yields for ``paths``, in its order."""
    from spectrum.ingest import iter_documents

    return list(iter_documents(paths, kinds, speakers))


def can_fork() -> bool:
    """Whether reading ahead can help and is safe here."""
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1


class ReadAhead:
    """Start reading at construction; ``items()`` gives what ``read_items`` would have given."""

    def __init__(self, paths: Sequence[Path], kinds: Mapping[str, str] | None = None,
                 speakers: Mapping[str, Any] | None = None, ahead: bool | None = None) -> None:
        self._args = (list(paths), kinds, speakers)
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[list[Document | FileProblem]] | None = None
        self.ran_ahead = False
        if ahead if ahead is not None else can_fork():
            try:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
                self._future = self._pool.submit(read_items, *self._args)
            except (OSError, ValueError, RuntimeError):
                self.close()

    def items(self) -> list[Document | FileProblem]:
        """The documents and problems, from the child if it finished, else read here."""
        if self._future is not None:
            try:
                result = self._future.result()
                self.ran_ahead = True
                return result
            except SpectrumError:
                raise  # an error in the user's input: reading here would raise the same one
            except Exception:  # a broken pool or an unpicklable result: read here instead
                pass
            finally:
                self.close()
        return read_items(*self._args)

    def close(self) -> None:
        """Stop the child, waiting for nothing."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
