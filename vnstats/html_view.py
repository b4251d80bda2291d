"""Figures shown in their articles as one self-contained HTML page.

The page needs nothing but itself: CSS and the few lines of script are inline,
and a Content-Security-Policy forbids any fetch, so it opens the same offline,
from an e-mail or from an archive. Each article is shown with its figures
marked in a colour per kind (every field on hover), beside a table of its
figures; a summary table by kind heads the page. Every piece of text (the
article, file names, fields) is escaped.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import fields
from html import escape
from typing import Sequence

from .document import Document
from .figure import KINDS, Figure
from .show import label, placed

# background and border of a mark, per kind (KINDS order)
PALETTE = dict(zip(KINDS, ("#b3e5fc", "#f8bbd0", "#ffe082", "#c5e1a5", "#c5cae9", "#ffab91")))
TABLE = ("#", "kind", "text", "value", "unit", "noun", "qualifier", "about", "rule")
# every field of a figure but its sentence (the article shows it), rule and offsets last
_LAST = ("rule", "start", "end")
FIELDS = tuple(f.name for f in fields(Figure) if f.name not in ("sentence",) + _LAST) + _LAST
ABOUT = ("subject", "change", "compared_to", "period")      # what a figure is about

_STYLE = """
body{font:15px/1.6 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header,section{padding:12px 24px}
header{background:#fff;border-bottom:1px solid #ddd}
h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin:8px 0;word-break:break-all}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
.doc{display:flex;gap:24px;align-items:flex-start}
.article{flex:0 1 35em;white-space:pre-wrap;background:#fff;padding:12px 16px;border:1px solid #ddd;
 overflow-wrap:anywhere}
.side{flex:1 1 0;min-width:0;position:sticky;top:0;max-height:100vh;overflow:auto}
mark{position:relative;border-radius:3px;padding:0 1px;border-bottom:2px solid;color:inherit;cursor:help}
mark sup{font-size:10px;color:#555;margin-left:1px}
mark:hover::after,mark.on::after{content:attr(data-tip);position:absolute;left:0;top:1.6em;z-index:9;
 white-space:pre;background:#333;color:#fff;font-size:12px;line-height:1.4;padding:6px 8px;
 border-radius:4px;pointer-events:none}
tr.on td,mark.on{outline:2px solid #e67e22}
.swatch{display:inline-block;width:.9em;height:.9em;border:1px solid #999;vertical-align:middle;margin-right:4px}
tr.none td{color:#999}table.figures{font-size:12px}table.figures td:nth-child(4){overflow-wrap:anywhere}
table.figures td:nth-child(-n+2),table.figures td:nth-child(5),table.figures td:nth-child(9){white-space:nowrap}
table.figures td:nth-child(3),table.figures td:nth-child(6),table.figures td:nth-child(8){min-width:6em}
table.figures td:nth-child(4){min-width:5.5em}
.hint{color:#666;font-size:13px}table.figures tr{cursor:help}
.error{color:#b00020;font-weight:600}.warning{color:#8a5300}
nav a{margin-right:12px}
@media (max-width:1100px){.doc{flex-direction:column}.article{flex:none}
 .side{flex:none;position:static;max-height:none;width:100%}}
"""

# hovering a mark lights its row in the side table and the other way round;
# clicking a row brings its mark into view
_SCRIPT = """
function same(t){return document.querySelectorAll('[data-fig="'+t.getAttribute('data-fig')+'"]')}
document.addEventListener('mouseover',function(e){
 var t=e.target.closest('[data-fig]');
 document.querySelectorAll('.on').forEach(function(x){x.classList.remove('on')});
 if(t)same(t).forEach(function(x){if(x!==t)x.classList.add('on')});
});
document.addEventListener('click',function(e){
 var t=e.target.closest('tr[data-fig]');
 if(t)same(t).forEach(function(x){if(x.tagName==='MARK')x.scrollIntoView({block:'center'})});
});
"""


def _kind_css() -> str:
    return "".join(f"mark.k-{k}{{background:{c};border-color:{_darker(c)}}}"
                   f".swatch.k-{k}{{background:{c}}}" for k, c in PALETTE.items())


def _darker(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#%02x%02x%02x" % (r * 3 // 5, g * 3 // 5, b * 3 // 5)


def _field(value) -> str:
    """A field as text; a span object (subject, period …) as its text, with
    the dates a period has."""
    if value is None:
        return ""
    if isinstance(value, dict):
        dates = [value.get("from"), value.get("to")]
        return str(value.get("text", "")) + (f" ({dates[0] or '…'} – {dates[1] or '…'})" if any(dates) else "")
    return str(value)


def _about(fig: Figure) -> str:
    """Subject, change, comparison base and period in one short cell."""
    prefix = {"change": "", "compared_to": "vs ", "period": "", "subject": ""}
    arrows = {"up": "↑ up", "down": "↓ down"}
    parts = []
    for name in ABOUT:
        value = getattr(fig, name, None)
        if value is not None:
            parts.append(arrows.get(value, value) if name == "change" else prefix[name] + _field(value))
    return " · ".join(parts)


def _tip(fig: Figure, number: int) -> str:
    lines = [f"#{number}  {fig.kind}  {label(fig)}"]
    lines += [f"{name}: {_field(getattr(fig, name))}" for name in FIELDS[2:]
              if getattr(fig, name) is not None]
    return "\n".join(lines)


def _article(text: str, figures: Sequence[Figure], doc_id: int) -> str:
    out, pos = [], 0
    for i, fig, marked in placed(figures):
        if not marked:
            continue
        out.append(escape(text[pos:fig.start]))
        out.append(f'<mark class="k-{escape(fig.kind)}" data-kind="{escape(fig.kind)}" '
                   f'data-fig="{doc_id}-{i}" data-tip="{escape(_tip(fig, i + 1))}">'
                   f'{escape(text[fig.start:fig.end])}<sup>{i + 1}</sup></mark>')
        pos = fig.end
    out.append(escape(text[pos:]))
    return "".join(out)


def _value(fig: Figure) -> str:
    """The value cell: the exact number, with the bound and the parts it has."""
    text = _field(fig.value)
    if fig.upper is not None:
        text += " – " + _field(fig.upper)
    if fig.numerator is not None and fig.denominator is not None:
        text = f"{_field(fig.numerator)}/{_field(fig.denominator)} ({text})"
    return text


def _figure_table(figures: Sequence[Figure], doc_id: int) -> str:
    """The figures' fields, a row each; hovering a row shows its mark's fields."""
    head = "".join(f"<th>{name}</th>" for name in TABLE)
    rows = []
    for i, fig in enumerate(figures):
        cells = [f'<td class="n">{i + 1}</td>',
                 f'<td><span class="swatch k-{escape(fig.kind)}"></span>{escape(fig.kind)}</td>',
                 f"<td>{escape(fig.text)}</td>", f'<td class="n">{escape(_value(fig))}</td>']
        cells += [f"<td>{escape(_about(fig) if name == 'about' else _field(getattr(fig, name)))}</td>"
                  for name in TABLE[4:]]
        rows.append(f'<tr data-fig="{doc_id}-{i}" data-kind="{escape(fig.kind)}">{"".join(cells)}</tr>')
    return f'<table class="figures"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _summary(docs: Sequence[Document]) -> str:
    """Figures, documents and most frequent units, by kind."""
    figures: Counter = Counter()
    documents: Counter = Counter()
    units: dict[str, Counter] = {k: Counter() for k in KINDS}
    for doc in docs:
        for fig in doc.figures:
            figures[fig.kind] += 1
            units.setdefault(fig.kind, Counter())[fig.unit or "no unit"] += 1
        documents.update({fig.kind for fig in doc.figures})
    rows = []
    for kind in list(KINDS) + sorted(set(figures) - set(KINDS)):
        common = ", ".join(f"{escape(u)} ({n})" for u, n in units.get(kind, Counter()).most_common(5))
        empty = "" if figures[kind] else ' class="none"'
        rows.append(f'<tr data-kind="{escape(kind)}"{empty}><td><span class="swatch k-{escape(kind)}"></span>'
                    f'{escape(kind)}</td><td class="n">{figures[kind]}</td>'
                    f'<td class="n">{documents[kind]}</td><td>{common}</td></tr>')
    total = sum(figures.values())
    rows.append(f'<tr data-kind="total"><th>total</th><th class="n">{total}</th>'
                f'<th class="n">{sum(1 for d in docs if d.figures)}</th><th></th></tr>')
    return ('<table class="summary"><thead><tr><th>kind</th><th>figures</th><th>documents</th>'
            f'<th>units (most frequent)</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _section(doc: Document, text: str | None, doc_id: int) -> str:
    title = f'<h2>{escape(doc.source)}</h2>'
    if doc.error is not None:
        return (f'<section id="doc-{doc_id}" class="failed">{title}<p class="error">'
                f'{escape(doc.error.get("type", ""))}: {escape(doc.error.get("message", ""))}</p></section>')
    meta = (f'<p>{len(doc.figures)} figure{"" if len(doc.figures) == 1 else "s"}'
            f'{", encoding " + escape(doc.encoding) if doc.encoding else ""}</p>')
    for warning in getattr(doc, "warnings", None) or ():
        meta += f'<p class="warning">warning: {escape(str(warning.get("message", "")))}</p>'

    return (f'<section id="doc-{doc_id}">{title}{meta}<div class="doc">'
            f'<div class="article">{_article(text or "", doc.figures, doc_id)}</div>'
            f'<div class="side">{_figure_table(doc.figures, doc_id)}</div></div></section>')


def render_page(documents: Sequence[tuple[Document, str | None]], title: str = "vnstats") -> str:
    """The page for ``(document, its text)`` pairs (text None where it could not be read)."""
    docs = [d for d, _ in documents]
    nav = ""
    if len(docs) > 1:
        nav = "<nav>" + "".join(f'<a href="#doc-{i}">{escape(d.source)}</a>'
                                for i, d in enumerate(docs)) + "</nav>"
    total = sum(len(d.figures) for d in docs)
    heading = (f"{len(docs)} document{'' if len(docs) == 1 else 's'}, "
               f"{total} figure{'' if total == 1 else 's'}")
    sections = "".join(_section(d, t, i) for i, (d, t) in enumerate(documents))
    return ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{_STYLE}{_kind_css()}</style></head><body>"
            f"<header><h1>{escape(heading)}</h1>{_summary(docs)}{nav}"
            "<p class=\"hint\">Point at a figure, or at its row, to see all its fields.</p></header>"
            f"<main>{sections}</main><script>{_SCRIPT}</script></body></html>\n")
