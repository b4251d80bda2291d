"""What a figure is about (the README's field reference): change, compared_to, period, subject.

Small made-up sentences pin each behaviour; the hand-made gold of
tests/data/context_gold (docs/context-annotation.md) gives the per-key precision
and recall, read against the dev articles in ../shared/eval (skipped without them).
"""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

import vnstats
from vnstats.cli import main

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev"
GOLD = ROOT / "tests" / "data" / "context_gold"


@pytest.fixture(scope="module")
def about(extractor):
    """The figures of a text as ``{figure text: figure dict}`` (first of each text)."""
    def read(text: str) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for f in extractor.extract(text):
            out.setdefault(f.text, f.to_dict())
        return out
    return read


def _text(span):
    return None if span is None else span["text"]


# ---------------------------------------------------------------- change
def test_a_rise_and_a_fall_are_changes_and_levels_are_not(about):
    figs = about("Doanh thu đạt 3.500 tỷ đồng, tăng 15% so với cùng kỳ; chi phí giảm hơn 2 tỷ đồng, "
                 "tỷ lệ hộ nghèo giảm còn 3,5%.")
    assert figs["3.500 tỷ đồng"]["change"] is None
    assert figs["15%"]["change"] == "up"
    assert figs["2 tỷ đồng"]["change"] == "down"
    assert figs["3,5%"]["change"] is None


def test_both_ends_of_a_move_are_levels(about):
    figs = about("Lãi suất tăng từ 4,8% lên 5,3% trong tháng 6.")
    assert figs["4,8%"]["change"] is None and figs["5,3%"]["change"] is None


def test_a_factor_is_a_change_only_after_a_change_word(about):
    assert about("Doanh thu tăng gấp 3 lần.")["gấp 3 lần"]["change"] == "up"
    assert about("Sản lượng gấp 3 lần năm trước.")["gấp 3 lần"]["change"] is None


def test_a_bracketed_sign_and_a_list_share_the_change(about):
    figs = about("Bình Định ước đạt 6.900 tấn (+43,2%); mức tăng lần lượt 3,7% và 1,4%.")
    assert figs["6.900 tấn"]["change"] is None
    assert figs["43,2%"]["change"] == "up"
    listed = [f for f in figs.values() if f["value"] in (3.7, 1.4)]
    assert len(listed) == 2 and all(f["change"] == "up" for f in listed)
    assert all(_text(f["subject"]) == "mức tăng" for f in listed)


def test_a_threshold_and_a_deficit_are_no_change(about):
    figs = about("Cá loại nhỏ hơn 30 kg/con có giá 60.000 đồng/kg; cán cân thương mại thâm hụt 100 triệu USD.")
    assert figs["30 kg/con"]["change"] is None
    assert figs["100 triệu USD"]["change"] is None


# ----------------------------------------------------------- compared_to
def test_the_base_goes_to_the_figure_it_is_stated_for(about):
    figs = about("Giá giảm 10.000 đồng/kg so với tháng trước, xuống còn 180.000 đồng/kg.")
    assert _text(figs["10.000 đồng/kg"]["compared_to"]) == "tháng trước"
    assert figs["180.000 đồng/kg"]["compared_to"] is None
    text = "Doanh thu đạt 500 tỷ đồng, tăng 10% so với năm trước."
    figs = about(text)
    base = figs["10%"]["compared_to"]
    assert figs["500 tỷ đồng"]["compared_to"] is None
    assert text[base["start"]:base["end"]] == base["text"] == "năm trước"


def test_a_plan_and_a_base_without_so_voi(about):
    figs = about("Thu ngân sách đạt 66% kế hoạch năm, xuất khẩu tăng 28% cùng kỳ năm trước.")
    assert _text(figs["66% kế hoạch"]["compared_to"]).startswith("kế hoạch")
    assert _text(figs["28%"]["compared_to"]) == "cùng kỳ năm trước"
    assert about("Nhà máy chiếm 80% tổng công suất.")["80% tổng công suất"]["compared_to"] is None


def test_a_base_that_leads_the_sentence(about):
    figs = about("So với năm 2016, doanh thu tăng 12%, lợi nhuận tăng 8%.")
    assert _text(figs["12%"]["compared_to"]) == "năm 2016"
    assert _text(figs["8%"]["compared_to"]) == "năm 2016"
    assert figs["12%"]["period"] is None          # a year that is the base is no period


def test_a_base_that_is_itself_a_figure(about):
    figs = about("Tính đến thời điểm hiện tại, tỷ lệ cử tri đi bầu cao hơn 4,4%, so với 59,3% cử tri "
                 "đi bầu cùng thời điểm của cuộc bầu cử trước.")
    rise = figs["4,4%"]
    inner = next(f for f in figs.values() if f["value"] == 59.3)
    assert rise["change"] == "up" and _text(rise["compared_to"]).startswith("59,3% cử tri")
    assert _text(rise["period"]) == "Tính đến thời điểm hiện tại"
    assert _text(inner["period"]) == "cùng thời điểm" and inner["subject"] is None
    assert inner["compared_to"] is None


def test_the_equivalent_in_brackets_shares_change_and_base(about):
    figs = about("Thu ước đạt 752.370 tỷ đồng, giảm 63.630 tỷ đồng (tương đương 7,8%) so với dự toán.")
    for key in ("63.630 tỷ đồng", "7,8%"):
        assert figs[key]["change"] == "down"
        assert _text(figs[key]["compared_to"]) == "dự toán"


# ------------------------------------------------------------------ period
@pytest.mark.parametrize("phrase, start, end", [
    ("6 tháng đầu năm 2018", "2018-01", "2018-06"),
    ("quý I/2018", "2018-01", "2018-03"),
    ("tháng 6/2017", "2017-06", "2017-06"),
    ("9 tháng năm 2013", "2013-01", "2013-09"),
    ("cuối năm 2031", "2031-12", "2031-12"),
    ("năm 2012-2016", "2012", "2016"),
    ("nửa đầu năm 2018", "2018-01", "2018-06"),
    ("niên vụ 2016-2017", "2016", "2017"),
    ("những năm 1990", "1990", "1999"),
    ("đến hết ngày 3/11/2017", None, "2017-11-03"),
    ("từ tháng 7/2015", "2015-07", None),
    ("Từ năm 2005 đến nay", "2005", None),
    ("từ 1 - 27/6/2018", "2018-06-01", "2018-06-27"),
    ("6 tháng đầu năm", None, None),
    ("năm nay", None, None),
])
def test_a_period_and_its_dates(about, phrase, start, end):
    text = f"{phrase[0].upper() + phrase[1:]}, doanh thu của công ty đạt 3.500 tỷ đồng."
    period = about(text)["3.500 tỷ đồng"]["period"]
    assert period is not None, text
    assert period["text"].lower() == phrase.lower() == text[period["start"]:period["end"]].lower()
    assert (period["from"], period["to"]) == (start, end)


def test_a_period_is_taken_from_the_clause_then_the_sentence_before(about):
    figs = about("Năm 2016, số thu đạt 42.300 tỷ đồng, tăng 5%; trong quý I/2017 số thu đạt 11.000 tỷ đồng.")
    assert _text(figs["42.300 tỷ đồng"]["period"]) == "Năm 2016"
    assert _text(figs["5%"]["period"]) == "Năm 2016"
    assert _text(figs["11.000 tỷ đồng"]["period"]) == "quý I/2017"


@pytest.mark.parametrize("text", [
    "Hiện nay, doanh thu của công ty đạt 3.500 tỷ đồng.",
    "Mỗi năm doanh thu của công ty đạt 3.500 tỷ đồng.",
    "Công ty phải nộp trước 30/7 khoản tiền 3.500 tỷ đồng.",
    "Ông Trường (sinh năm 1963) nhận 3.500 tỷ đồng.",
])
def test_what_is_not_a_period(about, text):
    assert about(text)["3.500 tỷ đồng"]["period"] is None


def test_a_duration_has_no_context(about):
    figs = about("Trong 6 năm, doanh thu tăng 15% so với năm 2010.")
    six = figs["6 năm"]
    assert (six["change"], six["compared_to"], six["period"], six["subject"]) == (None, None, None, None)
    assert figs["15%"]["change"] == "up"


def test_the_amount_of_a_base_in_brackets(about):
    figs = about("Thu ngân sách tăng 2,04% so với cùng kỳ 2017 (143.075 tỷ đồng).")
    amount = figs["143.075 tỷ đồng"]
    assert amount["change"] is None and amount["compared_to"] is None
    assert (amount["period"]["text"], amount["period"]["from"]) == ("cùng kỳ 2017", None)


# ----------------------------------------------------------------- subject
def test_joined_clauses_share_the_subject(about):
    figs = about("Kim ngạch xuất khẩu gạo 6 tháng đầu năm 2018 đạt 3.500 tỷ đồng, tăng 15%.")
    assert _text(figs["3.500 tỷ đồng"]["subject"]) == "Kim ngạch xuất khẩu gạo"
    assert _text(figs["15%"]["subject"]) == "Kim ngạch xuất khẩu gạo"


def test_an_amount_after_an_action_or_a_place_has_no_subject(about):
    figs = about("Thành phố chi 846 tỷ đồng cho dự án. Hà Nội có 30 trường đạt chuẩn.")
    assert figs["846 tỷ đồng"]["subject"] is None
    assert figs["30 trường"]["subject"] is None


def test_a_product_before_its_price_and_size_labels(about):
    figs = about("Cá tra giống có giá 24.000 đồng/kg; tôm sú cỡ 30 con/kg giá 180.000 đồng/kg.")
    assert _text(figs["24.000 đồng/kg"]["subject"]) == "Cá tra giống"
    assert figs["30 con/kg"]["subject"] is None


def test_a_count_takes_only_a_measure_of_counts(about):
    figs = about("Số hộ nghèo là 300 hộ; doanh thu đạt 5 tỷ đồng với 40 công nhân.")
    assert _text(figs["300 hộ"]["subject"]) == "Số hộ nghèo"
    assert figs["40 công nhân"]["subject"] is None


# ------------------------------------------------------- offsets and output
def test_spans_index_nfd_input(extractor):
    text = unicodedata.normalize(
        "NFD", "Sản lượng thủy sản quý I/2018 đạt 13.026 tấn, tăng 21,8% so với cùng kỳ năm trước.")
    figs = extractor.extract(text)
    rise = next(f for f in figs if f.change == "up")
    for span in (rise.subject, rise.period, rise.compared_to):
        assert span is not None
        assert text[span["start"]:span["end"]] == span["text"]
    assert unicodedata.normalize("NFC", rise.subject["text"]) == "Sản lượng thủy sản"
    assert (rise.period["from"], rise.period["to"]) == ("2018-01", "2018-03")


def test_csv_has_the_keys_as_text_columns(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Doanh thu quý I/2018 đạt 3.500 tỷ đồng, tăng 15% so với cùng kỳ năm trước.",
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", "--format", "csv", str(article)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    rise = next(r for r in rows if r["change"] == "up")
    assert (rise["compared_to"], rise["period"], rise["period_from"], rise["period_to"],
            rise["subject"]) == ("cùng kỳ năm trước", "quý I/2018", "2018-01", "2018-03", "Doanh thu")


# -------------------------------------------------------------------- gold
def _scorer():
    spec = importlib.util.spec_from_file_location("score_context", ROOT / "bench" / "score_context.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module            # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gold_score(extractor):
    if not DEV.is_dir():
        pytest.skip("../shared/eval/dev is absent")
    scorer = _scorer()
    gold = scorer.load_gold([GOLD])
    pred = {}
    for source in gold:
        doc = vnstats.extract_file(DEV / source, extractor=extractor)
        pred[source] = [json.loads(json.dumps(f.to_dict(), default=str)) for f in doc.figures]
    result = scorer.score(gold, pred)
    assert result["figures"] >= 400 and not result["absent"]
    return result["tallies"]


@pytest.mark.parametrize("key, floor", [
    ("change", 0.95), ("compared_to", 0.9), ("period", 0.85),
    ("period_from", 0.9), ("period_to", 0.9), ("subject", 0.75),
])
def test_precision_and_recall_on_the_gold(gold_score, key, floor):
    tally = gold_score[key]
    assert tally.precision >= floor, (key, tally.precision, tally.errors[:5])
    assert tally.recall >= floor, (key, tally.recall, tally.errors[:5])


def test_the_figures_themselves_do_not_change(extractor, dev_articles, monkeypatch):
    """The stage only adds the four keys: every other field of every figure is
    what it is with the stage switched off."""
    from vnstats.about import AboutReader
    keys = ("change", "compared_to", "period", "subject")

    def figures():
        out = []
        for path in dev_articles[:24]:
            doc = vnstats.extract_file(path, extractor=extractor)
            out.append([{k: v for k, v in f.to_dict().items() if k not in keys} for f in doc.figures])
        return out

    with_stage = figures()
    monkeypatch.setattr(AboutReader, "attach", lambda self, *args, **kwargs: None)
    assert figures() == with_stage and sum(map(len, with_stage)) > 500


@pytest.mark.parametrize("name", ["about_period", "about_report_length", "about_compare"])
def test_quick_scans_find_what_a_full_scan_finds(extractor, dev_articles, name):
    """Periods are matched only where ``about_period_start`` holds, a report's
    length and a base only where a string they require is: over every line of
    real articles that finds the very matches a full scan of the line finds."""
    reader = extractor.context._about
    pattern = reader._re[name]
    found = 0
    for path in dev_articles[:40]:
        text = path.read_text(encoding="utf-8")
        lo = 0
        for line in text.split("\n"):
            hi = lo + len(line)
            quick = reader._all(name, text, lo, hi)
            full = list(pattern.finditer(text, lo, hi))
            assert [(m.span(), m.groupdict()) for m in quick] == \
                [(m.span(), m.groupdict()) for m in full], line
            found += len(full)
            lo = hi + 1
    assert found > 10


def test_the_period_gate_reads_what_may_start_a_period(extractor):
    """The period pattern is tried only where the text may start one of its
    kinds of time expression (``scans.gate_of_alternatives``), read from the
    blocks: most numbers and words a period may start with start none there."""
    from vnstats.rules import single_line
    from vnstats.scans import gate_of_alternatives
    gate = extractor.context._about._quick["about_period"]
    for start in ("trong năm 2019", "6 tháng đầu năm", "từ đầu năm", "năm 2020", "ngày 12/5", "hiện tại"):
        assert gate.match(start.casefold()), start
    for start in ("trong khi đó", "các doanh nghiệp", "6 người", "1.500 tỷ đồng", "một số", "hiện nay"):
        assert not gate.match(start.casefold()), start
    # blocks not of the shape it reads: no gate
    assert gate_of_alternatives(extractor.rules, "about_period_lead", "about_period", single_line) is None
