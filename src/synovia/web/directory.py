"""Directory pages and API: find a specialist, read a listing with the evidence on what it
offers, send an enquiry; admins read the enquiries. Views only call the directory job."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from synovia.directory import (
    CONSENT_TEXT,
    EXAMPLE_NOTICE,
    BotSuspected,
    Directory,
    DirectoryError,
    EnquiryError,
    Listing,
    ResultPage,
)
from synovia.web.pages import page
from synovia.web.security import check_csrf
from synovia.web.state import app_state, rate, require_user

router = APIRouter()
FILTERS = ("region", "specialty", "treatment", "guidance", "outcome", "sector", "q", "near")
PAGE_SIZE = 20


def directory(request: Request) -> Directory:
    """One Directory per app, built on first use from the platform's store and data."""
    found = getattr(request.app.state, "directory", None)
    if found is None:
        syn = app_state(request).syn
        found = Directory.from_data(syn.store, syn.vocab, syn.settings.data_dir)
        request.app.state.directory = found
    return found


def _raw(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "")[:200] for k in FILTERS}


@router.get("/directory", response_class=HTMLResponse)
def directory_page(request: Request, page_n: int = Query(1, alias="page")):
    d = directory(request)
    raw = _raw(request)
    page_n = max(1, min(page_n, 100_000))
    error, results = None, None
    try:
        results = d.search({**raw, "limit": PAGE_SIZE, "offset": (page_n - 1) * PAGE_SIZE})
    except DirectoryError as exc:
        error = str(exc)
    return page(request, "directory.html", status=422 if error else 200, error=error,
                results=results, raw=raw, terms=d.terms, vocab=d.vocab, page_n=page_n,
                page_size=PAGE_SIZE, treatments=_treatment_choices(d),
                query=urlencode({k: v for k, v in raw.items() if v}),
                example_notice=EXAMPLE_NOTICE)


@router.get("/directory/admin/enquiries", response_class=HTMLResponse)
def enquiries_page(request: Request):
    require_user(request, "admin")
    return page(request, "directory_enquiries.html",
                enquiries=directory(request).enquiries(limit=500))


@router.get("/directory/{listing_id}", response_class=HTMLResponse)
def listing_page(request: Request, listing_id: str):
    d = directory(request)
    item = _listing(d, listing_id)
    return _listing_view(request, d, item)


@router.post("/directory/{listing_id}/enquiry", response_class=HTMLResponse)
def send_enquiry(request: Request, listing_id: str, name: str = Form(""),
                 email: str = Form(""), phone: str = Form(""), message: str = Form(""),
                 consent: str = Form(""), website: str = Form(""),
                 csrf_token: str | None = Form(None)):
    check_csrf(request, csrf_token)
    rate(request, "enquiry")
    d = directory(request)
    item = _listing(d, listing_id)
    form = {"name": name[:200], "email": email[:254], "phone": phone[:40],
            "message": message[:3000]}
    try:
        d.enquire(item, name[:500], email[:500], phone[:100], message[:5000],
                  consent == "yes", website)
    except BotSuspected:
        pass  # answered like a success so the bot learns nothing; nothing was stored
    except EnquiryError as exc:
        return _listing_view(request, d, item, status=422, enquiry_error=str(exc), form=form)
    return page(request, "directory_sent.html", listing=item, example_notice=EXAMPLE_NOTICE)


@router.get("/api/directory", response_model=ResultPage)
def api_search(request: Request, limit: int = 20, offset: int = 0):
    try:
        return directory(request).search({**_raw(request), "limit": limit, "offset": offset})
    except DirectoryError as exc:
        return JSONResponse({"error": str(exc)}, status_code=exc.status)


@router.get("/api/directory/{listing_id}", response_model=Listing)
def api_listing(request: Request, listing_id: str):
    return _listing(directory(request), listing_id)


def _listing(d: Directory, listing_id: str) -> Listing:
    item = d.listing(listing_id)
    if item is None:
        raise HTTPException(404, "no such listing")
    return item


def _listing_view(request: Request, d: Directory, item: Listing, status: int = 200,
                  enquiry_error: str | None = None, form: dict | None = None) -> HTMLResponse:
    return page(request, "directory_listing.html", status=status, listing=item,
                briefing=d.briefing(item), terms=d.terms, vocab=d.vocab,
                consent_text=CONSENT_TEXT, enquiry_error=enquiry_error, form=form or {},
                example_notice=EXAMPLE_NOTICE)


def _treatment_choices(d: Directory) -> list[tuple[str, str]]:
    """The injections first (what the directory is for), then the rest of the vocabulary."""
    terms = d.vocab.terms.get("treatment", {})
    ordered = sorted(terms.values(), key=lambda t: (t.category != "injection", t.label))
    return [(t.id, t.label) for t in ordered]
