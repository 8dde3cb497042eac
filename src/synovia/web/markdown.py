"""A small, safe Markdown subset for our own answers and for articles: paragraphs, bullet and
numbered lists, pipe tables, bold, italics, headings, links, citation markers linked to the
references.
Everything is escaped first, and the result passes through nh3 (defence in depth)."""

from __future__ import annotations

import html
import re

import nh3
from markupsafe import Markup

ALLOWED = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "h4", "sup", "br", "code",
           "blockquote", "table", "thead", "tbody", "tr", "th", "td", "div"}


def _inline(text: str) -> str:
    text = html.escape(text, quote=True)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"<em>\1</em>", text)
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r'<a href="\2">\1</a>', text)
    text = re.sub(r"(?<![\w\]])\[(\d+(?:,\d+)*)\]",
                  lambda m: "<sup>[" + ",".join(f'<a href="#ref-{n}">{n}</a>'
                                                for n in m.group(1).split(",")) + "]</sup>", text)
    return text


_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


def _table(rows: list[str]) -> str:
    """A pipe table as an HTML table (a header row when a separator follows the first row);
    rows that are not a table come out as paragraphs."""
    if len(rows) >= 2 and _SEPARATOR.match(rows[1]):
        head, body = _cells(rows[0]), [_cells(r) for r in rows[2:]]
        html_rows = ['<div class="table-wrap"><table><thead><tr>'
                     + "".join(f'<th scope="col">{_inline(c)}</th>' for c in head)
                     + "</tr></thead><tbody>"]
        for r in body:
            r = (r + [""] * len(head))[:max(len(head), 1)]
            html_rows.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>")
        return "".join(html_rows) + "</tbody></table></div>"
    return "".join(f"<p>{_inline(r)}</p>" for r in rows)


def render(md: str) -> str:
    out: list[str] = []
    lines = md.replace("\r\n", "\n").split("\n")
    list_kind: str | None = None
    para: list[str] = []

    def flush_para() -> None:
        if para:
            out.append("<p>" + " ".join(_inline(p) for p in para) + "</p>")
            para.clear()

    def close_list() -> None:
        nonlocal list_kind
        if list_kind:
            out.append(f"</{list_kind}>")
            list_kind = None

    table: list[str] = []

    def flush_table() -> None:
        if table:
            out.append(_table(table))
            table.clear()

    for raw in lines:
        line = raw.rstrip()
        if line.lstrip().startswith("|"):
            flush_para()
            close_list()
            table.append(line.strip())
            continue
        flush_table()
        bullet = re.match(r"^\s*[-*•]\s+(.*)$", line)
        numbered = re.match(r"^\s*\d+[.)]\s+(.*)$", line)
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        if not line.strip():
            flush_para()
            close_list()
        elif heading:
            flush_para()
            close_list()
            level = min(4, len(heading.group(1)) + 1)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or numbered:
            flush_para()
            kind = "ul" if bullet else "ol"
            if list_kind != kind:
                close_list()
                out.append(f"<{kind}>")
                list_kind = kind
            out.append(f"<li>{_inline((bullet or numbered).group(1))}</li>")
        else:
            close_list()
            para.append(line.strip())
    flush_table()
    flush_para()
    close_list()
    return Markup(nh3.clean("\n".join(out), tags=ALLOWED,
                     attributes={"a": {"href"}, "div": {"class"}, "th": {"scope"}},
                     url_schemes={"http", "https"}, link_rel="noopener noreferrer"))


def render_inline(text: str) -> str:
    """One line of our Markdown (bold, links, markers) without a paragraph around it."""
    return Markup(nh3.clean(_inline(text), tags=ALLOWED, attributes={"a": {"href"}},
                            url_schemes={"http", "https"}, link_rel="noopener noreferrer"))


def reference_text(citation: str) -> str:
    """A reference without its trailing link (the page shows the link on its own, shortened)."""
    return re.sub(r"\s*https?://\S+\s*$", "", citation)


#: Numbers a person may need to call from the page (UK, Europe, US/Canada, Australia, NZ).
#: Only where the words around make it a number to call ("call 999", "NHS 111", "(112 in
#: Europe, 911 in the US)"), never a count ("1,000 people", "112 trials").
_PHONE = re.compile(r"(?i)(?<!\d)((?:\bcall|\bdial|\bring|\bphone|\bnhs|\bor|\(|,)\s*)"
                    r"(999|111|112|911|000)\b(?![,.]?\d)(?!\s+(?:people|patients|trials|studies))")


def phone_links(html_text: str) -> str:
    """Urgent numbers as tap-to-call links, in already-escaped HTML outside tags."""
    parts = re.split(r"(<[^>]+>)", str(html_text))
    inside_link = False
    for i, part in enumerate(parts):
        if part.startswith("<"):
            inside_link = part.startswith("<a ") or (inside_link and part != "</a>")
            continue
        if not inside_link:
            parts[i] = _PHONE.sub(r'\1<a href="tel:\2" class="tel">\2</a>', part)

    return Markup("".join(parts))


def mark_sentences(rendered: str, sentences: list[str]) -> tuple[str, set[int]]:
    """Rendered HTML with the start of each listed sentence marked `id="defect-N"` (N from 1,
    in list order), so a list of defects can link to where each one is, and the Ns marked. A
    sentence not found in the text (a reference entry, say) is left unmarked."""

    out, found = str(rendered), set()
    for i, sentence in enumerate(sentences, 1):
        words = re.sub(r"\*\*?([^*]+)\*\*?", r"\1", re.sub(r"\s*\[\d+(?:,\d+)*\]", "", sentence))
        prefix = html.escape(words.strip()[:60], quote=True)
        at = out.find(prefix) if len(prefix) >= 12 else -1
        if at >= 0 and out.rfind("<", 0, at) <= out.rfind(">", 0, at):
            out = (out[:at] + f'<mark class="defect" id="defect-{i}">' + prefix + "</mark>"
                   + out[at + len(prefix):])
            found.add(i)
    return Markup(out), found
