"""Fuzzing the extractor: many odd inputs, three invariants.

    nice python bench/fuzz.py --inputs 100000          # about 20 minutes on one CPU

Inputs are made from the sentences of ``../shared/eval`` (dev and bulk; read in
place, never copied) and from nothing: each sentence as it is, mutated
(characters inserted, deleted or swapped, from digits, separators, Vietnamese
letters, combining marks, Hangul jamo, control characters and any code point),
in NFD, with old tone placement, with huge numbers (thousands of digits, scale
words repeated hundreds of times) and runs of separators (``1.1.1.…``), and
random Unicode. For each input it counts:

- exceptions: anything ``Extractor.extract`` raises, or writing the document
  out as JSON (``writers.to_json``) and reading it back;
- span errors: a span (the figure's, or that of what it is about) whose text is
  not ``input[start:end]``, or that parts a character from its combining marks;
- NFC/NFD differences: the NFC and the NFD form of the input giving figures
  that differ in anything but their offsets, or at offsets that do not
  correspond.

It prints the counts, and the first few inputs of each kind of failure (as
Python literals) for a regression test. Without ``../shared/eval`` it makes
its sentences from nothing but the generators.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
import unicodedata
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vnstats.document import Document  # noqa: E402
from vnstats.extractor import Extractor  # noqa: E402
from vnstats.writers import to_json  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
SPANS = ("compared_to", "period", "subject")
COMPARED = ("kind", "value", "upper", "numerator", "denominator", "unit", "noun", "qualifier",
            "rule", "change")

DIGITS = "0123456789"
SEPARATORS = ".,/-–%:; \n\t\u00a0"
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
MARKS = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u0308\u20dd\u0345"
JAMO = "\u1100\u1112\u1161\u1175\u11a8\u11ab\u3131"
CONTROLS = "\x00\x01\x1b\r\u200b\u200d\ufeff\ufffd\u2028"


def sentences(limit: int, rng: random.Random) -> list[str]:
    """Sentences of the evaluation articles (a sample of bulk, all of dev)."""
    files = sorted((EVAL / "dev").glob("*.txt")) if (EVAL / "dev").is_dir() else []
    bulk = sorted((EVAL / "bulk").glob("*.txt")) if (EVAL / "bulk").is_dir() else []
    files += rng.sample(bulk, min(len(bulk), 600))
    out = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            for piece in line.split(". "):
                if any(c.isdigit() for c in piece) and 10 < len(piece) < 400:
                    out.append(piece + ".")
    rng.shuffle(out)
    return out[:limit] or ["Có 148 buổi đối thoại, đạt 100% kế hoạch, 3.500 tỷ đồng."]


def mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        palette = rng.choice([DIGITS, SEPARATORS, LETTERS, MARKS, JAMO, CONTROLS, None])
        c = (chr(rng.choice([rng.randint(0x20, 0x2FFF), rng.randint(0x3000, 0x10FFFF)]))
             if palette is None else rng.choice(palette))
        if c and 0xD800 <= ord(c) <= 0xDFFF:
            c = "\ufffd"
        i = rng.randint(0, len(chars))
        op = rng.random()
        if op < 0.5 or not chars:
            chars.insert(i, c)
        elif op < 0.75:
            del chars[min(i, len(chars) - 1)]
        else:
            chars[min(i, len(chars) - 1)] = c
    return "".join(chars)


def huge(rng: random.Random) -> str:
    """Numbers of thousands of digits, scale words repeated, runs of separators
    (sizes spread evenly on a log scale: the work some of them cost grows with
    the square of their size)."""
    size = lambda low, high: int(10 ** rng.uniform(low, high))      # noqa: E731
    kind = rng.randrange(5)
    if kind == 0:
        return f"Có {rng.choice('19')}{'0' * size(2, 3.7)} người tham gia."
    if kind == 1:
        return "Có 1 " + "nghìn tỷ " * size(1.5, 2.8) + rng.choice(["người.", "đồng.", "tấn."])
    if kind == 2:
        sep = rng.choice(".,/-")
        return "Tổng " + sep.join(rng.choice(DIGITS) for _ in range(size(1, 2.5))) + " ha."
    if kind == 3:
        return f"Tăng {rng.randint(1, 9)},{'9' * size(1, 3.3)}% so với 0,{'0' * size(1, 2.6)}1 lần."
    return f"{rng.randint(1, 10**6)}/{'0' * rng.randint(1, 30)} xã; {'9' * size(2, 3)},5 triệu USD."


def random_unicode(rng: random.Random) -> str:
    n = rng.randint(1, 80)
    out = []
    for _ in range(n):
        cp = rng.choice([rng.randint(0x20, 0x24F), rng.randint(0x300, 0x36F), rng.randint(0x1100, 0x11FF),
                         rng.randint(0xAC00, 0xD7A3), rng.randint(0x1E00, 0x1EFF), rng.randint(0, 0x10FFFF),
                         ord(rng.choice(DIGITS + SEPARATORS))])
        out.append("\ufffd" if 0xD800 <= cp <= 0xDFFF else chr(cp))
    return "".join(out)


def inputs(count: int, rng: random.Random, respell_old: dict):
    base = sentences(count, rng)
    for i in range(count):
        r = rng.random()
        s = base[i % len(base)]
        if r < 0.15:
            yield "sentence", s
        elif r < 0.30:
            yield "nfd", unicodedata.normalize("NFD", s)
        elif r < 0.40:
            old = s
            for new, older in respell_old.items():
                old = old.replace(new, older)
            yield "old-tones", unicodedata.normalize(rng.choice(["NFC", "NFD"]), old)
        elif r < 0.83:
            yield "mutated", mutate(s if rng.random() < 0.7 else unicodedata.normalize("NFD", s), rng)
        elif r < 0.85:
            yield "huge", huge(rng)
        else:
            yield "unicode", random_unicode(rng)


def _is_mark(ch: str) -> bool:
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch)[0] == "M"


def span_errors(text: str, figures) -> list[str]:
    out = []
    for f in figures:
        spans = [("figure", f.start, f.end, f.text)]
        spans += [(k, v["start"], v["end"], v["text"]) for k in SPANS
                  if isinstance(v := getattr(f, k, None), dict)]
        for name, start, end, got in spans:
            if text[start:end] != got:
                out.append(f"{name} {start}:{end} is {text[start:end]!r}, not {got!r}")
            elif (end < len(text) and end > start and _is_mark(text[end])) or \
                    (0 < start < len(text) and _is_mark(text[start])):
                out.append(f"{name} {start}:{end} parts a character from its marks")
    return out


def _at(nfc: str, nfd: str, a: int, b: int) -> bool:
    return unicodedata.normalize("NFC", nfd[:b]) == nfc[:a]


def form_differences(nfc: str, nfd: str, a, b) -> list[str]:
    if len(a) != len(b):
        return [f"{len(a)} figures in NFC, {len(b)} in NFD"]
    out = []
    for f, g in zip(a, b):
        for key in COMPARED:
            x, y = getattr(f, key, None), getattr(g, key, None)
            if x != y:
                out.append(f"{key}: {x!r} != {y!r}")
        if unicodedata.normalize("NFC", g.text) != f.text and unicodedata.normalize("NFC", g.text) != \
                unicodedata.normalize("NFC", f.text):
            out.append(f"text: {f.text!r} != {g.text!r}")
        if not (_at(nfc, nfd, f.start, g.start) and _at(nfc, nfd, f.end, g.end)):
            out.append(f"offsets {f.start}:{f.end} != {g.start}:{g.end}")
        for key in SPANS:
            x, y = getattr(f, key, None), getattr(g, key, None)
            if (x is None) != (y is None):
                out.append(f"{key}: {x!r} != {y!r}")
            elif x is not None and not (_at(nfc, nfd, x["start"], y["start"]) and _at(nfc, nfd, x["end"], y["end"])):
                out.append(f"{key} offsets: {x!r} != {y!r}")
    return out


def written(figures) -> None:
    """Write the document out and read it back: numbers must be JSON numbers."""
    text = to_json(Document("fuzz", figures, "utf-8").to_dict())
    doc = json.loads(text, parse_int=Decimal, parse_float=Decimal,
                     parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    for fig in doc["figures"]:
        if not isinstance(fig["value"], Decimal):
            raise ValueError(f"value {fig['value']!r} is not a number")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--examples", type=int, default=3, help="failures shown of each kind")
    parser.add_argument("--report", help="write the counts and failures here as JSON")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    extractor = Extractor()
    old = {new: older for older, new in extractor.rules.dictionaries.get("respell", {}).items()}
    counts = {"inputs": 0, "figures": 0, "exceptions": 0, "span_errors": 0, "nfc_nfd_differences": 0}
    by_source: dict[str, int] = {}
    failures: dict[str, list] = {"exceptions": [], "span_errors": [], "nfc_nfd_differences": []}
    started, cpu = time.monotonic(), time.process_time()

    def fail(kind: str, source: str, text: str, detail) -> None:
        counts[kind] += 1
        by_source[f"{kind}/{source}"] = by_source.get(f"{kind}/{source}", 0) + 1
        if len(failures[kind]) < 50:
            failures[kind].append({"source": source, "input": text[:3000], "detail": str(detail)[:500]})

    for n, (source, text) in enumerate(inputs(args.inputs, rng, old), 1):
        counts["inputs"] += 1
        nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
        results, seen = {}, {}
        for form, variant in (("input", text), ("nfc", nfc), ("nfd", nfd)):
            if variant in seen:
                results[form] = seen[variant]
                continue
            try:
                figures = extractor.extract(variant)
                written(figures)
            except Exception as e:                    # noqa: BLE001 - counting them is the point
                fail("exceptions", source, variant, f"{type(e).__name__}: {e}")
                results[form] = seen[variant] = None
                continue
            results[form] = seen[variant] = figures
            errors = span_errors(variant, figures)
            if errors:
                fail("span_errors", source, variant, errors[:3])
        if results["input"]:
            counts["figures"] += len(results["input"])
        if results["nfc"] is not None and results["nfd"] is not None:
            diff = form_differences(nfc, nfd, results["nfc"], results["nfd"])
            if diff:
                fail("nfc_nfd_differences", source, text, diff[:3])
        if n % 10_000 == 0:
            print(f"{n:,} inputs, {time.monotonic() - started:,.0f} s: "
                  + ", ".join(f"{k} {v:,}" for k, v in counts.items() if k != "inputs"), file=sys.stderr)
    counts["seconds"] = round(time.monotonic() - started)
    counts["cpu_seconds"] = round(time.process_time() - cpu)
    print(json.dumps(counts))
    for key, n in sorted(by_source.items()):
        print(f"  {key}: {n}")
    for kind, items in failures.items():
        for item in items[:args.examples]:
            print(f"{kind} ({item['source']}): {item['input'][:300]!r}\n    {item['detail']}")
    if args.report:
        Path(args.report).write_text(json.dumps({"counts": counts, "by_source": by_source,
                                                 "failures": failures}, ensure_ascii=False, indent=1))
    return 0 if not (counts["exceptions"] or counts["span_errors"] or counts["nfc_nfd_differences"]) else 1


if __name__ == "__main__":
    sys.exit(main())
