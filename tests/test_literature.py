"""Literature imports: every format's fields, idempotent re-imports, matching by DOI/PMID,
malformed records, the review queue, reviewer search, and FHIR / CSL-JSON / RIS exports."""

from __future__ import annotations

import json

import numpy as np
import pytest

from synovia.evidence import KnownTerms, Store, read_evidence
from synovia.evidence.importers import LiteratureStore
from synovia.literature import (
    LiteratureFormatError,
    ReviewError,
    ReviewQueue,
    export_csl_json,
    export_ris,
    fhir_bundle,
    import_file,
    read_records,
)
from synovia.literature.classify import study_kind
from synovia.literature.records import LiteratureRecord
from synovia.literature.synthetic import generate, medline_text
from synovia.search.literature import LiteratureIndex
from synovia.search.vectors import VectorStore
from tests.conftest import FIXTURES, run_cli

LIT = FIXTURES / "literature"

MCALINDON = dict(
    title="Effect of Intra-articular Triamcinolone vs Saline on Knee Cartilage Volume and Pain "
          "in Patients With Knee Osteoarthritis: A Randomized Clinical Trial",
    authors=["McAlindon TE", "LaValley MP", "Harvey WF", "Price LL", "Driban JB", "Zhang M",
             "Ward RJ"],
    journal="JAMA", year=2017, doi="10.1001/jama.2017.5283", pmid="28510679",
    volume="317", issue="19", pages="1967-1975")
BENNELL = dict(
    title="Effect of Intra-articular Platelet-Rich Plasma vs Placebo Injection on Pain and Medial "
          "Tibial Cartilage Volume in Patients With Knee Osteoarthritis: The RESTORE Randomized "
          "Clinical Trial",
    authors=["Bennell KL", "Paterson KL", "Metcalf BR", "Duong V", "Eyles J", "Kasza J",
             "Hunter DJ"],
    journal="JAMA", year=2021, doi="10.1001/jama.2021.19415", pmid="34812863",
    volume="326", issue="20", pages="2021-2030")
PAS = dict(
    title="Stem cell injections in knee osteoarthritis: a systematic review of the literature",
    authors=["Pas HI", "Winters M", "Haisma HJ", "Koenis MJ", "Tol JL", "Moen MH"],
    year=2017, doi="10.1136/bjsports-2016-096793", pmid="28258177",
    volume="51", issue="15", pages="1125-1133")
PEREIRA = dict(
    title="Viscosupplementation for knee osteoarthritis: systematic review and meta-analysis",
    authors=["Pereira TV", "Jüni P", "Saadat P", "Xing D", "Yao L", "Bobos P", "Agarwal A",
             "Hincapié CA", "da Costa BR"],
    year=2022, doi="10.1136/bmj-2022-069722", pmid=None, volume="378", pages="e069722")
WHITTLE = dict(
    title="Stem cell injections for osteoarthritis of the knee",
    authors=["Whittle SL", "Johnston RV", "Buchbinder R"],
    journal="The Cochrane database of systematic reviews", year=2025,
    doi="10.1002/14651858.cd013342.pub2", pmid="40169165", volume="4", issue="4",
    pages="CD013342")

EXPECTED = {
    "pubmed.nbib": ("medline", [
        MCALINDON | dict(publication_types=["Journal Article", "Randomized Controlled Trial",
                                            "Research Support, N.I.H., Extramural"],
                         abstract_start="IMPORTANCE: Synovitis is common", language="eng"),
        BENNELL | dict(publication_types=["Journal Article", "Multicenter Study",
                                          "Randomized Controlled Trial"],
                       abstract_start="IMPORTANCE: Platelet-rich plasma (PRP)"),
        PAS | dict(journal="British journal of sports medicine",
                   publication_types=["Journal Article", "Review", "Systematic Review"],
                   abstract_start="OBJECTIVE: To appraise"),
    ]),
    "pubmed.xml": ("pubmed-xml", [
        MCALINDON | dict(publication_types=["Journal Article", "Randomized Controlled Trial",
                                            "Research Support, N.I.H., Extramural"],
                         abstract_start="IMPORTANCE: Synovitis is common", language="eng"),
        PEREIRA | dict(journal="BMJ (Clinical research ed.)", issue=None,
                       publication_types=["Journal Article", "Meta-Analysis",
                                          "Systematic Review"],
                       abstract_start="OBJECTIVE: To estimate how much"),
    ]),
    "zotero.ris": ("ris", [
        BENNELL | dict(publication_types=[], abstract_start="IMPORTANCE: Platelet-rich",
                       url="https://doi.org/10.1001/jama.2021.19415", language="eng"),
        WHITTLE | dict(publication_types=[], abstract_start="BACKGROUND: Stem cell injections",
                       url="https://doi.org/10.1002/14651858.CD013342.pub2"),
    ]),
    "library.bib": ("bibtex", [
        PEREIRA | dict(journal="BMJ", issue=None, publication_types=[],
                       abstract_start="OBJECTIVE: To estimate how much",
                       url="https://www.bmj.com/content/378/bmj-2022-069722", language="en"),
        PAS | dict(journal="British Journal of Sports Medicine", publication_types=[],
                   abstract_start="OBJECTIVE: To appraise"),
    ]),
    "zotero.json": ("csl-json", [
        WHITTLE | dict(publication_types=[], abstract_start="BACKGROUND: Stem cell injections"),
        MCALINDON | dict(publication_types=[], abstract_start="IMPORTANCE: Synovitis"),
    ]),
}


def _import(store: Store, vocab, name: str, **kw):
    return import_file(store, vocab, LIT / name, **kw)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_format_reads_every_field(name):
    fmt, expected = EXPECTED[name]
    found, records = read_records(LIT / name)
    records = list(records)
    assert found == fmt
    assert [type(r) for r in records] == [LiteratureRecord] * len(expected)
    for record, want in zip(records, expected, strict=True):
        want = dict(want)
        assert record.abstract.startswith(want.pop("abstract_start"))
        for key, value in want.items():
            assert getattr(record, key) == value, (name, key)
        assert record.problem() is None


def test_study_kind_from_types_then_wording():
    rec = LiteratureRecord(1, title="x", publication_types=["Comparative Study",
                                                            "Randomized Controlled Trial"])
    assert study_kind(rec) == "rct"
    assert study_kind(LiteratureRecord(1, title="Exosomes in a rat model of knee OA",
                                       abstract="Rats received injections.")) == "preclinical"
    review = LiteratureRecord(1, title="PRP for knee osteoarthritis: a meta-analysis",
                              abstract="We pooled 18 randomized controlled trials.")
    assert study_kind(review) == "systematic-review"
    assert study_kind(LiteratureRecord(1, title="PRP in 40 knees",
                                       abstract="A retrospective cohort.")) == "cohort"


def test_import_tags_kind_terms_and_waits_for_review(store, vocab):
    for name in sorted(EXPECTED):
        assert _import(store, vocab, name).written
    sources = {s.id: s for s in store.list_records("sources", review_status="unreviewed")}
    assert sorted(sources) == ["bennell-2021-34812863", "mcalindon-2017-28510679",
                               "pas-2017-28258177", "pereira-2022-294a4417",
                               "whittle-2025-40169165"]
    mc = sources["mcalindon-2017-28510679"]
    assert (mc.kind, mc.treatments, mc.population.joints) == ("rct", ["corticosteroid"], ["knee"])
    assert (mc.origin, mc.verification, mc.author, mc.journal) == (
        "import", "unverified", "McAlindon TE", "JAMA")
    assert (mc.doi, mc.pmid, mc.year) == ("10.1001/jama.2017.5283", "28510679", 2017)
    assert mc.abstract.startswith("IMPORTANCE: Synovitis")
    assert sources["bennell-2021-34812863"].treatments == ["prp"]
    assert sources["pereira-2022-294a4417"].kind == "systematic-review"
    assert sources["pereira-2022-294a4417"].treatments == ["hyaluronic-acid"]
    # The Cochrane review came first from RIS (no publication types): kind from its wording.
    assert sources["whittle-2025-40169165"].kind == "systematic-review"
    assert sources["whittle-2025-40169165"].treatments == ["msc"]
    bib = LiteratureStore(store).bib(["pereira-2022-294a4417"])["pereira-2022-294a4417"]
    assert bib["authors"][1] == "Jüni P" and bib["volume"] == "378"
    assert store.list_records("sources", treatment="prp", review_status="unreviewed")[0].id == \
        "bennell-2021-34812863"
    assert store.evidence().sources == {}  # nothing unreviewed reaches answers


def test_reimport_changes_nothing_and_matches_by_doi_or_pmid(store, vocab, tmp_path):
    first = _import(store, vocab, "pubmed.nbib")
    assert (first.added, first.updated) == (3, 0)
    changes = len(store.changes_since(0))
    again = _import(store, vocab, "pubmed.nbib")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert len(store.changes_since(0)) == changes
    # A corrected record with the PMID only (no DOI) updates the same source.
    text = (LIT / "pubmed.nbib").read_text()
    text = text.replace("LID - 10.1001/jama.2017.5283 [doi]\n", "").replace(
        "AID - 10.1001/jama.2017.5283 [doi]\n", "").replace(
        "Knee Cartilage Volume\n      and Pain", "Knee Cartilage Volume\n      and Knee Pain")
    path = tmp_path / "corrected.nbib"
    path.write_text(text)
    report = import_file(store, vocab, path)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    src = store.get("mcalindon-2017-28510679")[1]
    assert "and Knee Pain" in src.title and src.doi == "10.1001/jama.2017.5283"
    assert store.counts()["sources"] == 3


def test_curated_source_is_left_as_it_is(store, vocab, mini_evidence, tmp_path):
    base, problems = read_evidence(mini_evidence, KnownTerms())
    assert problems == []
    store.load(base)
    path = tmp_path / "curated.ris"
    path.write_text("TY  - JOUR\nTI  - Another title\nPY  - 2021\nDO  - 10.1000/test.2021.1\n"
                    "ER  - \n")
    report = import_file(store, vocab, path)
    assert report.curated == ["test-trial"] and report.added == 0
    assert store.get("test-trial")[1].title == "A test trial of PRP in knee osteoarthritis"
    assert store.load(base).total_changes == 0


def test_malformed_record_stops_the_import_unless_skipped(store, vocab):
    report = _import(store, vocab, "malformed.ris")
    assert not report.written
    assert [str(b) for b in report.bad] == ["record 2 (line 27): no publication year"]
    assert store.counts()["sources"] == 0
    report = _import(store, vocab, "malformed.ris", skip_bad=True)
    assert report.written and report.added == 2 and len(report.bad) == 1
    assert store.counts()["sources"] == 2


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    (b"hello, this is not a bibliography\n", "cannot tell the format"),
    (b"<?xml version='1.0'?><PubmedArticleSet><PubmedArticle><Medline", "not well-formed"),
    (b'[{"title": "x",', "not valid JSON"),
    (b"PMID- 1\nTI  - caf\xe9\n", "line 2: not UTF-8 text"),
])
def test_unreadable_files_raise_one_clear_error(tmp_path, vocab, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(LiteratureFormatError, match=message):
        _fmt, records = read_records(path)
        list(records)


def test_review_queue_accept_edit_reject(store, vocab, mini_evidence):
    base, _ = read_evidence(mini_evidence, KnownTerms())
    store.load(base)
    _import(store, vocab, "pubmed.nbib")
    queue = ReviewQueue(store, vocab, with_vectors=False)
    total, pending = queue.pending()
    assert total == 3 and [s.id for s in pending][0] == "mcalindon-2017-28510679"
    queue.accept("bennell-2021-34812863", "ana@example.org")
    assert "bennell-2021-34812863" in store.evidence().sources
    assert [d for d, _ in store.keyword_search("RESTORE platelet", 5)] == [
        "sources:bennell-2021-34812863"]
    edited = queue.edit("bennell-2021-34812863", "ana@example.org", kind="rct",
                        treatments=["prp", "hyaluronic-acid"], joints=["knee", "hip"])
    assert edited.review_status == "accepted" and edited.population.joints == ["hip", "knee"]
    ids = [s.id for s in store.list_records("sources", joint="hip")]
    assert ids == ["bennell-2021-34812863"]
    queue.edit("bennell-2021-34812863", "ana@example.org", joints=["knee"])
    assert store.list_records("sources", joint="hip") == []  # stale terms are gone
    queue.reject("bennell-2021-34812863", "ben@example.org", "duplicate of a curated record")
    assert "bennell-2021-34812863" not in store.evidence().sources
    assert store.keyword_search("RESTORE platelet", 5) == []
    history = queue.history("bennell-2021-34812863")
    assert [h.decision for h in history] == ["accepted", "edited", "edited", "rejected"]
    assert history[-1].reason == "duplicate of a curated record"
    with pytest.raises(ReviewError, match="curated"):
        queue.accept("test-trial", "ana@example.org")
    with pytest.raises(ReviewError, match="unknown treatment"):
        queue.edit("pas-2017-28258177", "ana", treatments=["snake-oil"])
    with pytest.raises(ReviewError, match="say why"):
        queue.reject("pas-2017-28258177", "ana", " ")


def test_reviewers_search_imported_abstracts_by_status(store, vocab):
    for name in ("pubmed.nbib", "library.bib"):
        _import(store, vocab, name)
    index = LiteratureIndex(store, use_vectors=False)
    hits = index.search("platelet-rich plasma cartilage")
    assert hits[0].source_id == "bennell-2021-34812863" and hits[0].status == "unreviewed"
    assert index.search("viscosupplementation")[0].source_id == "pereira-2022-294a4417"
    ReviewQueue(store, vocab, with_vectors=False).reject("pereira-2022-294a4417", "a", "off topic")
    assert index.search("viscosupplementation") == []
    assert index.search("viscosupplementation", status="rejected")[0].status == "rejected"


def test_vector_search_and_incremental_embedding(tmp_path, vocab):
    store = Store(f"sqlite:///{tmp_path / 'v.sqlite'}")
    store.upgrade()
    index = LiteratureIndex(store, VectorStore(tmp_path / "v.usearch"))
    _import(store, vocab, "pubmed.nbib")
    assert index.embed_pending() == 3
    assert index.embed_pending() == 0  # only new or changed records are embedded
    _import(store, vocab, "library.bib")  # adds Pereira, updates Pas
    assert index.embed_pending() == 2
    assert len(index.vectors) == 4
    from synovia.search import get_encoder

    query = get_encoder().encode(
        ["hyaluronic acid viscosupplementation injections for knee osteoarthritis"])[0]
    nearest = index.vectors.search(query, 1)[0][0]
    assert index.records.by_keys([nearest])[nearest][0] == "pereira-2022-294a4417"
    hits = index.search("viscosupplementation knee", query_vector=query)
    assert hits[0].source_id == "pereira-2022-294a4417"


def test_vector_store_replaces_keys(tmp_path):
    vs = VectorStore(tmp_path / "x.usearch", dim=8)
    eye = np.eye(8, dtype=np.float32)
    vs.add(np.arange(8), eye)
    assert vs.search(eye[3], 1)[0][0] == 3
    vs.add(np.array([3]), eye[5:6])  # key 3 now points where key 5 does
    assert {k for k, _ in vs.search(eye[5], 2)} == {3, 5} and len(vs) == 8


def test_fhir_export_validates(store, vocab, mini_evidence):
    from fhir.resources.bundle import Bundle

    base, _ = read_evidence(mini_evidence, KnownTerms())
    store.load(base)
    _import(store, vocab, "pubmed.nbib")
    ReviewQueue(store, vocab, with_vectors=False).accept("mcalindon-2017-28510679", "ana")
    sources = store.list_records("sources")
    bibs = LiteratureStore(store).bib(s.id for s in sources)
    bundle = fhir_bundle(sources, store.evidence(), bibs, vocab)
    parsed = Bundle.model_validate(bundle)
    kinds = [e.resource.get_resource_type() for e in parsed.entry]
    assert kinds == ["Citation", "Citation", "Citation", "Evidence"]
    mc = next(e["resource"] for e in bundle["entry"]
              if e["resource"]["id"] == "mcalindon-2017-28510679")
    art = mc["citedArtifact"]
    assert art["identifier"] == [{"system": "https://doi.org", "value": "10.1001/jama.2017.5283"},
                                 {"system": "https://pubmed.ncbi.nlm.nih.gov",
                                  "value": "28510679"}]
    assert [c["contributor"]["display"] for c in art["contributorship"]["entry"]][:2] == [
        "McAlindon TE", "LaValley MP"]
    assert art["publicationForm"][0]["publishedIn"]["title"] == "JAMA"
    assert art["publicationForm"][0]["pageString"] == "1967-1975"
    assert art["abstract"][0]["text"].startswith("IMPORTANCE")
    evidence = bundle["entry"][-1]["resource"]
    assert evidence["statistic"][0]["quantity"]["value"] == -0.3
    assert evidence["statistic"][0]["attributeEstimate"][0]["range"]["low"]["value"] == -0.9
    roles = [v["variableRole"]["coding"][0]["code"] for v in evidence["variableDefinition"]]
    assert roles == ["exposure", "referenceExposure", "measuredVariable"]
    cited = next(e["fullUrl"] for e in bundle["entry"] if e["resource"]["id"] == "test-trial")
    assert evidence["citeAsReference"]["reference"] == cited


def test_csl_json_and_ris_exports_read_back(store, vocab, tmp_path):
    _import(store, vocab, "pubmed.nbib")
    sources = store.list_records("sources", review_status="unreviewed")
    bibs = LiteratureStore(store).bib(s.id for s in sources)
    for name, text in (("out.json", export_csl_json(sources, bibs)),
                       ("out.ris", export_ris(sources, bibs))):
        (tmp_path / name).write_text(text)
        _fmt, records = read_records(tmp_path / name)
        back = {r.pmid: r for r in records}
        mc = back["28510679"]
        assert (mc.title, mc.authors, mc.journal, mc.year, mc.doi) == (
            MCALINDON["title"], MCALINDON["authors"], "JAMA", 2017, "10.1001/jama.2017.5283")
        assert (mc.volume, mc.issue, mc.pages) == ("317", "19", "1967-1975")
        assert mc.abstract.startswith("IMPORTANCE")


def test_synthetic_abstracts_are_valid_medline(tmp_path, vocab):
    items = list(generate(50, vocab))
    path = tmp_path / "synthetic.nbib"
    path.write_text("".join(medline_text(i.record) for i in items))
    _fmt, records = read_records(path)
    records = list(records)
    assert len(records) == 50 and all(r.problem() is None for r in records)
    assert records[7].title == items[7].record.title and records[7].pmid == "90000007"
    kinds = {study_kind(r) for r in records}
    assert {"rct", "systematic-review"} <= kinds


def test_cli_import_review_export(tmp_path):
    env = {"SYNOVIA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}
    bad = run_cli("evidence", "import", str(LIT / "malformed.ris"), "--no-embed", env=env)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "error: 1 malformed record(s), first record 2 (line 27): no publication year; " \
           "nothing was imported" in bad.stderr
    ok = run_cli("evidence", "import", str(LIT / "malformed.ris"), "--skip-bad", "--no-embed",
                 env=env)
    assert ok.returncode == 0, ok.stderr
    assert "skipped malformed.ris: record 2 (line 27): no publication year" in ok.stderr
    assert "2 added" in ok.stdout
    empty = tmp_path / "empty.ris"
    empty.write_text("")
    r = run_cli("evidence", "import", str(empty), env=env)
    assert r.returncode == 1 and r.stderr.strip() == \
        "error: empty.ris: the file is empty; nothing was imported"
    listed = run_cli("evidence", "review", "list", "--format", "json", env=env)
    assert json.loads(listed.stdout)["total"] == 2
    r = run_cli("evidence", "review", "accept", "bennell-2021-34812863", "--reviewer", "ana",
                env=env)
    assert r.returncode == 0 and "accepted" in r.stdout
    r = run_cli("evidence", "review", "reject", "whittle-2025-40169165", "--reason", "", env=env)
    assert r.returncode == 1 and r.stderr.startswith("error: say why")
    out = tmp_path / "bundle.json"
    r = run_cli("evidence", "export", "--format", "fhir", "-o", str(out), env=env)
    assert r.returncode == 0, r.stderr
    from fhir.resources.bundle import Bundle

    bundle = Bundle.model_validate_json(out.read_text())
    assert [e.resource.id for e in bundle.entry] == ["bennell-2021-34812863"]



def test_design_words_are_data_validated_on_load(tmp_path):
    """Study designs are read with data/lexicon/designs.yaml; an unknown kind is refused."""
    import yaml

    from synovia.literature.classify import design_words, kind_from_types, kind_from_wording
    from tests.conftest import DATA

    assert kind_from_types(["Journal Article", "Randomized Controlled Trial"]) == "rct"
    assert kind_from_wording("A systematic review of PRP", None) == "systematic-review"
    data = yaml.safe_load((DATA / "lexicon" / "designs.yaml").read_text())
    data["publication_types"]["editorial"] = "opinion-piece"
    folder = tmp_path / "lexicon"
    folder.mkdir()
    (folder / "designs.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ValueError, match="opinion-piece"):
        design_words(folder)
