"""A small, safe Markdown subset for our own answers and for articles: paragraphs, bullet and
numbered lists, bold, italics, headings, links, citation markers linked to the references.
Everything is escaped first, and the result passes through nh3 (defence in depth)."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "h4", "sup", "br", "code",
           "blockquote", "table", "thead", "tbody", "tr", "th", "td"}


def _inline(text: str) -> str:
    text = html.escape(text, quote=True)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"<em>\1</em>", text)
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r'<a href="\2">\1</a>', text)
    text = re.sub(r"(?<![\w\]])\[(\d+(?:,\d+)*)\]",
                  lambda m: "<sup>[" + ",".join(f'<a href="#ref-{n}">{n}</a>'
                                                for n in m.group(1).split(",")) + "]</sup>", text)
    return text


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

    for raw in lines:
        line = raw.rstrip()
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
    flush_para()
    close_list()
    return nh3.clean("\n".join(out), tags=ALLOWED, attributes={"a": {"href"}},
                     url_schemes={"http", "https"}, link_rel="noopener noreferrer")
