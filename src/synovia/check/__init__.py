"""The check job: citation integrity, claim verdicts, omissions and a DISCERN-style score."""

from synovia.check.parse import MAX_BYTES, ArticleError, Document, parse
from synovia.check.report import Report, to_html, to_text
from synovia.check.service import Checker

__all__ = ["MAX_BYTES", "ArticleError", "Checker", "Document", "Report", "parse", "to_html",
           "to_text"]
