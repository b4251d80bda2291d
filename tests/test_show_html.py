"""``vnstats show --html``: one self-contained page with every article, its
figures highlighted by kind, their fields on hover and in a side table, and a
summary by kind; everything escaped. The page is checked as written, then as a
real browser (headless Chromium) renders it: its DOM and a screenshot."""
from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import vnstats
from tests.conftest import ROOT
from tests.test_show import missing
from vnstats.html_view import PALETTE
from vnstats.show import label
from vnstats.show_cli import show

SAMPLE = ROOT / "samples" / "quang-yen-2017.txt"
HOSTILE = ('Tin <script>document.title="pwned"</script> và "><img src=x onerror=alert(1)> '
           "&amp; 148 buổi đối thoại, đạt 100% kế hoạch.\n<b>Hết</b>\n")


class Page(HTMLParser):
    """What a test needs of the page: its marks, table rows, attributes and text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.marks: list[dict] = []       # attributes and text of each <mark>
        self.rows: list[dict] = []        # data-kind and cell texts of each table row
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._mark = self._row = self._cell = None
        self._in_sup = self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "mark":
            self._mark = {**attrs, "text": ""}
        elif tag == "sup":
            self._in_sup = True
        elif tag == "tr":
            self._row = {"kind": attrs.get("data-kind"), "fig": attrs.get("data-fig"), "cells": []}
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
        elif tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "mark" and self._mark is not None:
            self.marks.append(self._mark)
            self._mark = None
        elif tag == "sup":
            self._in_sup = False
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row["cells"].append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._mark is not None and not self._in_sup:
            self._mark["text"] += data
        if self._cell is not None:
            self._cell += data
        if self._in_script:
            self.scripts[-1] += data

    def summary(self) -> dict[str, list[str]]:
        return {r["kind"]: r["cells"] for r in self.rows if r["kind"] and r["fig"] is None}

    def figure_rows(self) -> list[dict]:
        return [r for r in self.rows if r["fig"] is not None]


def write_page(tmp_path: Path, *files) -> tuple[Path, object]:
    out = tmp_path / "figures.html"
    result = CliRunner().invoke(show, ["--html", str(out), *map(str, files)])
    return out, result


@pytest.fixture(scope="module")
def sample_figures():
    return vnstats.extract(SAMPLE.read_text(encoding="utf-8"))


def _check_sample_page(page: Page, figures, doc: int = 0) -> None:
    marks = [m for m in page.marks if m["data-fig"].startswith(f"{doc}-")]
    assert [(m["text"], m["data-kind"]) for m in marks] == [(f.text, f.kind) for f in figures]
    assert [m["class"] for m in marks] == [f"k-{f.kind}" for f in figures]
    tips = [m["data-tip"] for m in marks]
    assert tips[0].startswith("#1  count  148 buổi\n") and "rule: count.digits" in tips[0]
    assert "numerator: 11" in tips[2] and "denominator: 19" in tips[2]
    assert all(f"start: {f.start}\nend: {f.end}" in tip for f, tip in zip(figures, tips))
    rows = [r for r in page.figure_rows() if r["fig"].startswith(f"{doc}-")]
    assert [r["cells"][1:3] for r in rows] == [[f.kind, f.text] for f in figures]
    assert rows[0]["cells"][:7] == ["1", "count", "148 buổi đối thoại", "148", "buổi",
                                    "buổi đối thoại", ""]
    assert rows[0]["cells"][8] == "count.digits"
    assert rows[2]["cells"][3] == "11/19 (0.5789473684210527)"
    for fig, row in zip(figures, rows):               # what it is about, in one cell
        about = row["cells"][7]
        for name in ("subject", "compared_to", "period"):
            if getattr(fig, name) is not None:
                assert getattr(fig, name)["text"] in about
        assert ("↑ up" in about) == (fig.change == "up") and ("↓ down" in about) == (fig.change == "down")


def test_the_page_marks_every_figure_with_its_fields(tmp_path, sample_figures):
    out, result = write_page(tmp_path, SAMPLE)
    assert result.exit_code == 0, result.output
    page = Page(out.read_text(encoding="utf-8"))
    _check_sample_page(page, sample_figures)
    summary = page.summary()
    assert summary["count"][:3] == ["count", "10", "1"] and "buổi (1)" in summary["count"][3]
    assert summary["percent"][:3] == ["percent", "3", "1"]
    assert summary["fraction"][:3] == ["fraction", "1", "1"]
    assert summary["money"][:3] == ["money", "0", "0"]
    assert summary["total"][:2] == ["total", "14"]


def test_the_page_is_self_contained(tmp_path):
    out, _ = write_page(tmp_path, SAMPLE, SAMPLE)
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        assert tag not in ("link", "img", "iframe", "object", "embed", "base"), tag
        assert attrs.get("href", "#").startswith("#"), attrs
    assert not re.search(r"url\(|@import|https?://", html)
    csp = [a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0].startswith("default-src 'none'")
    assert len({m["data-fig"] for m in page.marks}) == 28        # both documents' marks


def test_everything_is_escaped(tmp_path):
    folder = tmp_path / '<i>"x"&'
    folder.mkdir()
    article = folder / "<script>alert(1)<!--.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    out, result = write_page(tmp_path, article)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    assert [t for t, _ in page.tags].count("script") == 1 and "img" not in [t for t, _ in page.tags]
    assert [t for t, _ in page.tags].count("b") == 0 and [t for t, _ in page.tags].count("i") == 0
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" in html
    assert "&lt;i&gt;&quot;x&quot;&amp;/&lt;script&gt;alert(1)&lt;!--.txt" in html
    assert [m["text"] for m in page.marks] == ["148 buổi đối thoại", "100% kế hoạch"]


def test_what_a_figure_is_about_shows_in_its_row_and_on_hover(tmp_path):
    article = tmp_path / "about.txt"
    article.write_text("Doanh thu đạt 3.500 tỷ đồng, tăng 15% so với cùng kỳ năm trước. "
                       "Năm 2017, tỷ lệ hộ nghèo giảm còn 3,5%.\n", encoding="utf-8")
    out, _ = write_page(tmp_path, article)
    page = Page(out.read_text(encoding="utf-8"))
    about = {r["cells"][2]: r["cells"][7] for r in page.figure_rows()}
    assert about["15%"] == "Doanh thu · ↑ up · vs cùng kỳ năm trước"
    assert about["3,5%"] == "tỷ lệ hộ nghèo · Năm 2017 (2017 – 2017)"
    tip = next(m["data-tip"] for m in page.marks if m["text"] == "15%")
    assert tip.startswith("#2  percent  ↑15%\n")
    assert {"change: up", "compared_to: cùng kỳ năm trước", "subject: Doanh thu", "value: 15",
            "rule: percent.simple", "start: 34", "end: 37"} <= set(tip.splitlines())


def test_several_files_and_one_that_cannot_be_read(tmp_path, sample_figures):
    missing = tmp_path / "missing.txt"
    out, result = write_page(tmp_path, missing, SAMPLE)
    assert result.exit_code == 1
    assert result.stderr == f"vnstats: {missing}: no such file\n"
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    _check_sample_page(page, sample_figures, doc=1)
    assert "unreadable: no such file" in html and str(missing) in html
    assert page.summary()["total"][:3] == ["total", "14", "1"]


def test_a_repaired_file_carries_its_warning(tmp_path):
    article = tmp_path / "damaged.txt"
    article.write_bytes("Toàn Đảng bộ kết nạp mới 171 đảng viên.\n".encode() * 20 + b"\xff\n")
    out, result = write_page(tmp_path, article)
    assert result.exit_code == 0 and "warning: 1 invalid utf-8 sequence" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert '<p class="warning">warning: 1 invalid utf-8 sequence replaced with U+FFFD' in html
    assert len(Page(html).marks) == 20


def test_a_page_that_cannot_be_written_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(show, ["--html", str(tmp_path / "no" / "such" / "dir.html"), str(SAMPLE)])
    assert result.exit_code == 2 and "cannot write" in result.output
    assert "Traceback" not in result.output


# ------------------------------------------------------------ in a real browser


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    missing("chromium", "apt-get install chromium")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run(
        [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
         f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=180, check=True)


def test_the_browser_renders_the_marks_and_tables(tmp_path, sample_figures):
    article = tmp_path / "hostile.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    out, _ = write_page(tmp_path, SAMPLE, article)
    dom = _chromium(tmp_path, "--virtual-time-budget=3000", "--dump-dom", out.as_uri()).stdout
    page = Page(dom)
    _check_sample_page(page, sample_figures)
    assert [m["text"] for m in page.marks if m["data-fig"].startswith("1-")] == \
        ["148 buổi đối thoại", "100% kế hoạch"]
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom).group(1)   # no script of the article ran
    assert [t for t, _ in page.tags].count("img") == 0
    summary = page.summary()
    assert summary["count"][:3] == ["count", "11", "2"]
    assert summary["percent"][:3] == ["percent", "4", "2"]
    assert summary["total"][:3] == ["total", "16", "2"]


def test_a_screenshot_shows_the_article_in_the_kind_colours(tmp_path):
    """The PNG is made, has the window's size, is not blank, and shows the
    marks' colours of the kinds in the sample (count, percent, fraction)."""
    image = pytest.importorskip("PIL.Image")
    out, _ = write_page(tmp_path, SAMPLE)
    shot = tmp_path / "page.png"
    _chromium(tmp_path, "--window-size=1200,1800", f"--screenshot={shot}", out.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with image.open(shot) as png:
        rgb = png.convert("RGB")
    assert rgb.size == (1200, 1800)
    colours = Counter({colour: n for n, colour in rgb.getcolors(maxcolors=1 << 24)})
    assert len(colours) > 50                        # text, tables, marks: not one flat colour
    assert colours.most_common(1)[0][1] < 0.9 * 1200 * 1800
    for kind in ("count", "percent", "fraction"):
        rgb_of_kind = tuple(int(PALETTE[kind][i:i + 2], 16) for i in (1, 3, 5))
        assert colours[rgb_of_kind] > 100, kind
    assert colours[tuple(int(PALETTE["money"][i:i + 2], 16) for i in (1, 3, 5))] < 400  # a swatch only
