"""The wheel carries the rules: build it, install it apart from the checkout, run it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_wheel_ships_patterns_and_runs_on_sample(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, cwd=tmp_path)
    wheel = next(wheels.glob("vnstats-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "vnstats/patterns/numbers.yaml" in names and "vnstats/patterns/count.yaml" in names

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
