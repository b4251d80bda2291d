"""Batches: bad inputs among good ones, workers and input order, streaming, crashes.

The command runs in a subprocess (``python -m vnstats``), as shell scripts run it.
"Unreadable" inputs are made so that root cannot read them either (the tests may
run as root, who reads any file whatever its permissions): a path whose parent is
a file (``article.txt/inside.txt``) and a folder given as a file without ``-r``.
A FIFO is not used: reading one would block the test.
"""
from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import textwrap
import unicodedata

import pytest

from tests.conftest import DEV, ROOT
from tests.test_reading import cp1258
from vnstats.batch import AHEAD_PER_WORKER, Batch
from vnstats.inputs import Input
from vnstats.progress import printable

SAMPLE = (ROOT / "samples" / "quang-yen-2017.txt").read_text(encoding="utf-8")
SHORT = "Toàn Đảng bộ kết nạp mới 171 đảng viên, đạt 100% kế hoạch.\n"
OTHER = "Giá lúa tăng gấp 3 lần, lên 15.000 đồng/kg; 11/19 xã, phường đã hoàn thành.\n"
WEIRD = "name with spaces\nand a newline.txt"


def vnstats(*args, cwd, input: bytes | None = None, check_stderr=True) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "vnstats", "extract", *args], cwd=cwd, env=env,
                          input=input, capture_output=True, timeout=600)


def lines(stdout: bytes) -> list[bytes]:
    return stdout.splitlines(keepends=True)


def nfc_figures(figures: list[dict]) -> list[tuple]:
    nfc = lambda s: s and unicodedata.normalize("NFC", s)
    return [(f["kind"], f["value"], f["upper"], f["unit"], nfc(f["noun"]), nfc(f["text"]),
             nfc(f["sentence"])) for f in figures]


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    """A folder of good files, odd but valid ones and bad ones, made on the spot."""
    top = tmp_path_factory.mktemp("batch")
    d = top / "news"
    (d / "sub").mkdir(parents=True)
    (d / "article.txt").write_text(SAMPLE, encoding="utf-8")
    (d / "short.txt").write_text(SHORT, encoding="utf-8")
    (d / "sub" / "other.txt").write_text(OTHER, encoding="utf-8")
    # odd but valid: each gives its figures and no error
    (d / "empty.txt").write_bytes(b"")
    (d / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"))
    (d / "cp1258.txt").write_bytes(cp1258(SAMPLE))
    (d / "nfd.txt").write_text(unicodedata.normalize("NFD", SAMPLE), encoding="utf-8")
    (d / WEIRD).write_text(SHORT, encoding="utf-8")
    # bad: each gives an error line
    (d / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (d / "huge.txt").write_bytes(b"1 " * 15_000_000)           # 30 MB on one line
    os.symlink("missing.txt", d / "dangling.txt")
    os.symlink("loop.txt", d / "loop.txt")
    os.symlink("..", d / "sub" / "up")                          # a folder loop, for -r
    return top


GOOD = ["article.txt", "short.txt", "sub/other.txt"]
ERRORS = {                                   # name: (error type, message)
    "binary.txt": ("binary", "binary data, not text"),
    "huge.txt": ("too_large", "30000000 bytes, over the limit of 20000000"),
    "dangling.txt": ("unreadable", "dangling symbolic link"),
    "loop.txt": ("unreadable", "symbolic link loop"),
    "article.txt/inside.txt": ("unreadable", "not a directory"),
    "sub": ("unreadable", "is a directory (use -r to read the files in it)"),
}


@pytest.mark.parametrize("mode", ["named", "folder"])
def test_bad_inputs_cost_only_their_own_line(batch_dir, mode):
    if mode == "named":      # every file named on the command line, good and bad mixed
        names = ["article.txt", "empty.txt", "binary.txt", "utf16.txt", "huge.txt", "short.txt",
                 "cp1258.txt", "article.txt/inside.txt", "nfd.txt", "dangling.txt", "sub",
                 "loop.txt", WEIRD, "sub/other.txt"]
        args = [f"news/{n}" for n in names]
    else:                    # the folder with -r, in sorted order; a bad path named after it
        names = ["article.txt", "binary.txt", "cp1258.txt", "dangling.txt", "empty.txt",
                 "huge.txt", "loop.txt", WEIRD, "nfd.txt", "short.txt", "sub/other.txt",
                 "utf16.txt", "article.txt/inside.txt"]
        args = ["-r", "news", "news/article.txt/inside.txt"]
    run = vnstats("-j", "2", *args, cwd=batch_dir)
    assert run.returncode == 1, run.stderr
    out = lines(run.stdout)
    docs = [json.loads(line) for line in out]
    assert [d["source"] for d in docs] == [f"news/{n}" for n in names]     # as found, in order
    by_name = dict(zip(names, zip(out, docs)))

    alone = vnstats("-j", "1", *[f"news/{n}" for n in GOOD], cwd=batch_dir)
    assert alone.returncode == 0 and alone.stderr == b""
    assert [by_name[n][0] for n in GOOD] == lines(alone.stdout)            # byte for byte

    expected_errors = {n: e for n, e in ERRORS.items() if n in names}
    for name, (type_, message) in expected_errors.items():
        doc = by_name[name][1]
        assert doc["figures"] == [] and doc["error"] == {"type": type_, "message": message}, name
    assert run.stderr.decode().splitlines() == [
        f"vnstats: {printable('news/' + n)}: {by_name[n][1]['error']['message']}"
        for n in names if n in expected_errors]

    article = json.loads(lines(alone.stdout)[0])
    assert by_name["empty.txt"][1] == {"schema": 1, "source": "news/empty.txt",
                                       "encoding": "utf-8", "figures": []}
    assert by_name["utf16.txt"][1]["encoding"] == "utf-16"
    assert by_name["utf16.txt"][1]["figures"] == article["figures"]
    for name, text in [("cp1258.txt", cp1258(SAMPLE).decode("cp1258")),
                       ("nfd.txt", unicodedata.normalize("NFD", SAMPLE))]:
        doc = by_name[name][1]
        assert "error" not in doc
        assert nfc_figures(doc["figures"]) == nfc_figures(article["figures"]), name
        assert all(text[f["start"]:f["end"]] == f["text"] for f in doc["figures"]), name
    assert by_name["cp1258.txt"][1]["encoding"] == "cp1258"
    short = json.loads(lines(alone.stdout)[1])
    assert by_name[WEIRD][1]["figures"] == short["figures"] != []


def test_list_of_paths_with_nul_separators(batch_dir):
    listed = ["news/short.txt", f"news/{WEIRD}", "news/sub/other.txt"]
    run = vnstats("--files-from", "-", "--null", cwd=batch_dir,
                  input=b"".join(os.fsencode(p) + b"\0" for p in listed))
    assert run.returncode == 0 and run.stderr == b""
    assert [json.loads(line)["source"] for line in lines(run.stdout)] == listed


@pytest.mark.parametrize("form", [[], ["--pretty"], ["--format", "csv"], ["--excel"]])
def test_one_and_two_workers_write_the_same_bytes(form):
    """Workers write each document out themselves (``Document.rendered``): in
    every format the bytes are those of one process writing everything."""
    if not DEV.is_dir():
        pytest.skip("../shared/eval/dev is not present")
    # both at once: same rules even while someone edits patterns/ in this checkout
    runs = [subprocess.Popen([sys.executable, "-m", "vnstats", "extract", "-j", jobs, *form, "-r",
                              "--glob", "*.txt", str(DEV)], cwd=ROOT, stdout=subprocess.PIPE,
                             env=dict(os.environ, PYTHONPATH=str(ROOT))) for jobs in "12"]
    (one, _), (two, _) = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    if not form:
        assert len(lines(one)) == len(list(DEV.glob("*.txt")))
    assert one.count(b"\n") >= len(list(DEV.glob("*.txt")))
    assert one == two


def test_one_document_starts_no_workers(extractor, monkeypatch, tmp_path):
    (tmp_path / "a.txt").write_text(SHORT, encoding="utf-8")
    monkeypatch.setattr(Batch, "_start_worker", lambda self: pytest.fail("a worker was started"))
    with Batch(extractor, jobs=4) as batch:
        docs = list(batch.run([Input("a.txt", path=str(tmp_path / "a.txt"))]))
    assert [f.value for f in docs[0].figures] == [171, 100]


# The pool itself, with a stand-in for the extraction, in a fresh process (the
# workers are forked, and the test process may hold threads of its own).
POOL_SCRIPT = textwrap.dedent("""
    import json, os, sys
    from vnstats import batch
    from vnstats.document import Document
    from vnstats.inputs import Input

    def fake(item, extractor, max_bytes):
        if item.source == "crash":
            os._exit(3)
        return Document(item.source, encoding=str(os.getpid()))
    batch.process = fake

    pulled = 0
    def inputs(names):
        global pulled
        for name in names:
            pulled += 1
            yield Input(name, path=name)

    names = [str(i) for i in range(int(sys.argv[1]))]
    names[int(sys.argv[2])] = "crash"
    out = {"sources": [], "errors": {}, "pids": set()}
    with batch.Batch(None, jobs=2) as b:
        for doc in b.run(inputs(names)):
            if not out["sources"]:
                out["pulled_at_first"] = pulled
            out["sources"].append(doc.source)
            out["pids"].add(doc.encoding)
            if doc.error:
                out["errors"][doc.source] = doc.error["type"]
    out["pids"] = len(out["pids"] - {None})
    print(json.dumps(out))
""")


def test_pool_keeps_order_streams_and_survives_a_dying_worker():
    if sys.platform != "linux":
        pytest.skip("the stand-in reaches the workers by fork")
    run = subprocess.run([sys.executable, "-c", POOL_SCRIPT, "2000", "1500"], capture_output=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    names = [str(i) for i in range(2000)]
    names[1500] = "crash"
    assert out["sources"] == names                   # everything, in input order
    assert out["errors"] == {"crash": "crash"}       # only the culprit lost
    assert out["pids"] >= 3                          # two workers, then a fresh one
    assert out["pulled_at_first"] <= 2 * AHEAD_PER_WORKER + 3     # only a few read ahead


def test_folders_give_their_text_files_and_compressed_ones(tmp_path):
    """-r reads *.txt (and what --glob adds), each also as .gz; results kept
    beside the articles are not taken for articles."""
    import gzip

    d = tmp_path / "news"
    d.mkdir()
    (d / "a.txt").write_text(SHORT, encoding="utf-8")
    (d / "b.txt.gz").write_bytes(gzip.compress(OTHER.encode("utf-8")))
    (d / "a.gold.jsonl").write_text('{"figures": []}\n', encoding="utf-8")
    (d / "c.md").write_text(SHORT, encoding="utf-8")
    (d / "broken.txt.gz").write_bytes(gzip.compress(SHORT.encode("utf-8"))[:20])
    run = vnstats("-r", "news", cwd=tmp_path)
    docs = [json.loads(line) for line in lines(run.stdout)]
    assert [d["source"] for d in docs] == ["news/a.txt", "news/b.txt.gz", "news/broken.txt.gz"]
    plain = vnstats("-", cwd=tmp_path, input=OTHER.encode("utf-8"))
    assert docs[1]["figures"] == json.loads(plain.stdout)["figures"] != []
    assert docs[2]["error"]["type"] == "decode" and "gzip" in docs[2]["error"]["message"]
    assert run.stderr.decode().splitlines() == [f"vnstats: news/broken.txt.gz: {docs[2]['error']['message']}"]
    more = vnstats("-r", "--glob", "*.md", "news", cwd=tmp_path)
    assert [json.loads(line)["source"] for line in lines(more.stdout)] == [
        "news/a.txt", "news/b.txt.gz", "news/broken.txt.gz", "news/c.md"]


def test_nouns_and_units_are_nfc_whatever_the_source(batch_dir):
    run = vnstats("news/article.txt", "news/cp1258.txt", "news/nfd.txt", cwd=batch_dir)
    docs = [json.loads(line) for line in lines(run.stdout)]
    names = [[(f["noun"], f["unit"]) for f in doc["figures"]] for doc in docs]
    assert names[0] == names[1] == names[2] and any(noun for noun, _ in names[0])
    assert all(unicodedata.is_normalized("NFC", s) for pairs in names for pair in pairs for s in pair if s)
    assert any(not unicodedata.is_normalized("NFC", f["text"]) for f in docs[2]["figures"])   # text as is
