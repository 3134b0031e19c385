"""Reading a trust's files ahead, in a forked process, gives exactly what reading them here gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import spectrum.ingest
from spectrum.readahead import ReadAhead, can_fork, read_items

needs_fork = pytest.mark.skipif(not can_fork(), reason="reading ahead needs fork and a second core (Linux)")


def _with_bad_files(folder: Path) -> list[Path]:
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 this is not a PDF")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return [folder, folder / "does-not-exist.md"]


@needs_fork
def test_read_ahead_gives_the_same_documents_and_problems_in_the_same_order(sample_folder: Path) -> None:
    paths = _with_bad_files(sample_folder)
    here = read_items(paths, {"*": "policy"}, None)
    with ReadAhead(paths, {"*": "policy"}, None) as ahead:
        got = ahead.items()
    assert ahead.ran_ahead
    assert got == here
    assert {type(i).__name__ for i in got} == {"Document", "FileProblem"}


def test_without_fork_the_files_are_read_here(sample_folder: Path) -> None:
    paths = _with_bad_files(sample_folder)
    with ReadAhead(paths, ahead=False) as ahead:
        got = ahead.items()
    assert not ahead.ran_ahead
    assert got == read_items(paths, None, None)


@needs_fork
def test_a_child_that_fails_is_replaced_by_reading_here(sample_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    real = spectrum.ingest.iter_documents

    def fails_in_child(*args: object, **kwargs: object) -> object:
        if os.getpid() != parent:
            raise RuntimeError("child crashed")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(spectrum.ingest, "iter_documents", fails_in_child)
    with ReadAhead([sample_folder]) as ahead:
        got = ahead.items()
    assert not ahead.ran_ahead
    assert got == list(real([sample_folder]))
    assert len(got) >= 7
