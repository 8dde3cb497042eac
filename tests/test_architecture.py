"""The house plan, checked: arrows point down (jobs never import each other, shared engines
never import jobs, the evidence layer imports nothing above it), the packages do not import
each other in a cycle, and every package's declared face (`__all__`) names what it has."""

from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "synovia"
LAYERS = {
    "web": "interface", "cli": "interface", "__main__": "interface", "platform": "app",
    "ask": "job", "check": "job", "publish": "job", "directory": "job", "literature": "job",
    "grade": "engine", "search": "engine", "vocab": "engine", "text": "engine",
    "evidence": "base", "config": "base", "yamldata": "base", "__init__": "base",
}
MAY_IMPORT = {  # which layers each layer may import (besides its own package)
    "interface": {"interface", "app", "job", "engine", "base"},
    "app": {"job", "engine", "base"},
    "job": {"engine", "base"},
    "engine": {"engine", "base"},
    "base": {"base"},
}


def _edges() -> dict[tuple[str, str], set[str]]:
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        here = path.relative_to(SRC).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     else [])
            for name in names:
                if name.startswith("synovia."):
                    there = name.split(".")[1]
                    if there != here:
                        edges[(here, there)].add(str(path.relative_to(SRC)))
    return edges


def test_every_package_has_a_layer():
    packages = {p.relative_to(SRC).parts[0].removesuffix(".py") for p in SRC.rglob("*.py")}
    assert packages <= set(LAYERS), packages - set(LAYERS)


def test_arrows_point_down():
    wrong = {f"{a} -> {b}": sorted(files) for (a, b), files in _edges().items()
             if LAYERS[b] not in MAY_IMPORT[LAYERS[a]] or (LAYERS[a] == LAYERS[b] == "job")}
    assert wrong == {}


def test_no_import_cycles_between_packages():
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in _edges():
        graph[a].add(b)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(p for p in list(graph) if LAYERS[p] != "interface"
                    and reaches(p, p, {p}))
    assert cycles == []


@pytest.mark.parametrize("package", sorted(
    p.parent.name for p in SRC.glob("*/__init__.py") if LAYERS.get(p.parent.name) != "interface"))
def test_declared_faces_name_what_they_have(package):
    module = importlib.import_module(f"synovia.{package}")
    declared = getattr(module, "__all__", None)
    assert declared, f"synovia.{package} declares no __all__"
    assert len(declared) == len(set(declared)), "a name is declared twice"
    missing = [name for name in declared if not hasattr(module, name)]
    assert missing == []
