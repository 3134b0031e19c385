"""Pausing the cyclic garbage collector around a batch leaves it as it was, even on error."""

from __future__ import annotations

import gc

import pytest

from spectrum.collector import collector_paused


def test_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested batches do not re-enable it early
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_is_restored_when_the_batch_fails() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a bad document")
    assert gc.isenabled()


def test_collector_stays_off_if_the_caller_had_turned_it_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
