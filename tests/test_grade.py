"""GRADE-style certainty: built from small bodies of evidence written here, so each rule is
seen to move the grade, and checked on the shipped evidence for the calibration a clinician
expects (no unproven option graded high)."""

from __future__ import annotations

import pytest

from synovia.evidence import EvidenceBase, Finding, Population, Recommendation, Source
from synovia.evidence.validate import read_evidence
from synovia.grade.rules import grade_option
from tests.conftest import DATA


def _source(sid: str, kind: str, n: int | None, k: int | None = None) -> Source:
    return Source(id=sid, kind=kind, title=f"Study {sid}", year=2020, doi=f"10.1000/{sid}",
                  n_participants=n, n_studies=k, verification="verified")


def _finding(fid: str, src: str, direction: str, comparator: str | None = "placebo",
             certainty: str | None = None, n: int | None = None,
             joints: tuple[str, ...] = ("knee",)) -> Finding:
    return Finding(id=fid, source=src, treatments=["prp"], joints=list(joints),
                   outcome="pain", comparator=comparator, direction=direction,
                   certainty=certainty, n_participants=n, plain="p", clinician="c",
                   verification="verified")


def _base(sources: list[Source], findings: list[Finding],
          recs: list[Recommendation] = ()) -> EvidenceBase:
    base = EvidenceBase()
    base.sources = {s.id: s for s in sources}
    base.findings = {f.id: f for f in findings}
    base.recommendations = {r.id: r for r in recs}
    return base


def test_large_consistent_trials_are_high():
    base = _base([_source("a", "rct", 600), _source("b", "rct", 500)],
                 [_finding("fa", "a", "benefit"), _finding("fb", "b", "benefit")])
    g = grade_option(base, "prp", "knee")
    assert (g.certainty, g.direction) == ("high", "benefit")


def test_a_review_without_its_own_rating_starts_at_moderate():
    base = _base([_source("r", "systematic-review", 2000, 20)], [_finding("f", "r", "benefit")])
    assert grade_option(base, "prp", "knee").certainty == "moderate"


def test_few_people_rate_down_once_and_very_few_twice():
    mid = _base([_source("a", "rct", 250), _source("b", "rct", 200)],
                [_finding("fa", "a", "benefit"), _finding("fb", "b", "benefit")])
    tiny = _base([_source("a", "rct", 40), _source("b", "rct", 30)],
                 [_finding("fa", "a", "benefit"), _finding("fb", "b", "benefit")])
    assert grade_option(mid, "prp", "knee").certainty == "moderate"
    assert grade_option(tiny, "prp", "knee").certainty == "low"


def test_the_findings_own_count_beats_the_reviews_total():
    """A review of 2,396 people in which only 226 had the treatment is imprecise."""
    base = _base([_source("r", "systematic-review", 2396, 27)],
                 [_finding("f", "r", "benefit", n=226)])
    g = grade_option(base, "prp", "knee")
    assert g.certainty == "low"
    assert any("226" in r for r in g.reasons)


def test_a_single_trial_cannot_show_consistency():
    base = _base([_source("a", "rct", 900)], [_finding("fa", "a", "benefit")])
    assert grade_option(base, "prp", "knee").certainty == "moderate"


def test_a_reviews_own_grade_is_not_rated_down_again():
    base = _base([_source("r", "systematic-review", 3000, 30), _source("s", "systematic-review",
                                                                       2500, 25)],
                 [_finding("f", "r", "benefit", certainty="low"),
                  _finding("g", "s", "no-difference")])
    assert grade_option(base, "prp", "knee").certainty == "low"


def test_head_to_head_trials_do_not_count_as_disagreement():
    base = _base([_source("a", "rct", 800), _source("b", "rct", 700), _source("c", "rct", 600)],
                 [_finding("fa", "a", "benefit"), _finding("fb", "b", "benefit"),
                  _finding("fc", "c", "no-difference", comparator="hyaluronic acid injection")])
    g = grade_option(base, "prp", "knee")
    assert (g.certainty, g.direction) == ("high", "benefit")


def test_an_unclear_body_is_never_above_low():
    base = _base([_source("a", "rct", 800), _source("b", "rct", 700)],
                 [_finding("fa", "a", "uncertain"), _finding("fb", "b", "uncertain")])
    assert grade_option(base, "prp", "knee").certainty == "low"


def test_before_and_after_series_do_not_outrank_a_head_to_head_trial():
    base = _base([_source("t", "rct", 900), _source("c", "cohort", 50)],
                 [_finding("ft", "t", "no-difference", comparator="hyaluronic acid injection"),
                  _finding("fc", "c", "benefit", comparator="own baseline (no control group)")])
    g = grade_option(base, "prp", "knee")
    assert g.best_source.id == "t" and g.direction == "comparable"


@pytest.fixture(scope="module")
def shipped() -> EvidenceBase:
    base, problems = read_evidence(DATA / "evidence")
    assert not problems
    return base


@pytest.mark.parametrize("treatment", ["bmac", "prolotherapy", "paag", "exosomes",
                                       "botulinum-toxin", "msc"])
def test_unproven_options_are_not_graded_high_or_moderate(shipped, treatment):
    g = grade_option(shipped, treatment, "knee", audience="patient")
    assert g.certainty in ("low", "very-low"), (treatment, g.certainty, g.reasons)


def test_knee_steroid_is_graded_as_its_best_review_grades_it(shipped):
    g = grade_option(shipped, "corticosteroid", "knee", audience="patient")
    assert (g.certainty, g.direction) == ("low", "benefit"), g.reasons


def test_a_benefit_too_small_to_matter_weighs_as_no_real_difference():
    sources = [_source("a", "systematic-review", 9000, 60),
               _source("b", "systematic-review", 8000, 50)]
    split = _base(sources, [_finding("fa", "a", "benefit"), _finding("fb", "b", "no-difference")])
    trivial = _base(sources, [_finding("fa", "a", "benefit").model_copy(
        update={"clinically_important": False}), _finding("fb", "b", "no-difference")])
    assert grade_option(split, "prp", "knee").direction == "mixed"
    assert grade_option(trivial, "prp", "knee").direction == "no-difference"


def test_one_side_wins_with_twice_the_weight():
    sources = [_source(x, "systematic-review", 9000, 60) for x in "abc"]
    base = _base(sources, [_finding("fa", "a", "benefit"), _finding("fb", "b", "benefit"),
                           _finding("fc", "c", "no-difference")])
    assert grade_option(base, "prp", "knee").direction == "benefit"


def test_knee_hyaluronic_acid_reads_as_little_or_no_real_benefit(shipped):
    g = grade_option(shipped, "hyaluronic-acid", "knee", audience="patient")
    assert g.direction == "no-difference", g.reasons


def test_a_sham_controlled_trial_that_disagrees_rates_the_review_down():
    review = _source("r", "systematic-review", 900, 13)
    agree = _base([review], [_finding("f", "r", "benefit", comparator="mixed control treatments")])
    dissent = _base([review, _source("t", "rct", 64)],
                    [_finding("f", "r", "benefit", comparator="mixed control treatments"),
                     _finding("g", "t", "no-difference", comparator="sham procedure")])
    assert grade_option(agree, "prp", "knee").certainty == "moderate"
    g = grade_option(dissent, "prp", "knee")
    assert g.certainty == "low" and any("sham" in r for r in g.reasons)


def test_trials_that_also_took_people_without_arthritis_are_rated_down():
    shoulder_pain = Population(joints=["knee"], oa_only=False)
    mixed = _source("a", "rct", 600).model_copy(update={"population": shoulder_pain})
    mixed_b = _source("b", "rct", 500).model_copy(update={"population": shoulder_pain})
    findings = [_finding("fa", "a", "benefit"), _finding("fb", "b", "benefit")]
    assert grade_option(_base([mixed, mixed_b], findings), "prp", "knee").certainty == "moderate"
    # one arthritis-only trial in the body is direct evidence: no rating down
    pure = _source("b", "rct", 500)
    assert grade_option(_base([mixed, pure], findings), "prp", "knee").certainty == "high"


def test_shoulder_hyaluronic_acid_is_not_moderate_from_one_mixed_pain_trial(shipped):
    g = grade_option(shipped, "hyaluronic-acid", "shoulder", audience="patient")
    assert g.certainty in ("low", "very-low"), g.reasons
