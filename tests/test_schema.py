"""The published JSON Schema holds for every output, and says no to broken ones."""
from __future__ import annotations

import copy
import dataclasses
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

jsonschema = pytest.importorskip("jsonschema")

from vnstats.api import extract_document, extract_file  # noqa: E402
from vnstats.cli import main  # noqa: E402
from vnstats.document import SCHEMA_VERSION  # noqa: E402
from vnstats.figure import Figure  # noqa: E402
from vnstats.schema import document_schema, figure_schema, validation_errors  # noqa: E402

KINDS = ["count", "percent", "fraction", "money", "quantity", "multiplier"]


@pytest.fixture(scope="module")
def validator():
    schema = document_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _json(doc) -> dict:
    """A document as a reader of the JSON Lines gets it."""
    return json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))


def test_schema_is_draft_2020_12_and_matches_the_code():
    schema = document_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"]["const"] == SCHEMA_VERSION
    figure = schema["$defs"]["figure"]
    names = [f.name for f in dataclasses.fields(Figure)]
    assert sorted(figure["required"]) == sorted(names) == sorted(figure["properties"])
    assert figure["properties"]["kind"]["enum"] == KINDS
    assert figure["properties"]["qualifier"]["enum"] == ["about", "over", "under", "at_least", "at_most", None]


def test_every_dev_output_is_valid(validator, extractor, dev_articles):
    figures = 0
    for path in dev_articles:
        doc = _json(extract_file(path, extractor))
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
        assert not errors, (path.name, errors[:5])
        figures += len(doc["figures"])
    assert figures > 1000


def test_every_kind_is_covered_and_valid(validator, extractor):
    text = ("Toàn tỉnh có 148 buổi đối thoại, đạt 100% kế hoạch; 11/19 xã, phường đã hoàn thành. "
            "Tổng vốn 3.500 tỷ đồng, trên 500 ha đất, giá lúa 15.000 đồng/kg, sản lượng gấp 3 lần.")
    doc = _json(extract_document(text, "inline", None, extractor))
    assert set(KINDS) <= {f["kind"] for f in doc["figures"]}
    assert not list(validator.iter_errors(doc))


def test_error_documents_are_valid(validator, extractor, tmp_path):
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    for path in (tmp_path / "missing.txt", tmp_path, binary):
        doc = _json(extract_file(path, extractor))
        assert doc["figures"] == [] and doc["error"]["type"]
        assert not list(validator.iter_errors(doc)), doc


def test_repaired_and_huge_documents_are_valid(validator, extractor, tmp_path):
    """A document read with a repair (its warnings) and one whose value has more
    digits than Python writes by default are valid lines, the value a number."""
    repaired = tmp_path / "repaired.txt"
    repaired.write_bytes("Có 171 đảng viên, đạt 100% kế hoạch của năm. ".encode("utf-8") * 4 + b"\xff\n")
    huge = tmp_path / "huge.txt"
    huge.write_text("Có " + "9" * 4301 + " người.", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", "-j", "1", str(repaired), str(huge)])
    assert result.exit_code == 0, result.output
    docs = [json.loads(line, parse_int=Decimal) for line in result.stdout.splitlines()]
    assert [w["type"] for w in docs[0]["warnings"]] == ["decode"] and docs[0]["figures"]
    assert Decimal(10) ** 4300 < docs[1]["figures"][0]["value"] <= Decimal(10) ** 4301
    for doc in docs:
        assert not list(validator.iter_errors(json.loads(json.dumps(doc, default=float)))), doc


def test_cli_output_lines_are_valid(validator, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Có 171 đảng viên, đạt 100% kế hoạch.", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(article), str(tmp_path / "missing.txt")])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2 and result.exit_code == 1
    for doc in lines:
        assert not list(validator.iter_errors(doc)), doc


GOOD_FIGURE = {"kind": "fraction", "text": "11/19 xã", "start": 3, "end": 11, "value": 11 / 19,
               "upper": None, "numerator": 11, "denominator": 19, "unit": None, "noun": "xã",
               "qualifier": None, "sentence": "Có 11/19 xã.", "rule": "fraction.slash",
               "change": None, "compared_to": None,
               "period": {"text": "năm 2017", "start": 20, "end": 28, "from": "2017", "to": "2017"},
               "subject": {"text": "Số xã", "start": 0, "end": 5}}


def _broken(**changes):
    fig = copy.deepcopy(GOOD_FIGURE)
    for key, value in changes.items():
        if value is KeyError:
            del fig[key]
        else:
            fig[key] = value
    return {"schema": 1, "source": "x", "encoding": "utf-8", "figures": [fig]}


@pytest.mark.parametrize("changes, where", [
    ({"noun": KeyError}, "figures/0"),                 # every key is required
    ({"kind": "date"}, "figures/0/kind"),
    ({"qualifier": "roughly"}, "figures/0/qualifier"),
    ({"start": -1}, "figures/0/start"),
    ({"value": "11/19"}, "figures/0/value"),
    ({"value": None}, "figures/0/value"),
    ({"numerator": None}, "figures/0/numerator"),      # a fraction has both parts
    ({"kind": "count"}, "figures/0/numerator"),        # … and only a fraction has them
    ({"extra": 1}, "figures/0"),
    ({"kind": "money", "numerator": None, "denominator": None, "unit": "đồng"}, "figures/0/unit"),
    ({"kind": "quantity", "numerator": None, "denominator": None}, "figures/0/unit"),
    ({"change": "sideways"}, "figures/0/change"),
    ({"subject": "Số xã"}, "figures/0/subject"),               # a span, not bare text
    ({"compared_to": {"text": "năm trước", "start": 3}}, "figures/0/compared_to"),
    ({"period": {"text": "năm 2017", "start": 20, "end": 28, "from": "2017"}}, "figures/0/period"),
    ({"period": {"text": "năm 2017", "start": 20, "end": 28, "from": "17/2017", "to": None}},
     "figures/0/period"),                                        # ISO 8601 dates only
])
def test_broken_figures_are_refused(validator, changes, where):
    assert not list(validator.iter_errors(_broken()))
    errors = list(validator.iter_errors(_broken(**changes)))
    assert where in ["/".join(map(str, e.absolute_path)) for e in errors], errors


@pytest.mark.parametrize("doc", [
    {"schema": 2, "source": "x", "encoding": None, "figures": []},
    {"source": "x", "encoding": None, "figures": []},
    {"schema": 1, "source": "x", "figures": []},
    {"schema": 1, "source": "x", "encoding": None, "figures": [], "error": {"type": "decode"}},
    {"schema": 1, "source": "x", "encoding": None, "figures": [], "error": "decode"},
    {"schema": 1, "source": "x", "encoding": "utf-8", "figures": [], "warnings": []},
    {"schema": 1, "source": "x", "encoding": "utf-8", "figures": [], "warnings": [{"type": "decode"}]},
])
def test_broken_documents_are_refused(doc):
    assert validation_errors(doc)


def test_figure_schema_validates_a_figure_alone(extractor):
    v = jsonschema.Draft202012Validator(figure_schema())
    fig = extractor.extract("Có 171 đảng viên.")[0].to_dict()
    assert not list(v.iter_errors(fig))
    assert list(v.iter_errors({**fig, "kind": "year"}))


def test_schema_command_prints_the_schema():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == document_schema()
    help_text = CliRunner().invoke(main, ["schema", "--help"]).stdout
    assert "Examples:" in help_text and "vnstats schema" in help_text
