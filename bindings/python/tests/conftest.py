"""Shared fixtures: the repository's cross-language vectors and the sandbox."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

pytest_plugins = ["x_api_auth.testing"]

VECTORS = pathlib.Path(__file__).resolve().parents[3] / "tests" / "vectors"


def load_vectors(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture
def vectors() -> Any:
    return load_vectors
