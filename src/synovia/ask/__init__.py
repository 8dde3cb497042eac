"""The ask job: evidence-graded, cited answers to patients' and clinicians' questions."""

from synovia.ask.answer import Answer
from synovia.ask.article import ArticleDraft, plain
from synovia.ask.service import MAX_QUESTION, Asker, AskError, check_request

__all__ = ["MAX_QUESTION", "Answer", "ArticleDraft", "AskError", "Asker", "check_request",
           "plain"]
