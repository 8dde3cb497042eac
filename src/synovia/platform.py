"""The application object: settings, the store and the vocabulary, built once and shared by
the CLI and the web app (the jobs take what they need from it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from synovia.config import Settings, get_settings
from synovia.evidence import KnownTerms, Store
from synovia.vocab import Vocabulary, load_vocabulary


@dataclass
class Synovia:
    settings: Settings = field(default_factory=get_settings)

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.database_url)

    @cached_property
    def vocab(self) -> Vocabulary:
        return load_vocabulary(self.settings.vocab_file)

    def known_terms(self) -> KnownTerms:
        return KnownTerms(treatments=self.vocab.treatment_ids, joints=self.vocab.joint_ids,
                          outcomes=self.vocab.ids("outcome"), contexts=self.vocab.ids("context"))
