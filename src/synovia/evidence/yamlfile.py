"""YAML reading that remembers where each mapping and key sits, so errors can name file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LINE = "__line__"
KEY_LINES = "__key_lines__"
MAX_FILE_BYTES = 20 * 1024 * 1024


class YamlError(ValueError):
    """A file that is not readable YAML; carries the 1-based line where the parser stopped."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that stamps every mapping with its own and its keys' line numbers."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        mapping[KEY_LINES] = {
            key_node.value: key_node.start_mark.line + 1 for key_node, _ in node.value
        }
        return mapping


def _dates_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


# Keep ISO dates as text: Pydantic parses them, and JSON output stays plain.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _dates_as_text)


def read_yaml(path: Path) -> Any:
    """Parse one file; raise YamlError (with a line) for unreadable, binary or malformed input."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlError(path, 1, f"cannot read file: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise YamlError(path, 1, f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    if b"\x00" in raw:
        raise YamlError(path, 1, "file is binary, not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(path, line, "file is not UTF-8 text") from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(path, line, f"malformed YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(path, 1, f"malformed YAML: {exc}") from None


def strip_marks(value: Any) -> Any:
    """The same data without the line stamps (for validation and storage)."""
    if isinstance(value, dict):
        return {k: strip_marks(v) for k, v in value.items() if k not in (LINE, KEY_LINES)}
    if isinstance(value, list):
        return [strip_marks(v) for v in value]
    return value


def line_of(mapping: dict[str, Any], key: str | None = None) -> int:
    """The line of `key` inside `mapping`, or of the mapping itself."""
    if key is not None:
        line = mapping.get(KEY_LINES, {}).get(key)
        if line:
            return line
    return mapping.get(LINE, 1)

