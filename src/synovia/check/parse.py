"""Read an article (plain text, Markdown or HTML) into blocks, sentences with character offsets,
inline citation markers and its reference list.

Offsets refer to the article's plain text (`Document.text`), which is what reports highlight.
HTML is sanitised first (nh3), scripts and styles are dropped, `<sup>` numbers become markers."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3

from synovia.evidence import DOI_RE, clean_doi

MAX_BYTES = 1_000_000  # about 150,000 words; larger input is refused, not truncated silently

REF_HEADINGS = re.compile(
    r"^\s*(#+\s*)?(references?|reference list|sources|bibliography|works cited|citations|"
    r"literature cited|further reading and references)\s*:?\s*$", re.I)
END_OF_REFS = re.compile(
    r"^\s*(#+\s*)?(frequently asked questions|faqs?|disclaimer|professional medical disclaimer|"
    r"legal( & medical)? disclaimer|legal and medical disclaimer|about the author|"
    r"have a follow-up question\??|more articles|related articles|share this|comments?|"
    r"medical disclaimer|important information)\s*:?\s*$", re.I)
REF_TYPE_LABEL = re.compile(
    r"^\s*(guideline|research|review|article|book|website|web page|report|trial|study|"
    r"systematic review|meta-analysis)\s*$", re.I)
NUMBERED_REF = re.compile(r"^\s*(?:\d+\.\s*)?\[(\d{1,3})\]\s*(.*)$|^\s*(\d{1,3})[.)]\s+(.*)$")
BRACKET_MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]")
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
SUPERSCRIPT_RUN = re.compile(r"(?<=[A-Za-z.,;:)\]])([⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,⁻–-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)")
# "…being injected. 1" / "…(I² = 80%) 2" / "…at 3-6 months 1, 2": numbers trailing a line.
TRAILING = re.compile(r"(?<=[A-Za-z.)%:;,’'\"])\s+(\d{1,2}(?:\s*,\s*\d{1,2})*)\s*$")
NOT_A_MARKER_BEFORE = re.compile(
    r"\b(grade|grades|stage|level|type|phase|class|step|version|day|days|week|weeks|month|"
    r"months|year|years|part|table|figure|fig|n|kl|and|or|to|of|than|about|over|under|"
    r"section|page|age|aged|vol|no)\s*$", re.I)
DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>)\]]+)", re.I)
URL_IN_TEXT = re.compile(r"https?://[^\s\"<>)]+", re.I)
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
ABBREVIATIONS = {"e.g", "i.e", "al", "vs", "dr", "mr", "mrs", "ms", "prof", "fig", "no",
                 "approx", "ca", "cf", "st", "inc", "ltd", "co", "jr", "sr", "etc"}
SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9•])")


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


@dataclass
class Document:
    text: str
    format: str
    title: str | None
    blocks: list[tuple[int, int, str]]  # (start, end, kind: heading|paragraph|item)
    sentences: list[Sentence]
    references: list[Reference]
    reference_heading: int | None  # offset where the reference list starts
    marker_styles: set[str] = field(default_factory=set)

    @property
    def body_sentences(self) -> list[Sentence]:
        return [s for s in self.sentences
                if self.reference_heading is None or s.start < self.reference_heading]

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
    if re.search(r"^\s{0,3}#{1,6}\s|\[[^\]]+\]\(https?://|^\s*[-*]\s+\*\*", text[:4000], re.M):
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
        self.heading = 0
        self.lists: list[list[int]] = []  # open lists: [counter] for <ol>, [] for <ul>

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("ol", "ul"):
            self.lists.append([0] if tag == "ol" else [])
        if tag == "li" and self.lists and self.lists[-1]:
            # An ordered list's numbers are part of the text (reference lists are numbered).
            self.lists[-1][0] += 1
            self.parts.append(f"\n\n{self.lists[-1][0]}. ")
        elif tag in self.BLOCK:
            self.parts.append("\n\n" if tag != "li" else "\n\n• ")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading += 1
            self.parts.append("# ")
        if tag == "sup":
            self.in_sup += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://")) and "doi.org" in href:
                self.parts.append("")

    def handle_endtag(self, tag) -> None:
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag == "sup":
            self.in_sup = max(0, self.in_sup - 1)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = max(0, self.heading - 1)
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data) -> None:
        if self.in_sup and re.fullmatch(r"\s*\d{1,3}(\s*[,–-]\s*\d{1,3})*\s*", data):
            self.parts.append(f"[{data.strip()}]")
        else:
            self.parts.append(data)


def html_to_text(source: str) -> str:
    clean = nh3.clean(source, tags={"p", "div", "section", "article", "li", "ul", "ol", "tr",
                                    "td", "th", "table", "br", "h1", "h2", "h3", "h4", "h5", "h6",
                                    "blockquote", "sup", "sub", "a", "em", "strong", "b", "i",
                                    "span", "header", "footer", "main", "aside", "figcaption",
                                    "dd", "dt", "dl", "hr", "time", "cite", "small"},
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
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<!\w)[*_](?!\s)(.+?)(?<!\s)[*_](?!\w)", r"\1", text)
    text = re.sub(r"<sup>\s*(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\s*</sup>", r"[\1]", text)
    text = re.sub(r"\[\^(\d{1,3})\]", r"[\1]", text)
    text = re.sub(r"^\s*[-*+]\s+", "• ", text, flags=re.M)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return text


# -- structure ---------------------------------------------------------------------------------
def _blocks(text: str) -> list[tuple[int, int, str]]:
    blocks = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0)
        if not line.strip():
            continue
        kind = "item" if line.lstrip().startswith(("•", "- ", "* ")) or re.match(
            r"^\s*\d{1,2}[.)]\s", line) else "paragraph"
        stripped = line.strip()
        if line.lstrip().startswith("#") or (
            len(stripped) < 90 and not re.search(r"[.!?:;,]\s*\d*\s*$", stripped)
            and len(stripped.split()) <= 12 and stripped[:1].isupper() and kind == "paragraph"
        ):
            kind = "heading"
        blocks.append((m.start(), m.end(), kind))
    return blocks


def _expand(spec: str) -> list[int]:
    nums: list[int] = []
    for part in re.split(r"\s*,\s*", spec.replace("–", "-").replace("⁻", "-")):
        if "-" in part:
            a, b = (int(x) for x in part.split("-", 1) if x.strip())
            if 0 < b - a <= 30:
                nums += list(range(a, b + 1))
            else:
                nums += [a, b]
        elif part.strip().isdigit():
            nums.append(int(part))
    return nums


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    chunk = text[start:end]
    spans, last = [], 0
    for m in SENTENCE_END.finditer(chunk):
        before = re.search(r"([\w.]+)$", chunk[last:m.start()])
        word = before.group(1).lower().rstrip(".") if before else ""
        if word in ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
            continue
        if m.start() - last > 1:
            spans.append((start + last, start + m.start()))
        last = m.end()
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


def _reference_from(n: int, text: str, start: int, numbered: bool) -> Reference:
    ref = Reference(n=n, text=text.strip(), start=start, numbered=numbered)
    dois = []
    for m in DOI_IN_TEXT.finditer(text):
        raw = m.group(1).rstrip(".,;")
        dois.append(raw)
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
    years = YEAR.findall(text)
    ref.year = int(years[0]) if years else None
    title = re.sub(r"https?://\S+|\bdoi:?\s*\S+", "", text, flags=re.I)
    title = re.sub(r"\(\s*(19|20)\d\d\s*\)\.?", "", title).strip(" .;,")
    ref.title = title.split("\n")[0][:300] or None
    return ref


def _parse_references(text: str, start: int, end: int) -> list[Reference]:
    """Numbered lists ("[1] …", "1. …") or unnumbered entries, numbered in order."""
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text[start:end])]
    lines = [(start + off, line) for off, line in lines if line.strip()]
    refs: list[Reference] = []
    numbered = [NUMBERED_REF.match(line) for _, line in lines]
    if sum(1 for m in numbered if m) >= max(1, len(lines) // 3):
        current: tuple[int, int, list[str]] | None = None
        for (off, line), m in zip(lines, numbered, strict=True):
            if m:
                if current:
                    refs.append(_reference_from(current[0], "\n".join(current[2]), current[1],
                                                True))
                n = int(m.group(1) or m.group(3))
                current = (n, off, [m.group(2) or m.group(4) or ""])
            elif current:
                current[2].append(line)
        if current:
            refs.append(_reference_from(current[0], "\n".join(current[2]), current[1], True))
        return refs
    # Unnumbered: an entry ends at a line with a year or an identifier; type labels are dropped.
    buf: list[str] = []
    buf_start = None
    for off, line in lines:
        if REF_TYPE_LABEL.match(line):
            continue
        if buf and re.match(r"\s*[•*\u2022-]\s", line):  # a new bullet starts a new entry
            refs.append(_reference_from(len(refs) + 1, " — ".join(buf), buf_start, False))
            buf, buf_start = [], None
        if buf_start is None:
            buf_start = off
        buf.append(line.strip())
        if YEAR.search(line) or DOI_IN_TEXT.search(line) or URL_IN_TEXT.search(line):
            refs.append(_reference_from(len(refs) + 1, " — ".join(buf), buf_start, False))
            buf, buf_start = [], None
    if buf:
        refs.append(_reference_from(len(refs) + 1, " — ".join(buf), buf_start or start, False))
    return refs


def parse(raw: bytes | str, fmt: str = "auto") -> Document:
    """Parse an article; raises ArticleError for empty, binary or oversized input."""
    source = decode(raw if isinstance(raw, bytes) else raw.encode("utf-8"))
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

    ref_start = ref_end = None
    for s, e, _kind in blocks:
        line = text[s:e]
        if ref_start is None and REF_HEADINGS.match(line):
            ref_start = s
            continue
        if ref_start is not None and END_OF_REFS.match(line):
            ref_end = s
            break
    if ref_start is None:
        # A list of "[n] …" lines at the end is a reference list even without a heading.
        tail = [(s, e) for s, e, _ in blocks if NUMBERED_REF.match(text[s:e]) and
                (DOI_IN_TEXT.search(text[s:e]) or URL_IN_TEXT.search(text[s:e]))]
        if len(tail) >= 2:
            ref_start = tail[0][0]
            later = [s for s, e, _ in blocks if s > tail[-1][1] and END_OF_REFS.match(text[s:e])]
            ref_end = later[0] if later else None
    references: list[Reference] = []
    if ref_start is not None:
        first_line_end = text.find("\n", ref_start)
        body_start = first_line_end + 1 if REF_HEADINGS.match(
            text[ref_start:first_line_end if first_line_end > 0 else len(text)]) else ref_start
        references = _parse_references(text, body_start, ref_end or len(text))

    sentences: list[Sentence] = []
    heading = None
    styles: set[str] = set()
    trailing_lines = sum(1 for s, e, k in blocks if k != "heading" and TRAILING.search(text[s:e])
                         and not NOT_A_MARKER_BEFORE.search(
                             text[s:e][:TRAILING.search(text[s:e]).start()]))
    bare_numbers_used = trailing_lines >= 3 and not BRACKET_MARKER.search(text)
    for bi, (s, e, kind) in enumerate(blocks):
        if ref_start is not None and s >= ref_start and (ref_end is None or s < ref_end):
            continue
        if kind == "heading":
            heading = text[s:e].strip("# ").strip()
            continue
        for a, b in _split_sentences(text, s, e):
            sent = Sentence(text=text[a:b], start=a, end=b, block=bi, heading=heading)
            for m in BRACKET_MARKER.finditer(sent.text):
                sent.markers += _expand(m.group(1))
                sent.marker_style = "bracket"
            for m in SUPERSCRIPT_RUN.finditer(sent.text):
                sent.markers += _expand(m.group(1).translate(SUPERSCRIPT))
                sent.marker_style = "superscript"
            if bare_numbers_used and b == e:
                m = TRAILING.search(sent.text)
                if m and not NOT_A_MARKER_BEFORE.search(sent.text[:m.start()]):
                    sent.markers += _expand(m.group(1))
                    sent.marker_style = "trailing-number"
            sent.markers = list(dict.fromkeys(sent.markers))
            if sent.marker_style:
                styles.add(sent.marker_style)
            sentences.append(sent)
    title = next((text[s:e].strip("# ").strip() for s, e, k in blocks if k == "heading"), None)
    return Document(text=text, format=fmt, title=title, blocks=blocks, sentences=sentences,
                    references=references, reference_heading=ref_start, marker_styles=styles)
