"""The wheel carries the rules, its licence and its type information: build it,
install it apart from the checkout, run it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import typing
import zipfile

from tests.conftest import ROOT
from vnstats.figure import Figure


def test_wheel_ships_patterns_and_runs_on_sample(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, cwd=tmp_path)
    wheel = next(wheels.glob("vnstats-*.whl"))
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert "vnstats/patterns/numbers.yaml" in names and "vnstats/patterns/count.yaml" in names
    assert "vnstats/py.typed" in names                      # PEP 561: checkers read the annotations
    licences = [n for n in names if ".dist-info/" in n and n.rsplit("/", 1)[-1] == "LICENSE"]
    assert licences and "MIT License" in archive.read(licences[0]).decode()
    assert "vnstats contributors" in archive.read(licences[0]).decode()

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(wheel)], check=True, cwd=tmp_path)
    env = dict(os.environ, PYTHONPATH=str(target))
    out = subprocess.run([sys.executable, "-m", "vnstats", "extract", str(ROOT / "samples" / "quang-yen-2017.txt")],
                         check=True, cwd=tmp_path, env=env, capture_output=True, text=True).stdout
    doc = json.loads(out)
    probe = subprocess.run([sys.executable, "-c", "import vnstats; print(vnstats.__file__)"],
                           check=True, cwd=tmp_path, env=env, capture_output=True, text=True).stdout
    assert probe.startswith(str(target))            # the installed copy, not the checkout
    texts = [f["text"] for f in doc["figures"]]
    assert "148 buổi đối thoại" in texts and "11/19 xã" in " ".join(texts)


def test_kind_is_typed_as_the_six_kinds_of_the_schema():
    kinds = typing.get_args(typing.get_type_hints(Figure)["kind"])
    schema = json.loads((ROOT / "vnstats" / "schema.json").read_text(encoding="utf-8"))
    enum = next(v["enum"] for k, v in _properties(schema) if k == "kind")
    assert kinds == tuple(enum) == ("count", "percent", "fraction", "money", "quantity", "multiplier")


def _properties(node):
    """Every (name, schema) pair under a "properties" anywhere in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                yield from value.items()
            yield from _properties(value)
    elif isinstance(node, list):
        for value in node:
            yield from _properties(value)
