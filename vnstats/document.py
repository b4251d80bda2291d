"""One input document's result: its figures, or the reason it has none."""
from __future__ import annotations

from dataclasses import dataclass, field

from .figure import Figure

SCHEMA_VERSION = 1


@dataclass
class Document:
    source: str
    figures: list[Figure] = field(default_factory=list)
    encoding: str | None = None
    error: dict | None = None      # {"type": …, "message": …} when it could not be read
    # [{"type": …, "message": …}] when it was read with a repair (bytes replaced)
    warnings: list | None = None
    # written out already by a worker process, as (writer options, text, {kind: figures written}),
    # with its figures then left out so that it travels back to the writer quickly
    rendered: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def figure_count(self) -> int:
        return sum(self.kind_counts.values())

    @property
    def kind_counts(self) -> dict:
        """How many figures of each kind it has (written, once ``rendered``)."""
        if self.rendered is not None:
            return self.rendered[2]
        counts: dict = {}
        for f in self.figures:
            counts[f.kind] = counts.get(f.kind, 0) + 1
        return counts

    def to_dict(self) -> dict:
        out = {"schema": SCHEMA_VERSION, "source": self.source, "encoding": self.encoding,
               "figures": [f.to_dict() for f in self.figures]}
        if self.warnings:
            out["warnings"] = self.warnings
        if self.error is not None:
            out["error"] = self.error
        return out
