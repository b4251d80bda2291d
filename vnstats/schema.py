"""The published JSON Schema (draft 2020-12) of vnstats' output.

The schema itself is data, ``schema.json`` beside this module, shipped in the
package; ``vnstats schema`` prints it. It describes one line of ``vnstats
extract`` output: the document object and every field of every figure (the
README's field reference). Validating needs the ``jsonschema`` package, which vnstats itself
does not depend on::

    import jsonschema, vnstats.schema
    jsonschema.validate(doc.to_dict(), vnstats.schema.document_schema())
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import click

SCHEMA_FILE = "schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMA_EXAMPLES = """
\b
Examples:
  vnstats schema > vnstats-output.schema.json
  vnstats schema | jq '."$defs".figure.required'
"""


@lru_cache(maxsize=1)
def schema_text() -> str:
    """The schema exactly as shipped."""
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def document_schema() -> dict:
    """The schema of one output document (a fresh copy: change it freely)."""
    return json.loads(schema_text())


def figure_schema() -> dict:
    """The schema of one figure alone, e.g. for ``Figure.to_dict()``."""
    full = document_schema()
    return {"$schema": DIALECT, "$id": full["$id"] + "#figure",
            "$defs": full["$defs"], "$ref": "#/$defs/figure"}


def validation_errors(instance: dict, schema: dict | None = None) -> list[str]:
    """Every way ``instance`` breaks the document schema (or ``schema``), one
    line each as ``path: problem``; empty when it is valid. Needs ``jsonschema``."""
    try:
        from jsonschema import Draft202012Validator
    except ImportError:  # pragma: no cover - a test dependency, not a runtime one
        raise ImportError("validating needs the jsonschema package: pip install jsonschema") from None
    validator = Draft202012Validator(schema or document_schema())
    out = []
    for err in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in err.absolute_path) or "(document)"
        out.append(f"{path}: {err.message}")
    return out


@click.command("schema", epilog=SCHEMA_EXAMPLES)
def schema_command():
    """Print the JSON Schema (draft 2020-12) of the output of `vnstats extract`.

    It covers the document object (schema, source, encoding, figures and the
    optional error) and every field of a figure.
    """
    click.echo(schema_text(), nl=not schema_text().endswith("\n"))
