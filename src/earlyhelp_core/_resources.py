"""Where the data shipped beside the code lives: inside the wheel, or in the source tree."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

__all__ = ["data_dir"]


def data_dir(name: str) -> Traversable:
    """``configs`` or ``schemas``: ``earlyhelp_core/<name>`` in an installed wheel, else the
    top-level folder of a source checkout (an editable install)."""
    packaged = resources.files("earlyhelp_core") / name
    if packaged.is_dir() and any(packaged.iterdir()):
        return packaged
    return Path(__file__).resolve().parents[2] / name
