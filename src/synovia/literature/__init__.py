"""Literature: import bibliographic exports (MEDLINE, PubMed XML, RIS, BibTeX, CSL-JSON) into
sources that wait for review, the review queue, and exports (FHIR R5, CSL-JSON, RIS).

Other layers use only the names below.
"""

from synovia.literature.classify import study_kind, tag_terms
from synovia.literature.export import ExportError, export_csl_json, export_ris, fhir_bundle
from synovia.literature.formats import FORMATS, read_records
from synovia.literature.importer import (
    Importer,
    ImportReport,
    estimate_records,
    import_file,
    to_source,
)
from synovia.literature.records import BadRecord, LiteratureFormatError, LiteratureRecord
from synovia.literature.review import ReviewError, ReviewQueue

__all__ = [
    "FORMATS",
    "BadRecord",
    "ExportError",
    "ImportReport",
    "Importer",
    "LiteratureFormatError",
    "LiteratureRecord",
    "ReviewError",
    "ReviewQueue",
    "estimate_records",
    "export_csl_json",
    "export_ris",
    "fhir_bundle",
    "import_file",
    "read_records",
    "study_kind",
    "tag_terms",
    "to_source",
]
