"""underthesea's word segmenter and sentence splitter, loaded without the rest
of underthesea (vnstats.underthesea_parts), give what underthesea gives; the
installed underthesea is the pinned one and is laid out as vnstats reads it,
and a change to that layout is named, not silently run the slow way."""
from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
from pathlib import Path

import pytest
import underthesea    # a requirement: its absence is a failure here, not a skip
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement      # a requirement of pytest

import vnstats.underthesea_parts as parts
from vnstats.underthesea_parts import WordSegmenter, layout_problems, load_sentence_splitter

TRICKY = ["ð Ð abc", "H&M 3x4 e-mail v.v. -> ==>", "a\u0301b cd", "Tp. Hồ Chí Minh", "N’Thôn Hạ",
          ":)) =)) <3 ♥‿♥", "43H-0530 NĐ-CP 02/05/2014 10:20:50", "https://vnexpress.net/a-b",
          "buổi đối thoại với doanh nghiệp", "người dân tộc thiểu số", "  hộ nghèo  "]


def _stretches(articles):
    out = list(TRICKY)
    for article in articles:
        text = article.read_text(encoding="utf-8")
        out += [text[i:i + 60] for i in range(0, len(text), 97)]
    return [s for s in out if s.strip()]


def test_words_are_underthesea_word_tokenize(dev_articles):
    stretches = _stretches(dev_articles)
    expected = [underthesea.word_tokenize(s, use_token_normalize=False) for s in stretches]
    assert WordSegmenter().words(stretches) == expected


def test_sentences_are_underthesea_sent_tokenize(dev_articles):
    split = load_sentence_splitter()
    for article in dev_articles:
        for paragraph in article.read_text(encoding="utf-8").split("\n"):
            assert split(paragraph) == underthesea.sent_tokenize(paragraph)


_PIECES = list("ab A.?!…1 \t\n\r") + ["Tp", "v.v", "TS", "3.5", "...", "e.g"]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
@settings(max_examples=400, deadline=None)
def test_sentences_match_underthesea_on_any_punctuation(text):
    assert load_sentence_splitter()(text) == underthesea.sent_tokenize(text)


# ------------------------------------------------------------ the installed layout


def test_the_installed_underthesea_runs_the_fast_way():
    """The word segmenter and sentence splitter are read from underthesea's files
    and the CRF model run by vnstats.crf_model. If a new underthesea moves or
    changes them, vnstats still works (through underthesea itself), only several
    times slower: this test is where that shows."""
    problems = layout_problems()
    assert problems == [], "underthesea is not laid out as vnstats reads it:\n" + "\n".join(problems)


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """The installed underthesea as a tree of links, to change one file of it."""
    copy = tmp_path / "underthesea"
    shutil.copytree(parts._package(), copy, symlinks=True, copy_function=os.symlink,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(parts, "_package", lambda: copy)
    monkeypatch.setenv("VNSTATS_CACHE_DIR", "off")
    return copy


def _replace(path: Path, data: bytes) -> None:
    path.unlink()
    path.write_bytes(data)


def test_a_model_file_gone_is_named(package_copy):
    model = parts._word_model(package_copy)
    (model / "models.bin").unlink()
    problems = layout_problems()
    assert len(problems) == 1 and problems[0].startswith("word segmenter needs `import underthesea`")


def test_a_model_file_changed_is_named(package_copy):
    model = parts._word_model(package_copy)
    _replace(model / "models.bin", (model / "models.bin").read_bytes() + b"\0")
    problems = layout_problems()
    assert len(problems) == 1
    assert problems[0].startswith(f"word segmentation model run by underthesea_core: {model.name}: ")


def test_a_model_renamed_is_named(package_copy):
    init = package_copy / "pipeline" / "word_tokenize" / "__init__.py"
    _replace(init, init.read_bytes().replace(b'join(wd, "models", ', b'join(wd, "crf", '))
    assert layout_problems() == ["word segmenter needs `import underthesea`: word_tokenize names no model"]


def test_a_sentence_splitter_that_imports_more_is_named(package_copy):
    init = package_copy / "pipeline" / "sent_tokenize" / "__init__.py"
    _replace(init, b"from underthesea.utils import punkt\n" + init.read_bytes())
    problems = layout_problems()
    assert problems == ["sentence splitter needs `import underthesea`: __init__.py imports underthesea.utils"]


def test_the_pinned_underthesea_is_installed():
    """pyproject.toml pins the underthesea versions these tests pass on."""
    requirement = packaging_requirement("underthesea")
    installed = importlib.metadata.version("underthesea")
    assert requirement.specifier.contains(installed), (requirement, installed)
    assert any(s.operator == "<" for s in requirement.specifier), "no upper bound"


def packaging_requirement(name: str):
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    for line in re.findall(r'^\s*"([^"]+)",?\s*(?:#.*)?$', pyproject, re.MULTILINE):
        requirement = Requirement(line)
        if requirement.name == name:
            return requirement
    raise AssertionError(f"{name} is not a requirement in pyproject.toml")
