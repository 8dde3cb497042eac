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


def test_settings_are_declared_once_and_documented():
    """Every SYNOVIA_* variable is declared in synovia.config, read nowhere else, and listed in
    the README's table with the same names."""
    import re as _re

    from synovia.config import VARIABLES

    declared = [v.name for v in VARIABLES]
    readers = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                     if p.name != "config.py" and _re.search(
                         r"environ(\.get)?[\[(]\s*[\"']SYNOVIA_", p.read_text(encoding="utf-8")))
    assert readers == []
    readme = (SRC.parents[1] / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `SYNOVIA_")]
    documented = [_re.match(r"\| `(SYNOVIA_\w+)`", line).group(1) for line in table]
    assert documented == declared


def test_a_bad_setting_is_a_clear_error():
    from synovia.config import SettingsError, settings_from

    for env, word in (({"SYNOVIA_EMBED_THREADS": "many"}, "EMBED_THREADS"),
                      ({"SYNOVIA_SMTP_PORT": "99999"}, "SMTP_PORT"),
                      ({"SYNOVIA_RATE_LIMITS": "ask=lots"}, "RATE_LIMITS")):
        with pytest.raises(SettingsError, match=word):
            settings_from({"SYNOVIA_DATABASE_URL": "sqlite://", **env})
    ok = settings_from({"SYNOVIA_DATABASE_URL": "postgres://u@h/db", "SYNOVIA_SMTP_PORT": "25",
                        "SYNOVIA_TRUST_PROXY": "1", "SYNOVIA_RATE_LIMITS": "ask=3/60"})
    assert ok.database_url.startswith("postgresql+psycopg://") and ok.smtp.port == 25
    assert ok.trust_proxy and ok.rate_limits == {"ask": (3, 60)}
