"""The specialist directory: CSV validation and import (both engines), filters and distance,
listing briefings, enquiries, the pages, the JSON API and the CLI."""

from __future__ import annotations

import csv
import io
import json
import socketserver
import threading
from pathlib import Path

import pytest

from tests.conftest import (
    DATA,
    copy_sqlite,
    csrf_of,
    login,
    make_platform,
    make_user,
    run_cli,
)

SAMPLE = DATA / "directory" / "sample_listings.csv"
REGIONS = ["north-east", "north-west", "yorkshire-humber", "east-midlands", "west-midlands",
           "east-of-england", "london", "south-east", "south-west", "wales", "scotland",
           "northern-ireland"]


def make_directory(store, vocab):
    from synovia.directory import Directory

    return Directory.from_data(store, vocab, DATA)


@pytest.fixture
def directory(store, vocab):
    return make_directory(store, vocab)


@pytest.fixture(scope="module")
def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def reader(vocab):
    """The directory without a database: enough to read and validate CSV files."""
    from synovia.directory import Directory

    return Directory.from_data(None, vocab, DATA)


@pytest.fixture(scope="module")
def sample_listings(reader):
    """The sample parsed once: the oracle the database results are compared with."""
    result = reader.read_csv(SAMPLE)
    assert result.ok, result.errors[:5]
    return result.listings


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def spreadsheet_row(rows: list[dict[str, str]], listing_id: str) -> int:
    """The spreadsheet row (header = 1) of a listing's first line."""
    return next(i for i, r in enumerate(rows, start=2) if r["id"] == listing_id)


# -- postcode districts ------------------------------------------------------------------------
@pytest.mark.parametrize("typed, district", [
    ("LS6", "LS6"), ("ls6 2ab", "LS6"), ("LS62AB", "LS6"), ("  sw1a 1aa ", "SW1A"),
    ("EC1A", "EC1A"), ("BT7", "BT7"), ("W1G", "W1G"), ("M1", "M1"),
    ("L", None), ("LS", None), ("123", None), ("LS6 2A", None), ("LSX6", None), ("", None),
    ("<script>", None)])
def test_parse_district(typed, district):
    from synovia.directory import parse_district

    assert parse_district(typed) == district


def test_district_table_covers_the_uk(sample_rows):
    from synovia.directory import distance_km
    from synovia.directory.postcodes import Districts

    districts = Districts.from_file(DATA / "directory" / "postcode_districts.csv")
    assert len(districts) > 2800
    for area in ("AB10", "ZE1", "TR18", "CF10", "G1", "BT1", "BT74", "SW1A", "NR1"):
        assert districts.get(area) is not None, area
    assert all(districts.get(r["postcode_district"]) for r in sample_rows)
    leeds, london = districts.get("LS1"), districts.get("EC1A")
    assert 255 < distance_km(leeds.lat, leeds.lon, london.lat, london.lon) < 285
    assert districts.get("BT7").approximate and not districts.get("LS1").approximate


# -- reading a CSV -----------------------------------------------------------------------------
def test_sample_is_sixty_fictional_listings_in_every_region(sample_listings):
    assert 55 <= len(sample_listings) <= 65
    assert all(item.example and "(fictional)" in item.name for item in sample_listings)
    regions = {loc.region for item in sample_listings for loc in item.locations}
    assert regions == set(REGIONS)
    assert any(len(item.locations) > 1 for item in sample_listings)
    assert any("exosomes" in item.treatments for item in sample_listings)


def test_bad_rows_are_named_by_row_and_column(reader, sample_rows):
    rows = [dict(r) for r in sample_rows]
    firsts = [r for r in rows if r["name"]]  # a listing's first line (others add locations)
    bad_treatment, no_number, bad_postcode = rows[1], firsts[5], rows[9]
    bad_treatment["treatments"] = "prp;stem-cells"
    no_number["registration_number"] = ""
    bad_postcode["postcode_district"] = "LS 6"
    result = reader.read_csv(to_csv(rows))
    assert not result.ok and result.listings == []
    found = {(e.row, e.column) for e in result.errors}
    assert (3, "treatments") in found
    assert (spreadsheet_row(rows, no_number["id"]), "registration_number") in found
    assert (rows.index(bad_postcode) + 2, "postcode_district") in found
    messages = " | ".join(str(e) for e in result.errors)
    assert "row 3, column treatments: unknown treatment id 'stem-cells'" in messages
    assert "did you mean 'msc'" in messages
    assert "'LS 6' is not a UK postcode district" in messages
    assert result.error_count == 3


def test_more_ways_a_file_is_refused(reader, sample_rows):
    first = dict(sample_rows[0])

    def errors(rows) -> set[tuple[int, str]]:
        return {(e.row, e.column) for e in reader.read_csv(to_csv(rows)).errors}

    assert (1, "nickname") in errors([{**first, "nickname": "x"}])
    missing = {k: v for k, v in first.items() if k != "region"}
    assert (1, "region") in errors([missing])
    assert (2, "registration_number") in errors([{**first, "registration_number": "12-34"}])
    assert (2, "region") in errors([{**first, "region": "Atlantis"}])
    assert (2, "postcode_district") in errors([{**first, "postcode_district": "ZZ9"}])
    assert (2, "postcode_district") in errors([{**first, "region": "northern-ireland"}])
    assert (2, "website") in errors([{**first, "website": "javascript:alert(1)"}])
    assert (2, "email") in errors([{**first, "email": "not-an-email"}])
    assert (2, "transparency_licence") in errors([{**first, "transparency_licence": "sort of"}])
    assert (2, "image_guidance") in errors([{**first, "image_guidance": "x-ray vision"}])
    assert (2, "id") in errors([{**first, "id": "Bad Id!"}])
    second = {**first, "id": "another-one"}
    assert (3, "registration_number") in errors([first, second])  # same GMC number twice
    conflict = {k: "" for k in first} | {"id": first["id"], "name": "Someone else",
                                         "address": "2 Road", "town": "Leeds",
                                         "region": "yorkshire-humber",
                                         "postcode_district": "LS1"}
    assert (3, "name") in errors([first, conflict])
    assert reader.read_csv(b"\xff\xfe\x00binary").error_count == 1
    assert reader.read_csv("").errors[0].row == 1


def test_labels_and_case_are_accepted(reader, sample_rows):
    row = {**sample_rows[0], "region": "North East", "registration_body": "gmc",
           "specialties": "Rheumatology", "sectors": "NHS", "postcode_district": "ne1 4lp"}
    result = reader.read_csv(to_csv([row]))
    assert result.ok, result.errors
    item = result.listings[0]
    assert (item.registration_body, item.specialties, item.sectors) == (
        "GMC", ["rheumatology"], ["nhs"])
    assert (item.locations[0].region, item.locations[0].district) == ("north-east", "NE1")


# -- importing (both engines) ------------------------------------------------------------------
def test_import_rejects_bad_file_and_leaves_directory_unchanged(directory, sample_rows):
    from synovia.directory import ImportRejected

    directory.import_csv(SAMPLE)
    before = directory.search({"limit": 100})
    rows = [dict(r) for r in sample_rows]
    rows[0]["name"] = "Changed name"
    rows[1]["treatments"] = "unicorn-dust"
    for update in (False, True):
        with pytest.raises(ImportRejected) as info:
            directory.import_csv(to_csv(rows), update=update)
        assert [(e.row, e.column) for e in info.value.errors] == [(3, "treatments")]
    after = directory.search({"limit": 100})
    assert after.model_dump() == before.model_dump()


def test_update_import_keeps_enquiries(directory, sample_rows):
    from synovia.directory import DirectoryError

    directory.import_csv(SAMPLE)
    target = directory.listing(sample_rows[0]["id"])
    sent = directory.enquire(target, "Pat Example", "pat@example.org", "", "Hello", True, "")
    rows = [dict(r) for r in sample_rows]
    rows[0]["name"] = "Dr Example Renamed (fictional)"
    new = {**rows[1], "id": "example-newcomer", "registration_number": "0009999"}
    rows = [r for r in rows if r["id"] != rows[2]["id"]] + [new]
    with pytest.raises(DirectoryError, match="1 enquiries"):
        directory.import_csv(to_csv(rows))
    summary = directory.import_csv(to_csv(rows), update=True)
    assert (summary.added, summary.kept, summary.enquiries_kept) == (1, 1, 1)
    assert directory.listing(target.id).name == "Dr Example Renamed (fictional)"
    assert directory.search({"q": "renamed"}).total == 1
    kept = directory.enquiries()
    assert [(e.id, e.listing_id) for e in kept] == [(sent.id, target.id)]
    assert directory.search({"limit": 1}).total == len({r["id"] for r in sample_rows}) + 1
    summary = directory.import_csv(SAMPLE, discard_enquiries=True)
    assert summary.enquiries_removed == 1 and directory.enquiries() == []
    assert directory.listing("example-newcomer") is None


def _oracle(listings, **f) -> set[str]:
    def ok(item) -> bool:
        regions = {loc.region for loc in item.locations}
        return (
            (not f.get("region") or f["region"] in regions)
            and (not f.get("treatment") or f["treatment"] in item.treatments)
            and (not f.get("specialty") or f["specialty"] in item.specialties)
            and (not f.get("guidance") or f["guidance"] in item.image_guidance)
            and (not f.get("sector") or f["sector"] in item.sectors)
            and (not f.get("outcome") or (f["outcome"] == "any" and item.outcome_scores)
                 or f["outcome"] in item.outcome_scores)
            and all(w in item.search_text() for w in (f.get("q") or "").lower().split()))
    return {item.id for item in listings if ok(item)}


@pytest.mark.parametrize("filters", [
    {"region": "london", "treatment": "prp"},
    {"region": "scotland"},
    {"treatment": "exosomes"},
    {"specialty": "rheumatology", "sector": "nhs"},
    {"guidance": "fluoroscopy"},
    {"outcome": "any"},
    {"outcome": "koos", "region": "wales"},
    {"q": "leeds"},
    {"q": "hatherley"},
    {"q": "joint clinic newcastle"},
    {"q": "100%_"},
])
def test_filters_match_the_listings(store, vocab, sample_listings, filters):
    directory = make_directory(store, vocab)
    directory.import_csv(SAMPLE)
    page = directory.search({**filters, "limit": 100})
    got = {h.listing.id for h in page.results}
    assert got == _oracle(sample_listings, **filters)
    assert page.total == len(got)
    assert page.examples_shown == bool(got) and (page.notice is not None) == bool(got)
    names = [h.listing.name for h in page.results]
    assert names == sorted(names)


def test_near_orders_by_distance_and_pages(directory, sample_listings):
    from synovia.directory import DirectoryError

    directory.import_csv(SAMPLE)
    page = directory.search({"near": "ls6 2ab", "limit": 100})
    assert page.near.district == "LS6" and page.total == len(sample_listings)
    distances = [h.distance_km for h in page.results]
    assert distances == sorted(distances)
    assert page.results[0].nearest.town == "Leeds" and distances[0] < 10
    assert distances[-1] > 400
    first = directory.search({"near": "LS6", "limit": 5})
    second = directory.search({"near": "LS6", "limit": 5, "offset": 5})
    assert [h.listing.id for h in first.results + second.results] == \
        [h.listing.id for h in page.results[:10]]
    in_ni = directory.search({"near": "BT9", "treatment": "corticosteroid", "limit": 3})
    assert in_ni.near.approximate and in_ni.results[0].nearest.region == "northern-ireland"
    for bad in ({"near": "nowhere"}, {"near": "ZZ9"}, {"region": "atlantis"},
                {"treatment": "unicorn dust"}, {"limit": 0}, {"limit": "x"},
                {"q": "x" * 101}):
        with pytest.raises(DirectoryError):
            directory.search(bad)
    assert directory.search({"treatment": "stem cells"}).filters["treatment"] == "msc"


# -- briefings and enquiries -------------------------------------------------------------------
@pytest.fixture(scope="module")
def evidence_db(tmp_path_factory, vocab) -> str:
    """SQLite with the shipped evidence (no search index: the directory does not search it)
    and the sample directory, built once for this module's page and briefing tests."""
    from synovia.evidence import KnownTerms, Store, read_evidence

    base, problems = read_evidence(DATA / "evidence", KnownTerms(vocab.treatment_ids,
                                                                 vocab.joint_ids))
    assert problems == []
    url = f"sqlite:///{tmp_path_factory.mktemp('directory') / 'evidence.sqlite'}"
    store = Store(url)
    store.upgrade()
    store.load(base)
    make_directory(store, vocab).import_csv(SAMPLE)
    store.dispose()
    return url


@pytest.fixture
def web_db(evidence_db, tmp_path) -> str:
    """A private copy per test (this module's own, lighter than conftest's indexed one)."""
    return copy_sqlite(evidence_db, tmp_path)


@pytest.fixture
def loaded_directory(web_db, vocab):
    from synovia.evidence import Store

    store = Store(web_db)
    yield make_directory(store, vocab)
    store.dispose()


def test_briefing_shows_grades_regulatory_status_checklist_and_questions(loaded_directory):
    d = loaded_directory
    exo = d.search({"treatment": "exosomes", "limit": 1}).results[0].listing
    brief = d.briefing(exo)
    by_treatment = {t.treatment: t for t in brief.treatments}
    assert set(by_treatment) == set(exo.treatments)
    exosomes = by_treatment["exosomes"]
    assert exosomes.verdicts and all(v.certainty == "very-low" for v in exosomes.verdicts)
    # weak evidence, said as such (animal studies, or unclear human studies)
    assert any(w in exosomes.verdicts[0].verdict for w in ("animals", "unclear", "very unsure"))
    assert any(r.jurisdiction == "US" and r.status == "not approved"
               and "no exosome product is approved" in r.text for r in exosomes.regulatory)
    # a jurisdiction held only in records not yet checked is named, never shown as a status
    from synovia.grade import visible

    held = d.store.evidence().regulatory.values() if hasattr(d, "store") else []
    for r in held:
        if r.treatment == "exosomes" and not visible(r, "patient"):
            assert r.jurisdiction in exosomes.unchecked or any(
                x.jurisdiction == r.jurisdiction for x in exosomes.regulatory)
    assert [c.id for c in brief.checklist] == ["product", "licence", "preparation", "guidance",
                                               "follow_up", "fallback", "study"]
    assert brief.answered == len(exo.answered)
    gaps = [c for c in brief.checklist if not c.answer]
    assert gaps and all(c.question for c in gaps)
    texts = " ".join(q.text for q in brief.questions)
    assert "licensed" in texts and "research study" in texts


class _SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept one message (no TLS, no auth)."""

    def handle(self) -> None:
        self.wfile.write(b"220 sink\r\n")
        data = False
        while line := self.rfile.readline():
            if data:
                if line == b".\r\n":
                    data = False
                    self.wfile.write(b"250 ok\r\n")
                else:
                    self.server.received.append(line.decode())
                continue
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 sink\r\n")
            elif verb == b"DATA":
                data = True
                self.wfile.write(b"354 go\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_enquiries_need_consent_catch_bots_and_email_only_with_smtp(
        loaded_directory, monkeypatch):
    from synovia.directory import BotSuspected, EnquiryError

    d = loaded_directory
    item = d.listing(d.search({"limit": 1}).results[0].listing.id)
    with pytest.raises(EnquiryError, match="consent"):
        d.enquire(item, "Pat", "pat@example.org", "", "Hello", False, "")
    with pytest.raises(BotSuspected):
        d.enquire(item, "Bot", "bot@example.org", "", "Buy", True, "http://spam.example")
    with pytest.raises(EnquiryError, match="email"):
        d.enquire(item, "Pat", "not an email", "", "Hello", True, "")
    assert d.enquiries() == []
    monkeypatch.delenv("SYNOVIA_SMTP_HOST", raising=False)
    first = d.enquire(item, "Pat", "pat@example.org", "0113 496 0000", "Hello", True, "")
    assert first.emailed is False and "stores this enquiry" in first.consent_text

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSink)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("SYNOVIA_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SYNOVIA_SMTP_PORT", str(server.server_address[1]))
        monkeypatch.setenv("SYNOVIA_SMTP_STARTTLS", "0")
        monkeypatch.setenv("SYNOVIA_ENQUIRY_TO", "inbox@example.org")
        second = d.enquire(item, "Sam", "sam@example.org", "", "Second one", True, "")
    finally:
        server.shutdown()
        server.server_close()
    assert second.emailed is True
    mail = "".join(server.received)
    assert "To: inbox@example.org" in mail and "Second one" in mail  # examples: service inbox
    assert [(e.name, e.emailed) for e in d.enquiries()] == [("Sam", True), ("Pat", False)]


# -- pages and API -----------------------------------------------------------------------------
@pytest.fixture
def dir_client(web_db, monkeypatch):
    from fastapi.testclient import TestClient

    from synovia.web.app import create_app

    monkeypatch.setenv("SYNOVIA_RATE_LIMITS", "enquiry=3/3600")
    monkeypatch.delenv("SYNOVIA_SMTP_HOST", raising=False)
    with TestClient(create_app(make_platform(web_db))) as c:
        c.get("/")
        yield c


def test_directory_page_filters_and_marks_examples(dir_client, sample_listings):
    r = dir_client.get("/directory", params={"region": "london", "treatment": "prp"})
    assert r.status_code == 200
    expected = _oracle(sample_listings, region="london", treatment="prp")
    for lid in expected:
        assert f'data-id="{lid}"' in r.text
    assert r.text.count('class="listing"') == len(expected)
    assert "Fictional example" in r.text and 'id="example-notice"' in r.text
    assert "information, not medical advice" in r.text.lower()
    assert '<a href="/directory">Find a specialist</a>' in r.text
    near = dir_client.get("/directory", params={"near": "LS6"})
    assert "nearest to LS6 first" in near.text and "km" in near.text
    assert dir_client.get("/directory", params={"page": 3}).text.count('class="listing"') == \
        len(sample_listings) - 40
    bad = dir_client.get("/directory", params={"near": "nowhere"})
    assert bad.status_code == 422 and "not a UK postcode" in bad.text


def test_listing_page_shows_evidence_checklist_questions_and_form(dir_client):
    ids = [h["listing"]["id"] for h in dir_client.get(
        "/api/directory", params={"treatment": "exosomes"}).json()["results"]]
    r = dir_client.get(f"/directory/{ids[0]}")
    assert r.status_code == 200
    assert 'id="evidence"' in r.text and "no exosome product is approved" in r.text
    assert 'class="certainty very-low"' in r.text
    assert "Transparency checklist" in r.text and "Not answered" in r.text
    assert 'id="questions"' in r.text and "research study" in r.text
    assert 'name="consent"' in r.text and 'name="website"' in r.text
    assert "Fictional example" in r.text and "information, not medical advice" in r.text.lower()
    assert dir_client.get("/directory/no-such-listing").status_code == 404


def test_listing_text_is_escaped(web_db, vocab, sample_rows):
    from fastapi.testclient import TestClient

    from synovia.evidence import Store
    from synovia.web.app import create_app

    row = {**sample_rows[0], "name": "Dr <script>alert(1)</script> (fictional)",
           "transparency_fallback": "<img src=x onerror=alert(1)>"}
    make_directory(Store(web_db), vocab).import_csv(to_csv([row]), update=True)
    with TestClient(create_app(make_platform(web_db))) as c:
        page = c.get(f"/directory/{row['id']}").text
        listing = c.get("/directory").text
    for text in (page, listing):
        assert "<script>alert" not in text and "&lt;script&gt;" in text
    assert "<img src=x" not in page


def test_api_matches_cli_filters_and_reports_bad_ones(dir_client):
    from synovia.directory import ResultPage

    r = dir_client.get("/api/directory", params={"region": "Wales", "sector": "nhs",
                                                  "limit": 50})
    assert r.status_code == 200
    page = ResultPage.model_validate(r.json())
    assert page.filters == {"region": "wales", "sector": "nhs"}
    assert page.results and all(
        "wales" in {loc.region for loc in h.listing.locations} and "nhs" in h.listing.sectors
        for h in page.results)
    assert r.json()["examples_shown"] is True and r.json()["notice"]
    bad = dir_client.get("/api/directory", params={"guidance": "x-ray vision"})
    assert bad.status_code == 422 and "guidance" in bad.json()["error"]
    assert dir_client.get("/api/directory", params={"limit": 1000}).status_code == 422
    one = dir_client.get(f"/api/directory/{page.results[0].listing.id}")
    assert one.status_code == 200 and one.json()["locations"]
    assert dir_client.get("/api/directory/nope").status_code == 404


def test_enquiry_form_consent_honeypot_csrf_rate_limit_and_admin_list(dir_client, web_db):
    lid = dir_client.get("/api/directory", params={"limit": 1}).json()["results"][0][
        "listing"]["id"]
    form = {"csrf_token": csrf_of(dir_client), "name": "Pat Example",
            "email": "pat@example.org", "message": "Do you offer ultrasound guidance?"}
    url = f"/directory/{lid}/enquiry"
    refused = dir_client.post(url, data=form)
    assert refused.status_code == 422 and "consent" in refused.text
    assert 'value="Pat Example"' in refused.text  # what was typed is kept
    assert dir_client.post(url, data={**form, "csrf_token": "forged" * 5,
                                      "consent": "yes"}).status_code == 403
    bot = dir_client.post(url, data={**form, "consent": "yes", "website": "spam"})
    assert bot.status_code == 200 and "Thank you" in bot.text
    ok = dir_client.post(url, data={**form, "consent": "yes"})
    assert ok.status_code == 200 and "Thank you" in ok.text
    limited = dir_client.post(url, data={**form, "consent": "yes"})
    assert limited.status_code == 429  # enquiry=3/3600; a forged form never gets that far
    admin_page = "/directory/admin/enquiries"
    assert dir_client.get(admin_page, follow_redirects=False).status_code == 303
    make_user(web_db, "editor")
    login(dir_client, "editor@example.org")
    assert dir_client.get(admin_page).status_code == 403
    make_user(web_db, "admin")
    login(dir_client, "admin@example.org")
    listed = dir_client.get(admin_page)
    assert listed.status_code == 200
    assert listed.text.count("Pat Example") == 1  # the bot's and the refused one: not stored
    assert "Do you offer ultrasound guidance?" in listed.text


# -- CLI ---------------------------------------------------------------------------------------
def test_cli_import_search_show_and_errors(tmp_path, sample_rows):
    env = {"SYNOVIA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}
    bad_rows = [dict(r) for r in sample_rows]
    bad_rows[2]["postcode_district"] = "12345"
    bad = tmp_path / "bad.csv"
    bad.write_text(to_csv(bad_rows))
    r = run_cli("directory", "import", str(bad), env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "row 4, column postcode_district: '12345' is not a UK postcode district" in r.stderr
    r = run_cli("directory", "import", str(SAMPLE), env=env)
    assert r.returncode == 0, r.stderr
    r = run_cli("directory", "search", "--region", "london", "--treatment", "prp",
                "--format", "json", env=env)
    assert r.returncode == 0, r.stderr
    page = json.loads(r.stdout)
    assert page["total"] == len(page["results"]) > 0
    assert all("prp" in h["listing"]["treatments"] for h in page["results"])
    r = run_cli("directory", "search", "--outcome", "telepathy", env=env)
    assert r.returncode == 1 and r.stderr.startswith("error: outcome: unknown value")
    assert "Traceback" not in r.stderr
    r = run_cli("directory", "show", page["results"][0]["listing"]["id"], env=env)
    assert r.returncode == 0 and "answered" in r.stdout and "Fictional example" in r.stdout
    r = run_cli("directory", "import", str(tmp_path / "missing.csv"), env=env)
    assert r.returncode == 1 and "no such file" in r.stderr


def test_cli_help_lists_directory_commands():
    r = run_cli("directory", "--help")
    assert r.returncode == 0
    for command in ("import", "search", "show", "enquiries"):
        assert command in r.stdout


def test_public_names_are_sorted_and_complete():
    import synovia.directory as d

    assert d.__all__ == sorted(d.__all__)
    assert all(hasattr(d, name) for name in d.__all__)


def test_docs_name_every_csv_column():
    from synovia.directory.csvfile import CLINICIAN_COLUMNS, LOCATION_COLUMNS

    doc = (Path(__file__).resolve().parents[1] / "docs" / "directory.md").read_text()
    for column in CLINICIAN_COLUMNS + LOCATION_COLUMNS:
        assert f"`{column}`" in doc, column
