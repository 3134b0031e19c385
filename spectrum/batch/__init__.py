"""Batch runs over whole corpora: planned, sharded, resumable, local or on Dask."""

from spectrum.batch.run import OUTPUTS, Options, Progress, Summary, run_batch

__all__ = ["OUTPUTS", "Options", "Progress", "Summary", "run_batch"]
