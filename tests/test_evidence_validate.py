"""`synovia evidence validate`: passes on the shipped data, fails with file:line on bad files."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DATA, run_cli


def test_shipped_evidence_validates():
    result = run_cli("evidence", "validate")
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_fixture_evidence_validates(mini_evidence):
    result = run_cli("evidence", "validate", "--dir", str(mini_evidence))
    assert result.returncode == 0, result.stderr


def _break(folder, old: str, new: str) -> None:
    path = folder / "mini.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _line_of(folder, needle: str) -> int:
    for n, line in enumerate((folder / "mini.yaml").read_text().splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("title: A test trial", "title: [unclosed", "title: [unclosed", "malformed YAML"),
        ("id: test-trial-pain", "id: test-trial", "id: test-trial\n", "duplicate id"),
        ("source: test-trial\n", "source: no-such-source\n", "no-such-source", "does not exist"),
        ("treatments: [prp]", "treatments: [prp, snake-oil]", "snake-oil", "unknown treatment id"),
        ("doi: 10.1000/test.2021.1", "doi: 11.abc/broken", "11.abc/broken", "malformed DOI"),
    ],
    ids=["malformed-yaml", "duplicate-id", "dangling-source", "unknown-treatment", "bad-doi"],
)
def test_validate_reports_file_and_line(mini_evidence, old, new, needle, message):
    _break(mini_evidence, old, new)
    if needle.endswith("\n"):  # the duplicate: the second occurrence is the one reported
        lines = [n for n, line
                 in enumerate((mini_evidence / "mini.yaml").read_text().splitlines(), 1)
                 if line.strip() == "- id: test-trial"]
        expected_line = lines[-1]
    else:
        expected_line = _line_of(mini_evidence, needle)
    result = run_cli("evidence", "validate", "--dir", str(mini_evidence))
    assert result.returncode == 1
    assert message in result.stderr
    m = re.search(r"mini\.yaml:(\d+):", result.stderr)
    assert m, result.stderr
    # malformed YAML is reported where the parser stops, which may be the next line
    assert int(m.group(1)) in (expected_line, expected_line + 1), result.stderr
    assert "Traceback" not in result.stderr


def test_binary_and_empty_files(mini_evidence):
    (mini_evidence / "empty.yaml").write_text("")
    assert run_cli("evidence", "validate", "--dir", str(mini_evidence)).returncode == 0
    (mini_evidence / "blob.yaml").write_bytes(b"\x00\x01\x02binary")
    result = run_cli("evidence", "validate", "--dir", str(mini_evidence))
    assert result.returncode == 1
    assert "blob.yaml:1: file is binary" in result.stderr


def test_duplicate_doi_is_an_error(mini_evidence):
    extra = (
        "  - id: test-copy\n    kind: rct\n    title: Same paper twice\n    year: 2021\n"
        "    doi: https://doi.org/10.1000/TEST.2021.1\n    verification: verified\n"
    )
    path = mini_evidence / "mini.yaml"
    path.write_text(path.read_text().replace("findings:\n", extra + "findings:\n", 1))
    result = run_cli("evidence", "validate", "--dir", str(mini_evidence))
    assert result.returncode == 1
    assert "already used by test-trial" in result.stderr


def test_every_shipped_file_parses_and_keeps_tags():
    from synovia.evidence import KnownTerms, read_evidence
    from synovia.vocab import Vocabulary

    vocab = Vocabulary.from_file(DATA / "vocab.yaml")
    base, problems = read_evidence(DATA / "evidence",
                                   KnownTerms(vocab.treatment_ids, vocab.joint_ids))
    assert problems == []
    tags = {r.verification for kind in ("sources", "findings")
            for r in getattr(base, kind).values()}
    assert {"verified", "secondary", "unverified"} <= tags


def test_a_record_cannot_be_surer_than_its_source(tmp_path):
    from synovia.evidence import read_evidence

    (tmp_path / "e.yaml").write_text(
        "sources:\n"
        "  - {id: s1, kind: rct, title: A trial, year: 2020, author: Doe J, "
        "url: 'https://example.org/a', verification: secondary}\n"
        "findings:\n"
        "  - {id: f1, source: s1, treatments: [], outcome: pain, direction: benefit, "
        "plain: It helped., clinician: It helped., verification: verified}\n")
    _base, problems = read_evidence(tmp_path)
    assert any("only secondary" in p.message for p in problems)


def test_coverage_cli_lists_every_cell(loaded_db):
    import json

    from tests.conftest import run_cli

    result = run_cli("evidence", "coverage", "--format", "json",
                     env={"SYNOVIA_DATABASE_URL": loaded_db})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data["matrix"]) >= {"corticosteroid", "prp", "paag"}
    assert data["cells"] == sum(len(cells) for rows in data["matrix"].values()
                                for cells in rows.values())
    assert 0 < data["empty_cells"] < data["cells"]
    # steroid for the knee has duration evidence; a hole stays a hole
    assert data["matrix"]["corticosteroid"]["duration"]["knee"] > 0


def test_a_new_population_field_at_its_default_leaves_the_content_hash_alone():
    """Records written before `oa_only` existed must not all read as changed on the next
    load (which would flag every article citing them for re-review)."""
    from synovia.evidence.models import Population

    assert "oa_only" not in Population(joints=["knee"]).model_dump(mode="json")
    assert Population(joints=["shoulder"], oa_only=False).model_dump(mode="json")["oa_only"] \
        is False
