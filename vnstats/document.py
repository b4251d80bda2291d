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

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        out = {"schema": SCHEMA_VERSION, "source": self.source, "encoding": self.encoding,
               "figures": [f.to_dict() for f in self.figures]}
        if self.error is not None:
            out["error"] = self.error
        return out
