"""The distributed recipe: Dask on a local cluster of 2 worker processes gives
exactly what ``vnstats extract`` gives, and each worker builds one extractor."""
from __future__ import annotations

import json
import logging
import shutil

import pytest
from click.testing import CliRunner

from vnstats.cli import main
from vnstats.distributed import (extract_frame, extract_paths, extract_texts, extractor_builds,
                                 folder_bag, worker_extractor)

db = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

N_ARTICLES = 6
UNIT = "dictionaries:\n  measure_unit:\n    dặm: mi\n"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
    with cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def folder(tmp_path_factory, dev_articles):
    """A handful of dev articles, plus a file that cannot be read."""
    folder = tmp_path_factory.mktemp("news")
    for path in dev_articles[:N_ARTICLES]:
        shutil.copy(path, folder / path.name)
    (folder / "zz_binary.txt").write_bytes(bytes(range(256)) * 8)
    return folder


def _cli(*args) -> list[dict]:
    result = CliRunner().invoke(main, ["extract", *map(str, args)])
    assert result.exit_code in (0, 1), result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_folder_bag_on_a_local_cluster_equals_the_cli(client, folder):
    bag = folder_bag(folder, npartitions=4)
    docs = bag.compute()                    # runs on the client's cluster
    paths = sorted(str(p) for p in folder.glob("*.txt"))
    assert [d["source"] for d in docs] == paths
    assert docs == _cli(*paths)
    assert sum(len(d["figures"]) for d in docs) > 100
    assert docs[-1]["error"]["type"] == "binary" and docs[-1]["figures"] == []

    # 4 partitions, 2 workers: each worker built one extractor at most, and reused it
    builds = client.run(extractor_builds)
    assert len(builds) == 2 and set(builds.values()) <= {0, 1} and sum(builds.values()) >= 1, builds


def test_user_rules_reach_the_workers(client, tmp_path):
    rules = tmp_path / "units.yaml"
    rules.write_text(UNIT, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Đoàn xe đã chạy 300 dặm.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Có 12 người.", encoding="utf-8")
    docs = folder_bag(tmp_path, patterns=[rules], npartitions=2).compute()
    assert [(f["value"], f["unit"]) for d in docs for f in d["figures"]] == [(300, "mi"), (12, None)]
    assert docs == _cli("--patterns", rules, tmp_path / "a.txt", tmp_path / "b.txt")


def test_texts_bag_on_the_multiprocessing_scheduler(folder, extractor):
    """Texts rather than paths (e.g. read from object storage), on dask's
    plain multiprocessing scheduler: no cluster needed."""
    paths = sorted(folder.glob("*.txt"))[:3]
    records = [(p.name, p.read_bytes()) for p in paths] + [("inline", "Có 12 người."), ("null", None)]
    docs = db.from_sequence(records, npartitions=2).map_partitions(extract_texts).compute(
        scheduler="processes", num_workers=2)
    assert docs[:3] == [{**d, "source": p.name} for p, d in zip(paths, _cli(*paths))]
    assert docs[3]["encoding"] is None and [f["value"] for f in docs[3]["figures"]] == [12]
    assert docs[4]["error"]["type"] == "missing"


def test_partition_functions_reuse_one_extractor(folder):
    assert worker_extractor() is worker_extractor()
    paths = [str(p) for p in sorted(folder.glob("*.txt"))[:2]]
    assert extract_paths(paths) == extract_paths(paths)


def test_extract_frame_for_a_text_column(folder):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    paths = sorted(folder.glob("pool_*.txt"))[:2]
    frame = pd.DataFrame({"url": [p.name for p in paths],
                          "body": [p.read_text(encoding="utf-8") for p in paths]})
    ddf = dd.from_pandas(frame, npartitions=2)
    lines = ddf.map_partitions(extract_frame, "body", "url",
                               meta=("document", str)).compute(scheduler="processes")
    docs = [json.loads(line) for line in lines]
    assert [d["source"] for d in docs] == [p.name for p in paths]
    assert [d["figures"] for d in docs] == [d["figures"] for d in _cli(*paths)]
