"""Read an article (plain text, Markdown or HTML) as real pages come: blocks, sentences with
character offsets, inline citation markers in whatever style the page uses, its reference
list (with or without a heading; numbered, bulleted, Vancouver, APA/Harvard, footnotes, bare
DOIs or URLs), and the boilerplate around it (menus, cookie lines, share and contact lines,
legal disclaimers), which is set aside.

Offsets refer to the article's plain text (`Document.text`), which is what reports highlight.
HTML is sanitised first (nh3), scripts and styles are dropped, `<sup>` numbers become markers.
Malformed markers (`[1-2-3]`, `¹⁻²⁻³`) are read as the numbers they hold; nothing here raises
on odd input except `ArticleError` for input that is not an article at all."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import nh3

from synovia.evidence import DOI_RE, clean_doi
from synovia.yamldata import read_lexicon


@dataclass(frozen=True)
class ArticleWords:
    """data/lexicon/article.yaml, compiled: the words for reading real pages."""

    ref_headings: re.Pattern[str]
    strong_ref_headings: re.Pattern[str]
    end_of_refs: re.Pattern[str]
    ref_type_labels: re.Pattern[str]
    not_a_marker_before: re.Pattern[str]
    journalish: re.Pattern[str]
    abbreviations: frozenset[str]
    boilerplate: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=4)
def words(folder: Path | None = None) -> ArticleWords:
    """The article-reading words from `folder` (default: the configured lexicon folder),
    validated once: a missing or broken entry is a clear error, not a wrong parse."""
    path, data = read_lexicon("article.yaml", folder)
    try:
        patterns = {f.name: re.compile(str(data[f.name]), re.I) for f in fields(ArticleWords)
                    if f.name not in ("abbreviations", "boilerplate")}
        return ArticleWords(**patterns,
                            abbreviations=frozenset(str(a) for a in data["abbreviations"]),
                            boilerplate=tuple(re.compile(str(b), re.I)
                                              for b in data["boilerplate"]))
    except (KeyError, TypeError, re.error) as exc:
        raise ValueError(f"{path}: article words missing or malformed: {exc!r}") from None


MAX_BYTES = 1_000_000  # about 150,000 words; larger input is refused, not truncated silently
MAX_DEPTH = 200  # HTML nesting beyond this is flattened (a page is not 80,000 divs deep)
MAX_MARKER = 400

# Headings that name a reference list whatever follows; the others ("Sources", "Research")
# only when reference-like entries follow them.
# "[1] …", "1. …", "1) …", "- [1] …", "• 1. …", "[^1]: …", "¹ …"
NUMBERED_REF = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:\d+\.\s*)?\[\^?(\d{1,3})\]:?\s*(.*)$"
    r"|^\s*(?:[-*•]\s*)?(\d{1,3})[.)]\s+(.*)$"
    r"|^\s*(?:[-*•]\s*)?\(?(\d{1,3})\)\s+(.*)$"
    r"|^\s*([¹²³⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹]*)\s*(.*)$")
BULLET = re.compile(r"^\s*[-*•]\s+")
# Bracketed numbers: "[1]", "[1,2]", "[1–3]", "[1-2-3]", "[ 4 ]" (a malformed one is read too).
BRACKET_MARKER = re.compile(r"\[\^?\s*(\d{1,3}(?:\s*[,;–—-]\s*\d{1,3})*)\s*\]")
PAREN_MARKER = re.compile(r"(?<=[\w.,;:%’'\")\]])\s?\((\d{1,3}(?:\s*[,;–—-]\s*\d{1,3})*)\)")
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
SUPERSCRIPT_RUN = re.compile(r"(?<=[\w.,;:)\]%’'\"])([⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,⁻–-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)")
# Superscripts flattened into text: "disability.1 It", "knees,2 and", "trials1–3 show".
FLATTENED = re.compile(
    r"(?<=[a-z)\]%])(?:[.,;:]?)(\d{1,3}(?:[,–-]\d{1,3})*)(?=[.,;:]?(?:\s+[A-Za-z(]|\s*$))")
# "…being injected. 1" / "…at 3-6 months 1, 2": numbers trailing a line.
TRAILING = re.compile(r"(?<=[A-Za-z.)%:;,’'\"])\s+(\d{1,2}(?:\s*,\s*\d{1,2})*)\s*$")
NAME = r"[A-ZÀ-Þ][\w'’\-]+"  # a surname, accents included ("Jüni")
AUTHOR_DATE = re.compile(
    rf"\(\s*((?:(?:see|e\.g\.,?|cf\.)\s+)?{NAME}(?:\s+(?:et al\.?|and|&)\s*(?:{NAME})?)?,?"
    rf"\s+(?:19|20)\d\d[a-z]?(?:\s*[;,]\s*{NAME}(?:\s+(?:et al\.?|and|&)\s*(?:{NAME})?)?,?"
    rf"\s+(?:19|20)\d\d[a-z]?)*)\s*\)"
    rf"|\b({NAME})(?:\s+et al\.?|\s+(?:and|&)\s+{NAME})?\s+\(((?:19|20)\d\d)[a-z]?\)")
AUTHOR_YEAR = re.compile(rf"({NAME})(?:\s+(?:et al\.?|and|&)\s*(?:{NAME})?)?,?\s+((?:19|20)\d\d)")
DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>)\]]+)", re.I)
URL_IN_TEXT = re.compile(r"https?://[^\s\"<>)]+", re.I)
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
APA_ENTRY = re.compile(rf"^\s*(?:[-*•]\s*)?{NAME},\s+(?:[A-Z]\.\s*)+.*\((?:19|20)\d\d[a-z]?\)")
VANCOUVER_ENTRY = re.compile(rf"^\s*(?:[-*•]\s*)?(?:\d{{1,3}}[.)]\s*)?{NAME}\s+[A-Z]{{1,3}}[,.]"
                             rf"(?:\s+{NAME}\s+[A-Z]{{1,3}}[,.])*")
SENTENCE_END = re.compile(
    r"(?:(?<=[a-z%)])[.!?]\d{1,3}(?:[,–-]\d{1,3})*|[.!?][\"'’”)\]]*(?:\s*\[[\d,;\s–—-]+\])?)"
    r"\s+(?=[\"'“‘(]?[A-Z0-9•¹²³]|\[[A-Za-z]|[a-z][A-Z])"
    # a full stop with the space lost in copying ("over 12 months.Participants who")
    r"|(?<=[a-z]{3})[.!?][\"'’”]?(?=[\"“]?[A-Z][a-z]+\b)")


class ArticleError(ValueError):
    """The input cannot be read as an article (empty, binary, too large)."""


@dataclass
class Sentence:
    text: str
    start: int
    end: int
    block: int
    heading: str | None
    markers: list[int] = field(default_factory=list)
    marker_style: str | None = None
    boilerplate: bool = False
    question: bool = False
    is_heading: bool = False  # a headline: judged when it makes a claim ("PRP Regrows Cartilage")
    author_date: list[str] = field(default_factory=list)  # "Smith 2016" citations


@dataclass
class Reference:
    n: int
    text: str
    start: int
    title: str | None = None
    year: int | None = None
    doi: str | None = None
    doi_valid: bool = True
    raw_doi: str | None = None
    urls: list[str] = field(default_factory=list)
    numbered: bool = True
    first_author: str | None = None
    pmid: str | None = None


@dataclass
class Document:
    text: str
    format: str
    title: str | None
    blocks: list[tuple[int, int, str]]  # (start, end, kind: heading|paragraph|item|boilerplate)
    sentences: list[Sentence]
    references: list[Reference]
    reference_heading: int | None  # offset where the reference list starts
    marker_styles: set[str] = field(default_factory=set)
    reference_end: int | None = None
    missing_author_date: list[str] = field(default_factory=list)

    @property
    def body_sentences(self) -> list[Sentence]:
        return [s for s in self.sentences if not self._in_references(s.start)]

    @property
    def claim_sentences(self) -> list[Sentence]:
        """Body sentences that may carry a claim: not boilerplate, not questions."""
        return [s for s in self.body_sentences if not s.boilerplate and not s.question]

    def _in_references(self, at: int) -> bool:
        if self.reference_heading is None:
            return False
        return at >= self.reference_heading and (self.reference_end is None
                                                  or at < self.reference_end)

    @property
    def word_count(self) -> int:
        return len(re.findall(r"\w+", self.text))


# -- input --------------------------------------------------------------------------------------
def decode(raw: bytes) -> str:
    if not raw or not raw.strip():
        raise ArticleError("the article is empty")
    if len(raw) > MAX_BYTES:
        raise ArticleError(f"the article is larger than {MAX_BYTES // 1000} kB; "
                           "split it or check a shorter version")
    if b"\x00" in raw[:8192]:
        raise ArticleError("the file is binary, not an article (text, Markdown or HTML)")
    for encoding in ("utf-8", "utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8",):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    text = raw.decode("latin-1")
    control = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\n\r\t")
    if control > 8:
        raise ArticleError("the file is binary, not an article (text, Markdown or HTML)")
    return text


def detect_format(text: str) -> str:
    head = text[:4000].lower()
    if re.search(r"<(html|body|p|div|article|h[1-6]|ul|li|sup|br)\b", head):
        return "html"
    if re.search(r"^\s{0,3}#{1,6}\s|\[[^\]]+\]\(https?://|^\s*[-*]\s+\*\*|\[\^\d+\]", text[:4000],
                 re.M):
        return "markdown"
    return "text"


# -- HTML and Markdown to plain text --------------------------------------------------------------
class _HtmlText(HTMLParser):
    BLOCK = {"p", "div", "section", "article", "li", "ul", "ol", "tr", "table", "br", "h1", "h2",
             "h3", "h4", "h5", "h6", "blockquote", "header", "footer", "main", "aside", "nav",
             "figcaption", "dd", "dt", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_sup = 0
        self.lists: list[list[int]] = []  # open lists: [counter] for <ol>, [] for <ul>
        self.depth = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            return
        if tag in ("ol", "ul"):
            self.lists.append([0] if tag == "ol" else [])
        if tag == "li" and self.lists and self.lists[-1]:
            # An ordered list's numbers are part of the text (reference lists are numbered).
            self.lists[-1][0] += 1
            self.parts.append(f"\n\n{self.lists[-1][0]}. ")
        elif tag in self.BLOCK:
            self.parts.append("\n\n" if tag != "li" else "\n\n• ")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.parts.append("# ")
        if tag == "sup":
            self.in_sup += 1

    def handle_endtag(self, tag) -> None:
        self.depth = max(0, self.depth - 1)
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag == "sup":
            self.in_sup = max(0, self.in_sup - 1)
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data) -> None:
        if self.in_sup and re.fullmatch(r"\s*\[?\d{1,3}(\s*[,–-]\s*\d{1,3})*\]?\s*", data):
            self.parts.append(f"[{data.strip().strip('[]')}]")
        else:
            self.parts.append(data)


def html_to_text(source: str) -> str:
    clean = nh3.clean(source, tags={"p", "div", "section", "article", "li", "ul", "ol", "tr",
                                    "td", "th", "table", "br", "h1", "h2", "h3", "h4", "h5", "h6",
                                    "blockquote", "sup", "sub", "a", "em", "strong", "b", "i",
                                    "span", "header", "footer", "main", "aside", "figcaption",
                                    "dd", "dt", "dl", "hr", "time", "cite", "small", "nav"},
                      attributes={"a": {"href"}}, clean_content_tags={"script", "style"},
                      link_rel=None)
    parser = _HtmlText()
    parser.feed(clean)
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = re.sub(r"[ \t\xa0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def markdown_to_text(source: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", source)
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1 (\2)", text)
    text = re.sub(r"\[([^\]^][^\]]*)\]\((?:/[^)\s]*|#[^)\s]*|mailto:[^)\s]*)\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<!\w)[*_](?!\s)(.+?)(?<!\s)[*_](?!\w)", r"\1", text)
    text = re.sub(r"<sup>\s*\[?(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]?\s*</sup>", r"[\1]", text)
    text = re.sub(r"^\[\^(\d{1,3})\]:\s*", r"[\1] ", text, flags=re.M)  # footnote definitions
    text = re.sub(r"\[\^(\d{1,3})\]", r"[\1]", text)
    text = re.sub(r"^\s*[-*+]\s+", "• ", text, flags=re.M)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return text


# -- markers ----------------------------------------------------------------------------------
def expand(spec: str) -> list[int]:
    """The numbers a marker holds: "1,2" → [1, 2]; "1–3" → [1, 2, 3]; "1-2-3" → [1, 2, 3]
    (malformed, read as the numbers written); never raises."""
    nums: list[int] = []
    spec = spec.translate(SUPERSCRIPT).replace("–", "-").replace("—", "-")
    for part in re.split(r"\s*[,;]\s*", spec):
        pieces = [int(x) for x in re.findall(r"\d{1,4}", part)]
        if len(pieces) == 2 and 0 < pieces[1] - pieces[0] <= 30:
            nums += list(range(pieces[0], pieces[1] + 1))
        else:
            nums += pieces
    return [n for n in dict.fromkeys(nums) if 0 < n <= MAX_MARKER]


# -- structure ---------------------------------------------------------------------------------
def _strip_markers(line: str) -> str:
    return BRACKET_MARKER.sub("", line).rstrip()


def _is_boilerplate(line: str) -> bool:
    return any(rx.search(line) for rx in words().boilerplate)


def _blocks(text: str) -> list[tuple[int, int, str]]:
    blocks = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0)
        stripped = line.strip()
        if not stripped:
            continue
        kind = "item" if BULLET.match(line) or re.match(r"^\s*\d{1,2}[.)]\s", line) \
            else "paragraph"
        bare = _strip_markers(stripped)
        if line.lstrip().startswith("#") or (
            len(bare) < 90 and not re.search(r"[.!?:;,]\s*\d*\s*$", bare)
            and len(bare.split()) <= 12 and bare[:1].isupper() and kind == "paragraph"
            and not re.search(r"[.!?]\s*[\"'’”)]?\s*\[[\d,\s–-]+\]\s*$", stripped)
        ):
            kind = "heading"
        if len(stripped) < 300 and _is_boilerplate(stripped):
            kind = "boilerplate"
        blocks.append((m.start(), m.end(), kind))
    return blocks


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    chunk = text[start:end]
    spans, last = [], 0
    for m in SENTENCE_END.finditer(chunk):
        before = re.search(r"([\w.]+)$", chunk[last:m.start()])
        word = before.group(1).lower().rstrip(".") if before else ""
        if word in words().abbreviations or re.fullmatch(r"[a-z]", word):
            continue
        cut = m.end()
        # A marker right after the full stop ("… rigorously. [2] Next") stays with the
        # sentence it follows; SENTENCE_END already swallowed it.
        if m.start() - last > 1:
            spans.append((start + last, start + cut))
        last = cut
    if end - (start + last) > 0:
        spans.append((start + last, end))
    out = []
    for a, b in spans:
        while a < b and text[a] in " •\t-*":
            a += 1
        while b > a and text[b - 1] in " \t":
            b -= 1
        if b - a >= 2:
            out.append((a, b))
    return out


def _ref_like(line: str, after_heading: bool = False) -> bool:
    """A line that looks like a reference-list entry (under a reference heading, any short
    line with a year or an identifier does)."""
    text = line.strip()
    if after_heading and YEAR.search(text) and len(text.split()) <= 30:
        return True
    has_id = bool(DOI_IN_TEXT.search(text) or URL_IN_TEXT.search(text)
                  or re.search(r"\bPMID:?\s*\d{6,9}\b", text, re.I))
    has_year = bool(YEAR.search(text))
    numbered = bool(NUMBERED_REF.match(text))
    if APA_ENTRY.match(text) or (VANCOUVER_ENTRY.match(text) and has_year
                                 and words().journalish.search(text)):
        return True
    if numbered or BULLET.match(text):
        return has_id or (has_year and (words().journalish.search(text) is not None
                                        or len(text.split()) >= 5))
    return has_id and len(text.split()) <= 60 and (has_year or len(text.split()) <= 4)


def _reference_from(n: int, text: str, start: int, numbered: bool) -> Reference:
    ref = Reference(n=n, text=text.strip(), start=start, numbered=numbered)
    dois = [m.group(1).rstrip(".,;") for m in DOI_IN_TEXT.finditer(text)]
    urls = [u.rstrip(".,;") for u in URL_IN_TEXT.findall(text)]
    ref.urls = list(dict.fromkeys(u for u in urls if "doi.org/" not in u.lower()))
    if dois:
        ref.raw_doi = dois[0]
        cleaned = clean_doi(dois[0])
        ref.doi = cleaned
        ref.doi_valid = bool(cleaned and DOI_RE.match(cleaned))
    else:
        bad = re.search(r"\bdoi:?\s*([^\s,;]+)", text, re.I)
        if bad:
            ref.raw_doi, ref.doi, ref.doi_valid = bad.group(1), None, False
    pmid = re.search(r"\bPMID:?\s*(\d{6,9})\b", text, re.I) or re.search(
        r"pubmed\.ncbi\.nlm\.nih\.gov/(\d{6,9})", text)
    ref.pmid = pmid.group(1) if pmid else None
    years = YEAR.findall(text)
    ref.year = int(years[0]) if years else None
    author = re.match(rf"\s*(?:[-*•]\s*)?({NAME})(?=[\s,]+(?:[A-Z]{{1,3}}\b|[A-Z]\.|et al|and |&))",
                      text)
    ref.first_author = author.group(1) if author else None
    title = re.sub(r"https?://\S+|\bdoi:?\s*\S+|\bPMID:?\s*\d+", "", text, flags=re.I)
    title = re.sub(r"\(\s*(19|20)\d\d[a-z]?\s*\)\.?", "", title).strip(" .;,—-")
    ref.title = title.split("\n")[0][:300] or None
    return ref


def _parse_references(text: str, start: int, end: int) -> list[Reference]:
    """Numbered lists ("[1] …", "1. …", "- [1] …") or unnumbered entries, numbered in order."""
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text[start:end])]
    lines = [(start + off, line) for off, line in lines
             if line.strip() and not words().ref_headings.match(line) and not _is_boilerplate(line)]
    refs: list[Reference] = []
    numbered = [NUMBERED_REF.match(line) for _, line in lines]
    if sum(1 for m in numbered if m) >= max(1, len(lines) // 3):
        current: tuple[int, int, list[str]] | None = None
        for (off, line), m in zip(lines, numbered, strict=True):
            if m:
                if current:
                    refs.append(_reference_from(current[0], "\n".join(current[2]), current[1],
                                                True))
                groups = m.groups()
                num = next(g for g in groups[0::2] if g)
                body = next((g for g in groups[1::2] if g is not None), "")
                current = (expand(num)[0] if expand(num) else len(refs) + 1, off, [body])
            elif current:
                current[2].append(line)
        if current:
            refs.append(_reference_from(current[0], "\n".join(current[2]), current[1], True))
        return refs
    # Unnumbered: each bullet or APA/Vancouver-looking line starts an entry; an entry also
    # ends at a line with a year or an identifier; type labels are dropped.
    buf: list[str] = []
    buf_start = None
    for off, line in lines:
        if words().ref_type_labels.match(line):
            continue
        starts_new = BULLET.match(line) or APA_ENTRY.match(line) or VANCOUVER_ENTRY.match(line)
        if buf and starts_new:
            refs.append(_reference_from(len(refs) + 1, " — ".join(buf), buf_start, False))
            buf, buf_start = [], None
        if buf_start is None:
            buf_start = off
        buf.append(BULLET.sub("", line).strip())
        if YEAR.search(line) or DOI_IN_TEXT.search(line) or URL_IN_TEXT.search(line):
            refs.append(_reference_from(len(refs) + 1, " — ".join(buf), buf_start, False))
            buf, buf_start = [], None
    if buf:
        refs.append(_reference_from(len(refs) + 1, " — ".join(buf), buf_start or start, False))
    return refs


def _reference_region(text: str, blocks: list[tuple[int, int, str]]) -> tuple[int | None,
                                                                               int | None]:
    """Where the reference list is: after a heading, or else the run of reference-like
    entries at the end of the page (boilerplate after it is skipped)."""
    ref_start = ref_end = None
    for i, (s, e, _kind) in enumerate(blocks):
        line = text[s:e]
        if not words().ref_headings.match(line):
            continue
        following = [text[a:b] for a, b, _ in blocks[i + 1:i + 4]]
        if not following or not (words().strong_ref_headings.match(line)
                                  or any(_ref_like(f) for f in following)):
            continue
        ref_start = s
        # The list runs while lines look like entries (a title line between them is
        # allowed); it ends at boilerplate, a closing heading or two lines that are not.
        last_end, streak = e, 0
        for a, b, kind in blocks[i + 1:]:
            entry = text[a:b]
            if words().ref_type_labels.match(entry):
                continue
            if kind == "boilerplate" or words().end_of_refs.match(entry):
                ref_end = a
                break
            if _ref_like(entry, after_heading=True) or NUMBERED_REF.match(entry):
                last_end, streak = b, 0
                continue
            streak += 1
            if streak >= 2:
                ref_end = next(x for x, _y, _k in blocks if x > last_end)
                break
        return ref_start, ref_end
    # No heading: the last run of entries that look like references (anything after it,
    # such as FAQs, disclaimers and links, is left to the body as it comes).
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for s, e, _kind in blocks:
        line = text[s:e]
        if _ref_like(line):
            current.append((s, e))
        elif current and words().ref_type_labels.match(line):
            continue
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    for run in reversed(runs):
        if len(run) >= 2 or NUMBERED_REF.match(text[run[0][0]:run[0][1]]):
            later = [s for s, _e, _k in blocks if s > run[-1][1]]
            return run[0][0], (later[0] if later else None)
    return None, None


def _author_key(name: str, year: str) -> str:
    return f"{name.strip().lower()} {year}"


def parse(raw: bytes | str, fmt: str = "auto") -> Document:
    """Parse an article; raises ArticleError for empty, binary or oversized input."""
    source = decode(raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace"))
    fmt = detect_format(source) if fmt in ("auto", None) else fmt
    if fmt not in ("text", "markdown", "html"):
        raise ArticleError(f"unknown format {fmt!r} (text, markdown or html)")
    if fmt == "html":
        text = html_to_text(source)
    elif fmt == "markdown":
        text = markdown_to_text(source)
    else:
        text = source.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate({0x2028: "\n", 0x2029: "\n"})
    if not text.strip():
        raise ArticleError("the article has no readable text")
    blocks = _blocks(text)
    ref_start, ref_end = _reference_region(text, blocks)
    references: list[Reference] = []
    if ref_start is not None:
        references = _parse_references(text, ref_start, ref_end or len(text))
    numbers = {r.n for r in references}
    top = max(numbers, default=0)
    by_author: dict[str, int] = {}
    for r in references:
        if r.first_author and r.year:
            by_author.setdefault(_author_key(r.first_author, str(r.year)), r.n)

    def in_refs(at: int) -> bool:
        return ref_start is not None and at >= ref_start and (ref_end is None or at < ref_end)

    body_text = "\n".join(text[s:e] for s, e, k in blocks if not in_refs(s) and k != "heading")
    uses_brackets = bool(BRACKET_MARKER.search(body_text))
    uses_parens = bool(references) and not uses_brackets and len(
        [m for m in PAREN_MARKER.finditer(body_text)
         if all(n <= top + 10 for n in expand(m.group(1)))]) >= 2
    flattened = bool(references) and not uses_brackets and not uses_parens
    trailing_lines = sum(1 for s, e, k in blocks if k not in ("heading", "boilerplate")
                         and not in_refs(s) and (t := TRAILING.search(text[s:e]))
                         and not words().not_a_marker_before.search(text[s:e][:t.start()]))
    bare_numbers_used = trailing_lines >= 3 and not uses_brackets

    sentences: list[Sentence] = []
    heading = None
    styles: set[str] = set()
    missing_ad: list[str] = []
    for bi, (s, e, kind) in enumerate(blocks):
        if in_refs(s):
            continue
        if kind == "heading":
            heading = text[s:e].strip("# ").strip()
            a = s + (len(text[s:e]) - len(text[s:e].lstrip("# ")))
            sentences.append(Sentence(text=text[a:e].strip(), start=a, end=e, block=bi,
                                      heading=heading, is_heading=True,
                                      question=heading.endswith("?"),
                                      boilerplate=_is_boilerplate(heading)))
            continue
        for a, b in _split_sentences(text, s, e):
            sent = Sentence(text=text[a:b], start=a, end=b, block=bi, heading=heading,
                            boilerplate=kind == "boilerplate" or _is_boilerplate(text[a:b]))
            body = sent.text
            sent.question = bool(re.search(r"\?[\"'’”)]*\s*(\[[\d,\s–-]+\])?\s*$", body))
            for m in BRACKET_MARKER.finditer(body):
                sent.markers += expand(m.group(1))
                sent.marker_style = "bracket"
            if uses_parens:
                for m in PAREN_MARKER.finditer(body):
                    nums = expand(m.group(1))
                    if nums and all(n <= top + 10 for n in nums) and not \
                            words().not_a_marker_before.search(body[:m.start()]):
                        sent.markers += nums
                        sent.marker_style = "parenthesis"
            for m in SUPERSCRIPT_RUN.finditer(body):
                sent.markers += expand(m.group(1))
                sent.marker_style = "superscript"
            if flattened:
                for m in FLATTENED.finditer(body):
                    nums = expand(m.group(1))
                    word = re.search(r"(\w+)\W*$", body[:m.start()])
                    if nums and all(n <= top + 5 for n in nums) and word and \
                            len(word.group(1)) >= 3 and not word.group(1)[-1:].isdigit():
                        sent.markers += nums
                        sent.marker_style = "flattened-superscript"
            if bare_numbers_used and b == e:
                m = TRAILING.search(body)
                if m and not words().not_a_marker_before.search(body[:m.start()]):
                    sent.markers += expand(m.group(1))
                    sent.marker_style = "trailing-number"
            for m in AUTHOR_DATE.finditer(body):
                chunk = m.group(1) or f"{m.group(2)} {m.group(3)}"
                for name, year in AUTHOR_YEAR.findall(chunk):
                    key = _author_key(name, year)
                    sent.author_date.append(f"{name} {year}")
                    if key in by_author:
                        sent.markers.append(by_author[key])
                    else:
                        missing_ad.append(f"{name} {year}")
                    sent.marker_style = sent.marker_style or "author-date"
            sent.markers = list(dict.fromkeys(sent.markers))
            if sent.marker_style:
                styles.add(sent.marker_style)
            sentences.append(sent)
    _bind_leading_markers(sentences, text)
    title = next((text[s:e].strip("# ").strip() for s, e, k in blocks if k == "heading"), None)
    return Document(text=text, format=fmt, title=title, blocks=blocks, sentences=sentences,
                    references=references, reference_heading=ref_start, marker_styles=styles,
                    reference_end=ref_end, missing_author_date=list(dict.fromkeys(missing_ad)))


def _bind_leading_markers(sentences: list[Sentence], text: str) -> None:
    """A sentence that is only a marker, or starts with one ("[2] The next …" after "… . [2]"
    was split off), gives it back to the sentence before it in the same block."""
    for prev, sent in zip(sentences, sentences[1:], strict=False):
        if prev.block != sent.block:
            continue
        m = re.match(r"\s*(\[[\d,\s–-]+\])+", sent.text)
        if not m:
            continue
        nums = [n for g in BRACKET_MARKER.findall(m.group(0)) for n in expand(g)]
        if not nums:
            continue
        prev.markers = list(dict.fromkeys(prev.markers + nums))
        prev.marker_style = prev.marker_style or "bracket"
        rest = [n for g in BRACKET_MARKER.findall(sent.text[m.end():]) for n in expand(g)]
        sent.markers = list(dict.fromkeys(rest))
    sentences[:] = [s for s in sentences if BRACKET_MARKER.sub("", s.text).strip(" .")]
