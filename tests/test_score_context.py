"""The context scorer on tiny made-up gold and predictions (no article text)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("score_context", ROOT / "bench" / "score_context.py")
score_context = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("score_context", score_context)
_spec.loader.exec_module(score_context)


def span(start, end, text="x", **extra):
    return {"start": start, "end": end, "text": text, **extra}


def gold_line(start, end, kind="percent", change=None, compared_to=None, period=None,
              subject=None, **extra):
    return {"source": "a.txt", "start": start, "end": end, "kind": kind, "value": 1,
            "change": change, "compared_to": compared_to, "period": period,
            "subject": subject, **extra}


def pred_fig(start, end, kind="percent", **keys):
    return {"kind": kind, "start": start, "end": end, "value": 1, **keys}


def write(tmp_path: Path, gold: list[dict], figures: list[dict]):
    gdir = tmp_path / "gold"
    gdir.mkdir()
    (gdir / "part.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"source": "some/dir/a.txt", "figures": figures}) + "\n",
                    encoding="utf-8")
    return gdir, pred


def run(tmp_path, gold, figures):
    gdir, pred = write(tmp_path, gold, figures)
    return score_context.score(score_context.load_gold([gdir]), score_context.load_pred(pred))


def counts(result, key):
    t = result["tallies"][key]
    return t.tp, t.fp, t.fn


def test_change_equal_values_wrong_direction_is_miss_and_false_positive(tmp_path):
    gold = [gold_line(10, 14, change="up"), gold_line(30, 34, change="down"),
            gold_line(50, 54, change=None)]
    figs = [pred_fig(10, 14, change="up"), pred_fig(30, 34, change="up"),
            pred_fig(50, 54, change="down")]
    r = run(tmp_path, gold, figs)
    assert counts(r, "change") == (1, 2, 1)
    assert r["tallies"]["change"].precision == pytest.approx(1 / 3)
    assert r["tallies"]["change"].recall == pytest.approx(1 / 2)


def test_spans_match_by_overlap_and_a_disjoint_span_counts_twice(tmp_path):
    gold = [gold_line(40, 44, subject=span(0, 9)), gold_line(60, 64, subject=span(50, 58))]
    figs = [pred_fig(40, 44, subject=span(5, 12)), pred_fig(60, 64, subject=span(45, 49))]
    r = run(tmp_path, gold, figs)
    assert counts(r, "subject") == (1, 1, 1)


def test_unpaired_gold_is_a_miss_unless_optional(tmp_path):
    gold = [gold_line(10, 14, change="up", compared_to=span(20, 30)),
            gold_line(40, 44, change="down", optional=True)]
    # right span, wrong kind: no pair
    r = run(tmp_path, gold, [pred_fig(10, 14, kind="money", change="up")])
    assert r["figures"] == 1 and r["paired"] == 0
    assert counts(r, "change") == (0, 0, 1)
    assert counts(r, "compared_to") == (0, 0, 1)


def test_key_missing_from_prediction_reads_as_null(tmp_path):
    gold = [gold_line(10, 14, period=span(0, 8, "năm 2017", **{"from": "2017", "to": "2017"}))]
    r = run(tmp_path, gold, [pred_fig(10, 14)])
    assert counts(r, "period") == (0, 0, 1)
    assert counts(r, "period_from") == (0, 0, 1)


def test_period_dates_scored_only_where_gold_has_them(tmp_path):
    gold = [gold_line(10, 14, period=span(0, 8, **{"from": "2018-01", "to": "2018-06"})),
            gold_line(30, 34, period=span(20, 28, **{"from": None, "to": None}))]
    figs = [pred_fig(10, 14, period=span(2, 6, **{"from": "2018-01", "to": "2018-03"})),
            pred_fig(30, 34, period=span(20, 28, **{"from": "2019", "to": "2019"}))]
    r = run(tmp_path, gold, figs)
    assert counts(r, "period") == (2, 0, 0)
    assert counts(r, "period_from") == (1, 0, 0)
    assert counts(r, "period_to") == (0, 1, 1)


def test_each_prediction_pairs_with_one_gold_figure_of_most_overlap(tmp_path):
    gold = [gold_line(10, 20, change="up"), gold_line(18, 30, change="down")]
    figs = [pred_fig(17, 30, change="down")]
    r = run(tmp_path, gold, figs)
    # it overlaps the first gold figure by 3, the second by 12: it is the second's
    assert r["paired"] == 1
    assert counts(r, "change") == (1, 0, 1)


def test_cli_prints_a_table_and_bad_input_gets_one_line(tmp_path, capsys):
    gdir, pred = write(tmp_path, [gold_line(10, 14, change="up")],
                       [pred_fig(10, 14, change="up")])
    assert score_context.main([str(pred), "--gold", str(gdir)]) == 0
    out = capsys.readouterr().out
    assert "change" in out and "1.000" in out
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert score_context.main([str(bad), "--gold", str(gdir)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "bad.jsonl:1: not JSON" in err
    assert score_context.main([str(pred), "--gold", str(tmp_path / "nowhere")]) == 2
    assert "no such gold file or folder" in capsys.readouterr().err


def test_gold_sources_without_a_predicted_document_are_left_out(tmp_path):
    gdir, pred = write(tmp_path, [gold_line(10, 14, change="up")],
                       [pred_fig(10, 14, change="up")])
    other = dict(gold_line(10, 14, change="down"), source="b.txt")
    (gdir / "part2.jsonl").write_text(json.dumps(other) + "\n", encoding="utf-8")
    r = score_context.score(score_context.load_gold([gdir]), score_context.load_pred(pred))
    assert r["absent"] == ["b.txt"]
    assert r["figures"] == 1 and counts(r, "change") == (1, 0, 0)
