"""The article checker on the three real example articles (against KNOWN-DEFECTS.md), on our
own fixture articles (promotional, balanced, broken numbering), on bad input, and through the
CLI and the report contract.

What it does not find in the examples, and why (kept as assertions so a change shows up):
- bmac-or-exosomes-knee, defect 5 (Belk 2023's BMAC arm had only 226 patients, so "firmer
  clinical footing" is not weighed): judging how much weight a comparative phrase deserves needs
  reading the argument, not a sentence; the checker marks the Belk sentences supported.
- stem-cell-knee-guideline-summary, defects 3a/3b (capsaicin and tramadol "strong" / "avoid" on
  ACR's authority): they sit in bare list items ("Opioids or tramadol 1") whose meaning comes
  from a lead-in line, and ACR's capsaicin grade is memory-only in the brief, so no verified
  record could back a verdict.
- exosome-therapy-explainer, "no FDA-approved exosome products for orthopedic conditions"
  (understated: none are approved for any condition): true as written, so it is supported.
- exosome-therapy-explainer, the small uncited MSC-exosome trial and the 30-60 minute procedure:
  neither names a study year or design the checker can look up, and they make no claim that
  contradicts a record, so they are not judged.
"""

from __future__ import annotations

import json
import time

import jsonschema
import pytest

from tests.conftest import FIXTURES, SHARED, contract, make_platform, run_cli

EXAMPLES = SHARED / "examples" / "articles"
OWN = FIXTURES / "articles"


@pytest.fixture(scope="module")
def checker(loaded_db):
    from synovia.check import Checker

    return Checker.from_platform(make_platform(loaded_db))


def _check(checker, path, fmt="auto"):
    report, _ = checker.check(path.read_bytes(), fmt)
    return report


def _verdicts(report, verdict: str) -> list[str]:
    return [c.text for c in report.claims if c.verdict == verdict]


def _example(name: str):
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip("../shared/examples is not beside this checkout")
    return path


# -- the three real articles ----------------------------------------------------------------------
def test_bmac_article_defects(checker):
    report = _check(checker, _example("bmac-or-exosomes-knee.txt"))
    cit = report.citations
    # 1. no inline markers at all; 6. reference [6] (and every other) is never cited
    assert cit["no_inline_markers"] is True
    assert cit["markers"] == [] and 6 in cit["uncited_references"]
    # references resolve against the evidence base by DOI
    resolved = {r["n"]: r["evidence_id"] for r in cit["resolved"]}
    assert resolved[2] == "bmac-adsc-2023" and resolved[5] == "belk-2023"
    # 2. the "102-patient BMAC trial" is misdescribed (51 BMAC + 51 ADSC, not randomised)
    misdescribed = [c for c in report.claims if "102" in c.text and c.verdict == "contradicted"]
    assert misdescribed and "bmac-adsc-2023" in misdescribed[0].evidence
    assert "split its 102 participants" in misdescribed[0].reason
    # 3. the uncited "2022 study" on cell yield
    assert any("2022 study" in t for t in _verdicts(report, "unsupported"))
    # 4. the FDA statements are uncited and dated 2025; the FDA documents are from 2019/2021
    dated = [c for c in report.claims if "FDA" in c.text and "2025" in c.text]
    assert dated and dated[0].verdict == "unsupported" and "2019" in dated[0].reason
    # known miss (see module docstring): Belk's 226 BMAC patients are not weighed
    assert not any("firmer clinical footing" in t for t in
                   _verdicts(report, "overstated") + _verdicts(report, "contradicted"))


def test_guideline_summary_defects(checker):
    report = _check(checker, _example("stem-cell-knee-guideline-summary.txt"))
    cit = report.citations
    # 1. numbering shift: markers 5 and 6 have no entry; marker 4 points at the AVN entry
    assert cit["missing_references"] == [5, 6]
    shifted = [m for m in cit["mismatches"] if m["marker"] == 4]
    assert shifted and "avascular-necrosis" in shifted[0]["reason"]
    # 2. circular sourcing: ACR and VA/DoD positions cite the publisher's own overview
    circular = {m["marker"] for m in cit["mismatches"] if "is not a" in m["reason"]}
    assert circular == {1}
    assert any("VA/DoD" in m["reason"] for m in cit["mismatches"])
    # 4. "no regulatory oversight": unapproved is not unregulated
    oversight = [c for c in report.claims if "regulatory oversight" in c.text]
    assert oversight and oversight[0].verdict == "contradicted"
    assert any(e.startswith("fda-") for e in oversight[0].evidence)
    # 5. the IV-infusion thrombosis claim in an article about joint injection
    iv = [c for c in report.claims if "intravenous" in c.text]
    assert iv and iv[0].verdict == "unsupported" and "intravenous" in iv[0].reason
    # an accurate, hedged guideline sentence is not flagged
    acr = [c for c in report.claims if c.text.startswith("The 2019 American College")]
    assert acr and acr[0].verdict == "supported"


def test_exosome_explainer_defects(checker):
    report = _check(checker, _example("exosome-therapy-explainer.txt"))
    assert report.citations["markers"] == [] and report.citations["references"] == []
    assert any("sources" in o for o in report.omissions)
    assert any("authorship" in o for o in report.omissions)
    contradicted = _verdicts(report, "contradicted")
    assert any("practice of medicine" in t for t in contradicted)
    assert any("side effects are mild" in t for t in contradicted)
    # consistent with the FDA 2019 notice: not flagged
    regulates = [c for c in report.claims if "regulates these products" in c.text]
    assert regulates and regulates[0].verdict == "supported"
    # a sentence that negates "proven" is not hype
    assert not any("proven" in t for t in _verdicts(report, "overstated"))


# -- our own fixtures -----------------------------------------------------------------------------
def test_promotional_article_is_flagged(checker):
    report = _check(checker, OWN / "promotional.md")
    over = " ".join(_verdicts(report, "overstated"))
    contra = " ".join(_verdicts(report, "contradicted"))
    assert "regrow cartilage" in over and "guaranteed" in over
    assert "FDA approved" in contra and "practice of medicine" in contra
    assert "American College of Rheumatology" in contra  # ACR advises strongly against PRP
    assert {"costs: nothing on cost or who pays", "date: no date of publication or review"} <= set(
        report.omissions)
    assert any(o.startswith("conflicts of interest") for o in report.omissions)
    assert report.quality.score < 40


def test_balanced_article_is_not_flagged(checker):
    report = _check(checker, OWN / "balanced.md")
    assert _verdicts(report, "overstated") == [] and _verdicts(report, "contradicted") == []
    assert _verdicts(report, "unsupported") == []
    cit = report.citations
    assert cit["missing_references"] == [] and cit["uncited_references"] == []
    assert cit["mismatches"] == [] and cit["duplicates"] == []
    assert report.omissions == []
    assert report.quality.score >= 70
    assert len(report.quality.items) == 16
    assert all(1 <= item["score"] <= 5 and item["reason"] for item in report.quality.items)


def test_broken_numbering_html(checker):
    report = _check(checker, OWN / "broken-numbering.html")
    cit = report.citations
    assert cit["missing_references"] == [7]
    assert cit["uncited_references"] == [6]
    assert cit["duplicates"][0]["numbers"] == [2, 3]  # a DOI repeated as a URL is one work
    assert [m["n"] for m in cit["malformed_dois"]] == [5]
    mismatched = {m["marker"]: m["reason"] for m in cit["mismatches"]}
    assert "corticosteroid" in mismatched[4]  # a PRP sentence citing a steroid paper
    assert 5 in mismatched
    assert report.summary["citation_defects"] >= 5
    assert "alert" not in " ".join(c.text for c in report.claims)  # scripts ignored


def test_headless_bulleted_list_and_a_rat_review_cited_for_hip_steroid_trials(checker):
    """Issue 11's acceptance article: a reference list with no heading, bulleted `- [n]`
    entries, and four sentences on steroid trials in the hip citing a rat exosome review."""
    text = (
        "# Hip injections: what the trials say\n\n"
        "Steroid injections into the hip are widely used for arthritis pain [1]. "
        "In hip osteoarthritis, a corticosteroid injection eased pain for up to eight weeks "
        "in controlled trials [2]. Trials of hip steroid injections found the benefit had "
        "faded by three months [2]. Ultrasound guidance was used for the hip injections in "
        "these trials [2]. Side effects after a hip steroid injection were mostly mild [2].\n\n"
        "- [1] Intra-articular corticosteroid for knee osteoarthritis. (2015). "
        "https://doi.org/10.1002/14651858.CD005328.pub3\n"
        "- [2] Mesenchymal stem cell-derived exosomes for the treatment of knee "
        "osteoarthritis: a systematic review and meta-analysis based on rat model. (2025). "
        "https://doi.org/10.3389/fphar.2025.1588841\n")
    report, _ = checker.check(text, "markdown")
    cit = report.citations
    assert cit["references"] == [1, 2] and cit["missing_references"] == []
    assert not any("Mesenchymal" in c.text for c in report.claims)  # entries are not claims
    mismatched = [m for m in cit["mismatches"] if m["marker"] == 2]
    assert len(mismatched) == 4, cit["mismatches"]


def test_a_full_stop_without_its_space_still_ends_a_sentence(checker):
    """Text copied from pages loses spaces ("12 months.Participants"): two sentences."""
    report, _ = checker.check("# PRP\n\nPeople were followed for 12 months.Participants given "
                              "PRP regrew cartilage in their knees.\n", "markdown")
    flagged = [c.text for c in report.claims if c.verdict != "supported"]
    assert flagged == ["Participants given PRP regrew cartilage in their knees."], flagged


@pytest.mark.parametrize("marker", ["[1-2-3]", "¹⁻²⁻³", "[3–1]", "[0]", "[99999999999]", "(1,,2)"])
def test_malformed_markers_never_crash(checker, marker):
    text = f"# PRP\n\nPRP may ease knee pain for some people {marker}.\n\n1. A study. 2021.\n"
    report, _ = checker.check(text, "markdown")
    assert report.citations is not None


def test_accurate_hedged_sentences_are_not_flagged(checker):
    text = ("# Exosomes\n\nExosome injections have only been tested in rats, and no exosome "
            "product is approved by the FDA. Stem cell injections do not cure arthritis, and "
            "there is no evidence that they regrow cartilage in people. PRP may ease knee pain "
            "for some people, but trials disagree.\n")
    report, _ = checker.check(text, "markdown")
    assert _verdicts(report, "overstated") == [] and _verdicts(report, "contradicted") == []


@pytest.mark.parametrize("title, sentence, verdict", [
    # a plain "safe" is judged even when a later clause is hedged
    ("PRP for knee arthritis", "PRP injections are a safe therapy and may reduce knee pain "
     "for some people.", "overstated"),
    # comparative safety needs a study that compared the harms
    ("Exosomes for knee arthritis", "Exosome injections carry fewer complications than bone "
     "marrow injections.", "unsupported"),
    # "sustained" relief is a claim about how long it lasts
    ("Knee steroid injections", "A steroid injection calms the inflamed joint lining and gives "
     "sustained relief from knee pain.", "overstated"),
    # a benefit given a span of time is judged as a duration
    ("Knee steroid injections", "Pain relief after a knee steroid injection typically lasts "
     "from eight weeks up to a year.", "overstated"),
    # the surgery named is what is put off; the subject is the article's injection
    ("Hyaluronic acid for knee arthritis", "Repeat courses can delay a knee replacement "
     "operation for years.", "unsupported"),
    # the outcome of each clause is read in that clause, and a later negation holds
    ("Knee steroid injections", "Steroid injections ease knee pain for a few weeks, but none "
     "has been shown to repair cartilage or slow arthritis.", None),
    ("Knee steroid injections", "Steroid injections are generally safe, although infection is "
     "a rare risk.", None),
    # an injection called the first thing to try, against the core treatments guidelines put first
    ("Gel injections", "Arthrosamid is now a sensible first-line choice for an arthritic knee.",
     "contradicted"),
    ("Gel injections", "Arthrosamid should not be a first-line choice for an arthritic knee.",
     None),
    # how much benefit is claimed counts whatever the hedge, on low-certainty evidence
    ("PRP for knees", "A course of PRP can bring powerful, durable relief to an arthritic knee.",
     "overstated"),
    ("PRP for knees", "PRP may ease knee pain a little for some people.", None),
    # backing attributed to a body whose guidance we hold, which holds none for it
    ("BMAC for knees", "The European Alliance of Associations for Rheumatology now endorses "
     "BMAC injections for knee arthritis.", "unsupported"),
    ("Exosomes for knees", "The American College of Rheumatology now endorses exosome therapy "
     "for knee arthritis.", "contradicted"),
    # what a product does in the joint, told as fact, when what we hold only describes it
    ("Gel injections", "Arthrosamid restores the lost thickness of the knee's own joint fluid.",
     "unsupported"),
    # biology said to happen inside the joint is a claim about people's joints
    ("PRP for knees", "PRP is spun from your blood, and its platelets then release growth "
     "factors within the joint that promote cartilage repair.", "contradicted"),
    # a negation with a word between it and "recommend" still denies the backing
    ("Gel injections", "The UK's guideline body, NICE, doesn\u2019t currently recommend "
     "hyaluronic acid injections for osteoarthritis.", None),
    ("Gel injections", "NICE has now recommended hyaluronic acid injections for knee "
     "osteoarthritis.", "contradicted"),
    # a benefit its own clause denies is not claimed
    ("PRP for knees", "PRP's benefits are thought to come from calming inflammation, although "
     "cartilage regrowth has not been convincingly demonstrated.", None),
    # mending tissue is repair; working in every joint is a certainty claimed
    ("PRP for knees", "PRP injections ease pain and mend damaged cartilage in the knee.",
     "contradicted"),
    ("Knee steroid injections", "Steroid injections work in all joints, every time.",
     "overstated"),
    # better than other injections: judged on the trials against an active injection
    ("Gel injections", "Arthrosamid works better than other injections for knee pain.",
     "contradicted"),
    # an umbrella name speaks for the article's treatments on the benefit it promises, and
    # its denials are not judged against any one of them
    ("PRP and stem cells for knees", "Regenerative medicine offers significant pain relief "
     "for people with knee arthritis.", "overstated"),
    ("PRP and stem cells for knees", "Regenerative treatments cannot reverse osteoarthritis "
     "or regrow lost cartilage.", None),
    # a lack of good evidence said is no certainty claimed
    ("PRP for knees", "The trial was run because there is currently limited high-quality "
     "evidence about whether PRP helps knee arthritis.", None),
    # a gain matched by the placebo group is no gain over placebo
    ("PRP for knees", "People given PRP had a significant improvement in knee pain, but the "
     "improvement was matched by those in the placebo group.", None),
    # a study reported both ways is balanced
    ("PRP for hips", "PRP was shown to improve hip scores at 6 months; however, there was no "
     "significant difference between PRP and hyaluronic acid.", None),
    # a drug class described, not a benefit claimed
    ("Knee steroid injections", "Corticosteroids are powerful anti-inflammatory medicines "
     "that can ease a swollen knee for a few weeks.", None),
    # the backing is of the treatment named just before it
    ("PRP for hips", "Steroid injections are the only injections recommended by guidelines "
     "for hip arthritis, so trials comparing PRP with steroid are needed.", None),
    # "no randomised trials" describes none, not a cohort as randomised
    ("Stem cells for hips", "For the hip, a 2022 review found no randomised trials of stem "
     "cell injections.", None),
    # "all trials" that describes their weakness promises nothing
    ("Stem cells for knees", "Stem cell injections remain experimental, and a 2017 review "
     "found that all of the trials were at high risk of bias.", None),
])
def test_each_assertion_in_a_sentence_is_judged(checker, title, sentence, verdict):
    report, _ = checker.check(f"# {title}\n\nInjections are given by a doctor. {sentence}\n",
                              "markdown")
    got = [c.verdict for c in report.claims if c.text.startswith(sentence[:30])]
    if verdict is None:
        assert not set(got) & {"overstated", "contradicted", "unsupported"}, got
    else:
        assert got == [verdict], [(c.text, c.verdict, c.reason) for c in report.claims]


@pytest.mark.parametrize("sentence", [
    "In the last ten years more people with knee arthritis have asked their doctors about PRP.",
    "Every patient is different, and not everyone with knee arthritis responds to PRP.",
    "Can PRP help people with knee arthritis avoid a knee replacement?",
    "The trial's authors wrote that our results do not support PRP for knee arthritis.",
    "PRP for the knee costs about £3,000 in London and is not offered on the NHS.",
    "It was once thought that PRP might help restore the cushioning of the knee joint.",
    "The artificial knee won\u2019t last forever, so surgeons like to wait.",
    # praise of core care is what every guideline says first
    "The most effective treatments for knee arthritis are exercise and weight loss.",
])
def test_information_is_not_flagged(checker, sentence):
    report, _ = checker.check(f"# PRP for knee arthritis\n\n{sentence}\n", "markdown")
    flagged = [c for c in report.claims if c.verdict != "supported"]
    assert not flagged and not report.bias and not report.language, (
        [(c.text, c.verdict, c.reason) for c in flagged], report.bias, report.language)


@pytest.mark.parametrize("sentence, signal", [
    ("PRP at our clinic: prices from £250 per injection, and use code KNEE50 for £50 off.",
     "price-offer"),
    # a patient's story told in the first person is a testimonial
    ("After three PRP sessions I'm back playing tennis twice a week.", "testimonial"),
])
def test_sales_signals_are_flagged(checker, sentence, signal):
    report, _ = checker.check(f"# PRP for knee arthritis\n\n{sentence}\n", "markdown")
    assert {b["signal"] for b in report.bias} == {signal}


def test_hope_sold_as_a_result_is_hype(checker):
    report, _ = checker.check("# PRP for knee arthritis\n\nA new injection brings fresh hope "
                              "to people with worn knees.\n", "markdown")
    assert [x["term"] for x in report.language] == ["hope"]


@pytest.mark.parametrize("sentence, doi", [
    # an animal study cited for a sentence about knees that does not say it was in animals
    ("Our exosome injection repairs worn knee cartilage in one visit.",
     "10.3389/fphar.2025.1588841"),
    # a trial cited for the opposite of what it found
    ("PRP slowed the loss of knee cartilage compared with saline injections.",
     "10.1001/jama.2021.19415"),
])
def test_a_citation_that_does_not_back_its_sentence_is_a_mismatch(checker, sentence, doi):
    text = (f"# Knee injections\n\nInjections are one option for knee arthritis. {sentence} [1]"
            f"\n\n## References\n\n1. A study. 2021. https://doi.org/{doi}\n")
    report, _ = checker.check(text, "markdown")
    assert [m["marker"] for m in report.citations["mismatches"]] == [1], report.citations


@pytest.mark.parametrize("edit, message", [
    (lambda text: text.replace("\nrisk:", "\nrisks_renamed:"), "'risk'"),
    (lambda text: text.replace("\ncost: '", "\ncost: '(unclosed"), "bad pattern for 'cost'"),
])
def test_quality_cues_are_validated_on_load(tmp_path, edit, message):
    import shutil

    from synovia.vocab.lexicon import LexiconError, load_lexicon

    folder = tmp_path / "lexicon"
    shutil.copytree(FIXTURES.parent.parent / "data" / "lexicon", folder)
    path = folder / "quality.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(LexiconError, match="quality.yaml") as err:
        load_lexicon(folder)
    assert message in str(err.value)


def test_sales_signals_lower_the_quality_score(checker):
    body = ("# Knee injections\n\nSteroid injections may ease knee pain for a few weeks; the "
            "evidence is limited and infection is a rare risk. Exercise and weight loss help "
            "most people. Published March 2025 by Dr Jane Hill.\n")
    plain, _ = checker.check(body, "markdown")
    selling, _ = checker.check(body + "\nBook your free consultation today. Our prices start "
                                      "at £99 with 20% off this month.\n", "markdown")
    assert selling.bias and selling.quality.score < plain.quality.score


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, message", [
    (b"", "empty"),
    (b"   \n\t  ", "empty"),
    (bytes(range(256)) * 40, "binary"),
])
def test_bad_input_is_refused_clearly(checker, raw, message):
    from synovia.check import ArticleError

    with pytest.raises(ArticleError, match=message):
        checker.check(raw)


def test_huge_article_is_refused_or_bounded(checker):
    from synovia.check import MAX_BYTES, ArticleError

    paragraph = ("PRP injections may ease knee pain for some people, but trials disagree. " * 20
                 + "\n\n")
    raw = (paragraph * (5_000_000 // len(paragraph) + 1)).encode()
    assert len(raw) >= 5_000_000
    t = time.perf_counter()
    if len(raw) > MAX_BYTES:
        with pytest.raises(ArticleError, match="larger than"):
            checker.check(raw)
    else:
        report, _ = checker.check(raw)
        assert report.words > 500_000
    assert time.perf_counter() - t < 60


# -- interfaces -----------------------------------------------------------------------------------
def test_report_validates_against_the_contract(checker):
    schema = contract("check.schema.json")
    for path in sorted(OWN.iterdir()):
        report = _check(checker, path)
        jsonschema.validate(report.model_dump(mode="json"), schema)


def test_cli_formats_and_fail_under(loaded_db, tmp_path):
    env = {"SYNOVIA_DATABASE_URL": loaded_db}
    path = OWN / "promotional.md"
    text = run_cli("check", str(path), env=env)
    assert text.returncode == 0, text.stderr
    assert "contradicted" in text.stdout and "quality" in text.stdout.lower()
    js = run_cli("check", str(path), "--format", "json", env=env)
    data = json.loads(js.stdout)
    assert data["quality"]["score"] < 40
    html = run_cli("check", str(path), "--format", "html", env=env)
    assert '<mark class="contradicted"' in html.stdout and "<script" not in html.stdout.lower()
    failing = run_cli("check", "-", "--fail-under", "60", env=env, input=path.read_text())
    assert failing.returncode == 1
    passing = run_cli("check", str(OWN / "balanced.md"), "--fail-under", "60", env=env)
    assert passing.returncode == 0, passing.stdout[-500:]


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\xff" * 1000])
def test_cli_bad_files_exit_cleanly(loaded_db, tmp_path, content):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run_cli("check", str(path), env={"SYNOVIA_DATABASE_URL": loaded_db})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip()
    missing = run_cli("check", str(tmp_path / "nope.md"), env={"SYNOVIA_DATABASE_URL": loaded_db})
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_sentence_cues_are_data_validated_on_load(tmp_path):
    """The claim finder's sentence cues live in claims.yaml; a missing or broken one is a clear
    error when the lexicon loads, not a crash mid-check."""
    import yaml

    from synovia.check.frames import load_claim_cues
    from tests.conftest import DATA

    data = yaml.safe_load((DATA / "lexicon" / "claims.yaml").read_text())
    cues = load_claim_cues(DATA / "lexicon" / "claims.yaml")
    assert cues.sentence.guide_for.search("NICE recommends it")
    assert cues.sentence.kinds["safety"].search("well tolerated with few side effects")
    del data["sentence"]["guide_for"]
    broken = tmp_path / "claims.yaml"
    broken.write_text(yaml.safe_dump(data))
    with pytest.raises(ValueError, match="guide_for"):
        load_claim_cues(broken)
    data = yaml.safe_load((DATA / "lexicon" / "claims.yaml").read_text())
    data["sentence"]["contrast"] = "(unclosed"
    broken.write_text(yaml.safe_dump(data))
    load_claim_cues.cache_clear()
    with pytest.raises(ValueError, match="malformed"):
        load_claim_cues(broken)


def test_article_reading_words_are_data_validated_on_load(tmp_path):
    """Where reference lists start and end, page furniture and abbreviations: article.yaml,
    read once and validated (a missing entry is a clear error)."""
    import importlib

    import yaml

    from tests.conftest import DATA

    parse_module = importlib.import_module("synovia.check.parse")
    w = parse_module.words(DATA / "lexicon")
    assert w.ref_headings.search("## References") and w.end_of_refs.search("Disclaimer")
    assert "e.g" in w.abbreviations and any(b.search("Share this article") for b in w.boilerplate)
    folder = tmp_path / "lexicon"
    folder.mkdir()
    data = yaml.safe_load((DATA / "lexicon" / "article.yaml").read_text())
    del data["end_of_refs"]
    (folder / "article.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ValueError, match="end_of_refs"):
        parse_module.words(folder)
