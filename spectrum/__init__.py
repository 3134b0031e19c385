"""trust-spectrum: where each practice of a multi-academy trust sits, with evidence."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trust-spectrum")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+unknown"
