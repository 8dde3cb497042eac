"""Synthetic abstracts for benchmarks only: realistic wording built from the vocabulary, with
identifiers that cannot clash with real ones (PMIDs from 90,000,000; DOIs under the 10.5555
test prefix). Nothing loads them by default; they exist to measure imports and search at
10k-1M records, and their vectors are derived from a topic mix, not from the model."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from synovia.literature.records import LiteratureRecord
from synovia.vocab import Vocabulary

PMID_BASE = 90_000_000
JOURNAL = "Synovia Synthetic Corpus (benchmark data, not real studies)"
DESIGNS = {
    "rct": (["Randomized Controlled Trial"], "a randomised, double-blind, placebo-controlled trial",
            "Patients were randomly assigned to {t} or {c}."),
    "systematic-review": (["Meta-Analysis", "Systematic Review"],
                          "a systematic review and meta-analysis",
                          "We searched MEDLINE, Embase and CENTRAL and pooled {k} randomised "
                          "trials comparing {t} with {c}."),
    "cohort": (["Observational Study"], "a prospective cohort study",
               "Consecutive patients receiving {t} were followed and compared with {c}."),
    "case-series": (["Case Reports"], "a retrospective case series",
                    "We reviewed the records of patients treated with {t}."),
    "preclinical": (["Journal Article"], "a rat model study",
                    "Osteoarthritis was induced in rats, which then received {t} or {c}."),
    "narrative-review": (["Review"], "a narrative review",
                         "This review summarises the evidence on {t} and how it compares "
                         "with {c}."),
}
OUTCOMES = {
    "pain": ("pain (VAS 0-10)", "WOMAC pain"), "function": ("function (WOMAC function)", "KOOS"),
    "structure": ("cartilage volume on MRI", "joint space width"),
    "safety": ("adverse events", "serious adverse events"),
}
COMPARATORS = ["saline placebo", "hyaluronic acid", "corticosteroid injection",
               "usual care", "exercise therapy"]
RESULTS = [
    "{t} reduced {o} more than {c} at {m} months (mean difference {d:.1f}, 95% CI {lo:.1f} to "
    "{hi:.1f}).",
    "There was no significant difference in {o} between {t} and {c} at {m} months "
    "(p = {p:.2f}).",
    "{t} improved {o} at {m} months, but the difference did not reach the minimal clinically "
    "important difference.",
]
CLOSING = ["Larger trials with longer follow-up are needed.",
           "The certainty of the evidence was low because of risk of bias.",
           "These findings support shared decision-making about {t} in {j} osteoarthritis.",
           "Preparation methods varied widely between studies."]


@dataclass
class SyntheticAbstract:
    record: LiteratureRecord
    topics: tuple[str, str, str, str]  # treatment, joint, design, outcome


def generate(n: int, vocab: Vocabulary, seed: int = 7, start: int = 0
             ) -> Iterator[SyntheticAbstract]:
    rng = random.Random(seed)
    treatments = sorted(t.id for t in vocab.terms["treatment"].values()
                        if t.category == "injection")
    joints = ["knee"] * 6 + ["hip"] * 2 + ["shoulder", "hand", "ankle"]
    surnames = ["Smith", "Garcia", "Chen", "Müller", "Rossi", "Kowalski", "Okafor", "Tanaka",
                "Nielsen", "Dubois", "Silva", "Kim", "Novak", "Haddad", "O'Brien", "Larsen"]
    for i in range(start, start + n):
        t = rng.choice(treatments)
        j = rng.choice(joints)
        design = rng.choice(list(DESIGNS))
        outcome = rng.choice(list(OUTCOMES))
        c = rng.choice([x for x in COMPARATORS if not x.startswith(t[:5])])
        label = vocab.label("treatment", t, "clinician")
        types, design_words, methods = DESIGNS[design]
        o = OUTCOMES[outcome][rng.randrange(2)]
        m = rng.choice([3, 6, 12, 24])
        d = rng.uniform(-2.5, 0.5)
        sentences = [
            f"Background: {label} is increasingly offered for {j} osteoarthritis, but its "
            f"effect on {o} is uncertain.",
            f"Objective: To assess {label} versus {c} in {design_words}.",
            "Methods: " + methods.format(t=label, c=c, k=rng.randint(5, 40)),
            f"A total of {rng.randint(20, 4000)} participants with Kellgren-Lawrence grade "
            f"{rng.randint(1, 3)}-{rng.randint(3, 4)} {j} osteoarthritis were included.",
            "Results: " + rng.choice(RESULTS).format(
                t=label, c=c, o=o, m=m, d=d, lo=d - rng.uniform(0.2, 1.2),
                hi=d + rng.uniform(0.2, 1.2), p=rng.uniform(0.06, 0.9)),
            "Conclusion: " + rng.choice(CLOSING).format(t=label, j=j),
        ]
        authors = [f"{rng.choice(surnames)} {chr(65 + rng.randrange(26))}"
                   f"{chr(65 + rng.randrange(26))}" for _ in range(rng.randint(1, 6))]
        record = LiteratureRecord(
            position=i + 1, title=f"{label} versus {c} for {j} osteoarthritis: "
                                  f"{design_words} ({i})",
            authors=authors, journal=JOURNAL, year=rng.randint(1995, 2025),
            doi=f"10.5555/synovia.synthetic.{i}", pmid=str(PMID_BASE + i),
            abstract=" ".join(sentences), publication_types=list(types),
            keywords=[f"{j.capitalize()} osteoarthritis", label], volume=str(rng.randint(1, 60)),
            issue=str(rng.randint(1, 12)), pages=f"{rng.randint(1, 900)}-{rng.randint(901, 999)}",
            language="eng")
        yield SyntheticAbstract(record, (t, j, design, outcome))


def medline_text(record: LiteratureRecord) -> str:
    """The record as PubMed writes it in .nbib files (for file-based import benchmarks)."""
    lines = [f"PMID- {record.pmid}", "OWN - NLM", "STAT- MEDLINE",
             f"DP  - {record.year} Jan", f"TI  - {record.title}."]
    if record.volume:
        lines += [f"VI  - {record.volume}", f"IP  - {record.issue}", f"PG  - {record.pages}"]
    lines += [f"LID - {record.doi} [doi]", f"AB  - {record.abstract}"]
    for a in record.authors:
        lines += [f"FAU - {a.rsplit(' ', 1)[0]}, {a.rsplit(' ', 1)[1]}", f"AU  - {a}"]
    lines += [f"LA  - {record.language}"] + [f"PT  - {t}" for t in record.publication_types]
    lines += [f"TA  - {record.journal}", f"JT  - {record.journal}"]
    lines += [f"OT  - {k}" for k in record.keywords]
    return "\n".join(lines) + "\n\n"


class TopicVectors:
    """Document vectors as a weighted mix of real embeddings of each topic's words plus noise:
    cheap for a million documents, and shaped like real ones (documents on the same treatment
    and joint sit close together), so a real query embedding finds topical neighbours."""

    def __init__(self, vocab: Vocabulary, encoder, seed: int = 11) -> None:
        treatments = sorted(t.id for t in vocab.terms["treatment"].values()
                            if t.category == "injection")
        names = ([("t", t, vocab.label("treatment", t, "clinician")) for t in treatments]
                 + [("j", j, f"{j} osteoarthritis") for j in
                    ("knee", "hip", "shoulder", "hand", "ankle")]
                 + [("d", d, DESIGNS[d][1]) for d in DESIGNS]
                 + [("o", o, OUTCOMES[o][0]) for o in OUTCOMES])
        vecs = encoder.encode([n[2] for n in names])
        self.table = {(kind, key): v for (kind, key, _), v in zip(names, vecs, strict=True)}
        self.rng = np.random.default_rng(seed)
        self.dim = vecs.shape[1]

    def vectors(self, topics: list[tuple[str, str, str, str]]) -> np.ndarray:
        out = np.empty((len(topics), self.dim), dtype=np.float32)
        for i, (t, j, d, o) in enumerate(topics):
            out[i] = (1.0 * self.table["t", t] + 0.6 * self.table["j", j]
                      + 0.35 * self.table["d", d] + 0.35 * self.table["o", o])
        out += self.rng.standard_normal(out.shape, dtype=np.float32) * 0.045
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out
