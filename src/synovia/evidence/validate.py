"""Read and check the curated evidence files: schema, unique ids, DOIs, references and
vocabulary. Every problem names its file and line; nothing is half-accepted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from synovia.evidence.models import (
    RECORD_TYPES,
    EvidenceBase,
    Finding,
    PathwayStep,
    Recommendation,
    RegulatoryStatus,
    Source,
)
from synovia.evidence.yamlfile import YamlError, line_of, read_yaml, strip_marks


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class KnownTerms:
    """The vocabulary ids a record may use (passed in, so this layer never imports vocab)."""

    treatments: set[str] = field(default_factory=set)
    joints: set[str] = field(default_factory=set)
    outcomes: set[str] = field(default_factory=set)
    contexts: set[str] = field(default_factory=set)


@dataclass
class _Located:
    record: Any
    path: Path
    raw: dict[str, Any]


def evidence_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file()) + sorted(
        p for p in folder.glob("*.yml") if p.is_file()
    )


def _pydantic_problems(exc: ValidationError, path: Path, raw: dict[str, Any]) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        key = loc[0] if loc else None
        where = ".".join(loc) if loc else "record"
        message = err["msg"].removeprefix("Value error, ")
        rid = raw.get("id", "?")
        problems.append(Problem(path, line_of(raw, key), f"{rid}: {where}: {message}"))
    return problems


def _parse_file(path: Path, located: dict[str, list[_Located]]) -> list[Problem]:
    try:
        data = read_yaml(path)
    except YamlError as exc:
        return [Problem(path, exc.line, exc.message)]
    if data is None:
        return []
    if not isinstance(data, dict):
        return [Problem(path, 1, "top level must be a mapping of record lists")]
    problems: list[Problem] = []
    for key in data:
        if key.startswith("__"):
            continue
        model = RECORD_TYPES.get(key)
        if model is None:
            known = ", ".join(RECORD_TYPES)
            problems.append(Problem(path, line_of(data, key), f"unknown section {key!r} ({known})"))
            continue
        items = data[key] or []
        if not isinstance(items, list):
            problems.append(Problem(path, line_of(data, key), f"{key} must be a list"))
            continue
        for item in items:
            if not isinstance(item, dict):
                problems.append(Problem(path, line_of(data, key),
                                        f"{key}: each entry must be a mapping"))
                continue
            try:
                record = model.model_validate(strip_marks(item))
            except ValidationError as exc:
                problems.extend(_pydantic_problems(exc, path, item))
                continue
            located[key].append(_Located(record, path, item))
    return problems


def _check_vocab(loc: _Located, terms: KnownTerms) -> Iterable[Problem]:
    rec = loc.record
    if isinstance(rec, Finding | PathwayStep):
        treatments, joints = rec.treatments, getattr(rec, "joints", [])
    elif isinstance(rec, Recommendation | RegulatoryStatus):
        treatments, joints = [rec.treatment], [j for j in [getattr(rec, "joint", None)] if j]
    elif isinstance(rec, Source):
        treatments, joints = rec.treatments, rec.population.joints
    else:  # pragma: no cover - every record type is handled above
        return
    if terms.treatments:
        for t in treatments:
            if t not in terms.treatments:
                key = "treatments" if "treatments" in loc.raw else "treatment"
                yield Problem(loc.path, line_of(loc.raw, key),
                              f"{rec.id}: unknown treatment id {t!r}")
    if terms.joints:
        for j in joints:
            if j not in terms.joints:
                key = ("joints" if "joints" in loc.raw
                       else ("joint" if "joint" in loc.raw else "population"))
                yield Problem(loc.path, line_of(loc.raw, key), f"{rec.id}: unknown joint id {j!r}")
    if isinstance(rec, Finding):
        if terms.outcomes and rec.outcome not in terms.outcomes:
            yield Problem(loc.path, line_of(loc.raw, "outcome"),
                          f"{rec.id}: unknown outcome id {rec.outcome!r}")
        if terms.contexts:
            for c in rec.context:
                if c not in terms.contexts:
                    yield Problem(loc.path, line_of(loc.raw, "context"),
                                  f"{rec.id}: unknown context id {c!r}")


def read_evidence(folder: Path,
                  terms: KnownTerms | None = None) -> tuple[EvidenceBase, list[Problem]]:
    """Everything in `folder`, and every problem found.

    Callers must not load when problems exist."""
    terms = terms or KnownTerms()
    located: dict[str, list[_Located]] = {key: [] for key in RECORD_TYPES}
    problems: list[Problem] = []
    if not folder.is_dir():
        return EvidenceBase(), [Problem(folder, 1, "evidence folder does not exist")]
    for path in evidence_files(folder):
        problems.extend(_parse_file(path, located))

    base = EvidenceBase()
    first_seen: dict[str, _Located] = {}
    for key, items in located.items():
        target = getattr(base, key)
        for loc in items:
            rid = loc.record.id
            if rid in first_seen:
                prev = first_seen[rid]
                problems.append(Problem(
                    loc.path, line_of(loc.raw, "id"),
                    f"duplicate id {rid!r} (first at {prev.path}:{line_of(prev.raw, 'id')})",
                ))
                continue
            first_seen[rid] = loc
            target[rid] = loc.record

    dois: dict[str, _Located] = {}
    for loc in located["sources"]:
        doi = loc.record.doi
        if doi and doi in dois and dois[doi].record.id != loc.record.id:
            prev = dois[doi]
            problems.append(Problem(
                loc.path, line_of(loc.raw, "doi"),
                f"{loc.record.id}: DOI {doi} already used by {prev.record.id} "
                f"({prev.path}:{line_of(prev.raw, 'doi')})",
            ))
        elif doi:
            dois[doi] = loc

    for key in ("findings", "recommendations", "regulatory", "pathway"):
        for loc in located[key]:
            refs = loc.record.sources if key == "pathway" else [loc.record.source]
            for ref in refs:
                if ref not in base.sources:
                    field_name = "sources" if key == "pathway" else "source"
                    problems.append(Problem(
                        loc.path, line_of(loc.raw, field_name),
                        f"{loc.record.id}: refers to source {ref!r}, which does not exist",
                    ))
    strength = {"verified": 3, "secondary": 2, "memory": 1, "unverified": 0}
    for key in ("findings", "recommendations", "regulatory"):
        for loc in located[key]:
            src = base.sources.get(loc.record.source)
            if src is not None and strength[loc.record.verification] > strength[src.verification]:
                # A record cannot be surer than the source it rests on.
                problems.append(Problem(
                    loc.path, line_of(loc.raw, "verification"),
                    f"{loc.record.id}: tagged {loc.record.verification}, but its source "
                    f"{src.id} is only {src.verification}"))
    for items in located.values():
        for loc in items:
            problems.extend(_check_vocab(loc, terms))
    problems.sort(key=lambda p: (str(p.path), p.line))
    return base, problems
