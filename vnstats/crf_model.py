"""underthesea's word-segmentation CRF model, read from its files and run in Python.

underthesea tags with ``underthesea_core``: ``CRFFeaturizer.process`` builds 43
feature strings per token in Rust and hands them to Python, and
``CRFTagger.tag`` takes them back to Rust to look them up. Moving those strings
across costs some 19 µs a token, most of what word segmentation costs vnstats.
This module reads the same model (the CRFsuite file ``models.bin``, the feature
templates of ``features.bin``, the word list of ``dictionary.bin``) and tags
with it directly. A token's score is a sum over the tokens around it; the sum is
taken apart into what each token, each pair and each triple of tokens adds at
each distance, and those parts are cached: news repeats the same words and
pairs endlessly, so most parts are worked out once, and most pairs and triples
are no feature's text, so only their flags (in the dictionary, title case)
count.

The tags are underthesea_core's, not an approximation of them:

* a feature's value is worked out as ``CRFFeaturizer`` works it out (``BOS``
  and ``EOS`` past the ends, Rust's ``str::parse::<i32>`` for ``isdigit``, the
  first character of every space-separated part unchanged by ``to_uppercase``
  for ``istitle``). Python's case mappings are used only for characters whose
  mappings no Unicode version has changed (Latin, Vietnamese, punctuation):
  Rust's Unicode tables are not Python's (Unicode 16 gave ``ɤ`` an uppercase,
  for one). Tokens with any other character get their lower case and title
  case from underthesea_core itself;
* the parts are added in another order than underthesea_core adds the weights,
  so a score can differ from its in the last bits. The Viterbi search notes how
  close its closest decision was; when that is within what such differences
  could change, the text is scored again as underthesea_core scores it, weights
  added in its order and its Viterbi step for step, which gives its scores bit
  for bit.

A model whose files are not laid out as expected raises ``Unreadable``, and the
caller runs underthesea_core itself.
"""
from __future__ import annotations

import math
import pickle
import re
import struct
import sys
from array import array
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add, itemgetter, sub
from pathlib import Path

from .rulecache import cached_by, code_key

_CACHE_SIZE = 50000       # entries per cache; a full cache is emptied and refilled
_FILES = ("features.bin", "dictionary.bin", "models.bin")


class Unreadable(Exception):
    """The model files are not what this module reads."""


# ---------------------------------------------------------------- the model file

_HEADER = struct.Struct("<4sI4s9I")   # magic, size, type, version, #features, #labels,
#                                       #attributes, then offsets of features, labels,
#                                       attributes, label refs, attribute refs
_CQDB_HEADER = struct.Struct("<4s5I")  # magic, size, flag, byte order, #ids, backward array offset
_CQDB_RECORDS = 24 + 256 * 8          # records follow the header and 256 hash table refs
_RECORD = re.compile(rb".{4}(.{4})([^\x00]*)\x00", re.DOTALL)   # id, key size, key, NUL


@dataclass
class Model:
    """A CRFsuite model as underthesea_core holds it."""
    labels: list[str]
    attributes: list[str]
    state: array           # the weight of (attribute a, label y) at a * len(labels) + y
    transitions: list[list[float]]


def read_model(data: bytes) -> Model:
    """Reads a CRFsuite model file ("lCRF", type "FOMC") as underthesea_core
    reads it, provided it is laid out as CRFsuite and underthesea_core write one:
    the sizes add up, the label and attribute databases (CQDB) hold one record per
    id in id order, and the features are one state feature per attribute and
    label, in that order, then the transitions. Checking that much is cheap and
    rules out the cases underthesea_core reads oddly (it skips records, keeps the
    first id of a repeated string, wraps transitions that are out of range)."""
    if len(data) < _HEADER.size:
        raise Unreadable("shorter than a CRFsuite header")
    (magic, size, kind, _version, num_features, num_labels, num_attrs,
     off_features, off_labels, off_attrs, _, _) = _HEADER.unpack_from(data)
    if magic != b"lCRF" or kind != b"FOMC":
        raise Unreadable(f"not a CRFsuite crf1d model: {magic!r} {kind!r}")
    if size != len(data):
        raise Unreadable(f"the header gives {size} bytes, the file has {len(data)}")
    if array("I").itemsize != 4 or sys.byteorder != "little":
        raise Unreadable("read with arrays of little-endian 32-bit integers only")
    labels = _strings(data, off_labels, num_labels)
    attributes = _strings(data, off_attrs, num_attrs)
    state, transitions = _features(data, off_features, num_features, num_labels, num_attrs)
    return Model(labels, attributes, state, transitions)


def _strings(data: bytes, offset: int, count: int) -> list[str]:
    """The strings of the CQDB at ``offset``, by id. The records (id, key size,
    key ending in NUL) are found in one regex pass and checked against the
    backward array (id -> record offset) that underthesea_core reads them by."""
    if offset + _CQDB_HEADER.size > len(data):
        raise Unreadable("a string database lies past the end")
    magic, size, _flag, _order, num, bwd_offset = _CQDB_HEADER.unpack_from(data, offset)
    end = offset + size
    if magic != b"CQDB" or end > len(data) or num != count or bwd_offset + 4 * count > size:
        raise Unreadable("a string database is not as its header says")
    if count == 0:
        return []
    backward = array("I", data[offset + bwd_offset:offset + bwd_offset + 4 * count])
    last = offset + backward[-1]
    if not offset + _CQDB_RECORDS <= last <= end - 8:
        raise Unreadable("a string database's last record lies outside it")
    records_end = last + 8 + struct.unpack_from("<I", data, last + 4)[0]
    if records_end > end:
        raise Unreadable("a string database's last record runs past it")
    records = _RECORD.findall(data, offset + _CQDB_RECORDS, records_end)
    keys = list(map(itemgetter(1), records))
    lengths = array("I", map(len, keys))
    # where each record starts if they follow each other: id, size, key, NUL
    starts = array("I", accumulate(map((9).__add__, lengths), initial=_CQDB_RECORDS))
    if (len(records) != count or starts[:-1] != backward or starts[-1] != records_end - offset
            or array("I", b"".join(map(itemgetter(0), records)))
            != array("I", map((1).__add__, lengths))):
        raise Unreadable("a string database's records are not one per id, in id order")
    try:
        strings = b"\x00".join(keys).decode("utf-8").split("\x00")
    except UnicodeDecodeError:
        raise Unreadable("a string is not UTF-8") from None
    if len(set(strings)) != count:
        raise Unreadable("a string database repeats a string")
    return strings


def _features(data: bytes, offset: int, count: int, num_labels: int, num_attrs: int):
    """The state weights (an array, attribute-major) and the transition matrix."""
    if offset + 12 > len(data):
        raise Unreadable("the features lie past the end")
    magic, chunk_size, num = struct.unpack_from("<4sII", data, offset)
    count = num or count                  # underthesea_core takes the chunk's count first
    end = offset + 12 + 20 * count
    if magic != b"FEAT" or chunk_size != 12 + 20 * count or end > len(data):
        raise Unreadable("the features are not as their chunk header says")
    words = array("I", data[offset + 12:end])       # type, source, target, weight (2 words)
    kinds, sources, targets = words[0::5], words[1::5], words[2::5]
    halves = array("I", bytes(8 * count))
    halves[0::2], halves[1::2] = words[3::5], words[4::5]
    weights = array("d", halves.tobytes())
    n_state = num_attrs * num_labels
    every_attr = array("I", range(num_attrs))
    if (count < n_state or kinds[:n_state].count(0) != n_state
            or any(sources[y:n_state:num_labels] != every_attr
                   or targets[y:n_state:num_labels].count(y) != num_attrs
                   for y in range(num_labels))):
        raise Unreadable("the state features are not one per attribute and label, in order")
    transitions = [[0.0] * num_labels for _ in range(num_labels)]
    for kind, source, target, weight in zip(kinds[n_state:], sources[n_state:],
                                            targets[n_state:], weights[n_state:]):
        if kind != 1 or source >= num_labels or target >= num_labels or not math.isfinite(weight):
            raise Unreadable("a feature after the state features is not a transition")
        transitions[source][target] = weight
    state = weights[:n_state]
    if n_state and not (math.isfinite(sum(state)) and min(map(abs, state)) > 1e-10):
        # underthesea_core keeps no state weight within 1e-10 of zero (nor NaN)
        state = array("d", (w if abs(w) > 1e-10 else 0.0 for w in state))
        if not math.isfinite(sum(state)):
            raise Unreadable("a state weight is infinite")
    return state, transitions


# ---------------------------------------------------------------- feature values

# what a template does to its text, in the order ``_values`` gives the results
_FUNCTIONS = {None: 0, "lower": 1, "isdigit": 2, "istitle": 3, "is_in_dict": 4}
_TEMPLATE = re.compile(r"T\[(-?[0-9]+)(?:,(-?[0-9]+))?\](?:\.(lower|isdigit|istitle|is_in_dict))?")
_TEXT_ATTRIBUTE = re.compile(r"\x00T\[[^\]\x00]*\](?:\.lower)?=([^\x00]*)")   # its value
_I32 = re.compile(r"([+-]?)(?=[0-9])0*([0-9]{0,10})")   # sign, digits after leading zeros
# Characters whose lower and upper case Python and Rust agree on, whatever their
# Unicode versions: ASCII, Latin-1, Latin Extended-A, the Vietnamese letters
# beyond them and their combining tone marks, general punctuation, currency signs.
_PLAIN = re.compile("[\x00-\u017f\u01a0\u01a1\u01af\u01b0\u0300-\u0303\u0309\u0323"
                    "\u1ea0-\u1ef9\u2000-\u206f\u20a0-\u20cf]*")


def _is_i32(text: str) -> bool:
    """Rust's ``text.parse::<i32>().is_ok()``: an optional sign, ASCII digits
    (leading zeros allowed), in range."""
    m = _I32.fullmatch(text)
    return m is not None and -2**31 <= int(m[1] + (m[2] or "0")) < 2**31


def _title(text: str) -> bool:
    """Every space-separated part starts with a character its upper case leaves
    as it is. (An empty part makes underthesea_core panic; it counts as not title
    here. The regex tokenizer makes no token with one.)"""
    return all(part and part[0].upper() == part[0] for part in text.split(" "))


@dataclass
class _Template:
    syntax: str
    start: int          # offsets of the first and last token it reads
    stop: int
    function: int       # index in _FUNCTIONS


class _Part:
    """Some of the templates of each span of a layer, flattened, to be looked
    up in one pass: their attribute prefixes, a picker of their functions'
    values, and where each span's templates lie in the flat list."""

    def __init__(self, spans: list[list[_Template]]):
        flat = [t for templates in spans for t in templates]
        self.prefixes = [t.syntax + "=" for t in flat]
        self.functions = tuple(t.function for t in flat)
        # (a lambda would keep the scorer from being pickled into the disk cache)
        self._get = itemgetter(*self.functions) if len(self.functions) > 1 else None
        ends = list(accumulate(map(len, spans)))
        self.bounds = list(zip([0] + ends[:-1], ends))

    def pick(self, values: tuple[str, ...]) -> tuple[str, ...]:
        """The values of its templates' functions, in its order."""
        if self._get is not None:
            return self._get(values)
        return tuple(values[f] for f in self.functions)


class _Layer:
    """The templates that read ``width`` tokens, by span (their offsets), and
    the cache of what each n-gram of real tokens adds at each span (a row)."""

    def __init__(self, width: int, spans: list[tuple[int, list[_Template]]], reach: int):
        self.width = width
        # Templates of a token's text (itself, lowercased) and templates of a
        # flag (isdigit, istitle, is_in_dict): there are few combinations of
        # flags, and what each adds is kept in ``flag_rows``.
        self.text = _Part([[t for t in ts if t.function <= 1] for _, ts in spans])
        self.flags = _Part([[t for t in ts if t.function > 1] for _, ts in spans])
        self.flag_rows: dict[tuple[str, ...], tuple[float, ...]] = {}
        self.digits = any(t.function == _FUNCTIONS["isdigit"] for _, ts in spans for t in ts)
        # per span, the index in the layer's n-grams of the one it reads for the first token
        self.starts = [reach + start for start, _ in spans]
        # rows of the n-grams that start with BOS (``reach`` of them), of those
        # that end with EOS (``after_max`` + the number of real n-grams missing)
        self.before: list[tuple[float, ...]] = []
        self.after: list[tuple[float, ...]] = []
        self.after_max = 0
        self.cache: dict = {}


# ---------------------------------------------------------------- the tagger

class CRFScorer:
    """``CRFTagger.tag(CRFFeaturizer.process(...))`` of underthesea_core, for
    a model with two labels, in Python."""

    def __init__(self, templates: list[str], dictionary, model: Model):
        if len(model.labels) != 2:
            raise Unreadable(f"{len(model.labels)} labels, not 2")
        if not isinstance(templates, list) or not isinstance(dictionary, (set, frozenset)):
            raise Unreadable("the templates are not a list or the dictionary not a set")
        self._templates = [self._parse(t) for t in templates]
        if not self._templates:
            raise Unreadable("no feature templates")
        self._dictionary = dictionary
        self._labels = tuple(model.labels)
        self._attributes = model.attributes
        self._w0, self._w1 = model.state[0::2], model.state[1::2]
        # label 1's weight - label 0's, by attribute string: all the fast sums need
        self._diff = dict(zip(model.attributes, map(sub, self._w1, self._w0)))
        # the texts some template of a text (itself, lowercased) has a weight for:
        # most n-grams have none, and only their flags need looking up
        self._known = set(_TEXT_ATTRIBUTE.findall("\x00" + "\x00".join(model.attributes)))
        self._index: dict[str, int] | None = None     # attribute ids, for exact sums
        (t00, t01), (t10, t11) = model.transitions
        self._t = (t00, t01, t10, t11)
        self._k0, self._k1 = t00 - t10, t01 - t11   # where the two choices of a step turn
        # What adding in another order can change the difference of two scores
        # by, per unit of n * (n + 80) for n tokens. A token's weights add up to
        # at most ``biggest`` (in absolute value), a path's scores to n times
        # that, and each addition is off by at most 2**-53 of its result: over
        # the weights of a token, the steps of a path and the comparisons, both
        # here and in underthesea_core, that is less than
        # 2 * 2**-53 * biggest * n * (n + 78); this is 64 times as much.
        biggest = (len(self._templates) * (max(map(abs, self._w0), default=0.0)
                                           + max(map(abs, self._w1), default=0.0))
                   + max(map(abs, self._t)))
        self._close = 2.0 ** -46 * biggest
        self._reach = max(max(-t.start, t.stop) for t in self._templates)
        self._layers = self._group()
        self._props_cache: dict[str, tuple[str, bool]] = {}
        self._oracle = None

    @classmethod
    def load(cls, directory: str | Path) -> CRFScorer:
        """The model in ``directory`` (``features.bin``, ``dictionary.bin``,
        ``models.bin``). Reading it takes a tenth of a second, unpickling the
        scorer built from it a third of that: the scorer is cached on disk
        (``rulecache.cached_by``), keyed by this module's source and the model
        files' paths, sizes and times."""
        directory = Path(directory)
        try:
            stats = [(str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns)
                     for f in (directory / name for name in _FILES)]
            key = code_key(Path(__file__).read_bytes(), repr(stats).encode())
        except OSError:
            key = None
        return cached_by("crf", key, lambda: cls._read(directory))

    @classmethod
    def _read(cls, directory: Path) -> CRFScorer:
        try:
            with open(directory / "features.bin", "rb") as f:
                templates = pickle.load(f)
            with open(directory / "dictionary.bin", "rb") as f:
                dictionary = pickle.load(f)
            data = (directory / "models.bin").read_bytes()
        except Exception as e:          # missing, unreadable or not a pickle
            raise Unreadable(f"{type(e).__name__}: {e}") from None
        return cls(templates, dictionary, read_model(data))

    @staticmethod
    def _parse(syntax) -> _Template:
        m = _TEMPLATE.fullmatch(syntax) if isinstance(syntax, str) else None
        if m is None:
            raise Unreadable(f"feature template {syntax!r}")
        start = int(m.group(1))
        stop = start if m.group(2) is None else int(m.group(2))
        if stop < start:
            raise Unreadable(f"feature template {syntax!r} reads backwards")
        return _Template(syntax, start, stop, _FUNCTIONS[m.group(3)])

    def _group(self) -> list[_Layer]:
        """The templates in layers by width (1 token, 2, 3...)."""
        spans: dict[tuple[int, int], list[_Template]] = {}
        for t in self._templates:
            spans.setdefault((t.start, t.stop), []).append(t)
        layers = []
        for width in sorted({stop - start + 1 for start, stop in spans}):
            layer = _Layer(width, sorted((start, templates) for (start, stop), templates
                                         in spans.items() if stop - start + 1 == width),
                           self._reach)
            # underthesea_core's BOS if an n-gram's first token is before the
            # start, else its EOS if the last is past the end
            layer.before = [self._row(layer, ("BOS",) * len(_FUNCTIONS))] * self._reach
            layer.after_max = self._reach + 1 - width
            layer.after = [self._row(layer, ("EOS",) * len(_FUNCTIONS))] * self._reach
            layers.append(layer)
        return layers

    # -------------------------------------------------------------- values

    def _props(self, token: str) -> tuple[str, bool]:
        """The lower case of a token and whether it is title case, as Rust has them."""
        props = self._props_cache.get(token)
        if props is None:
            if _PLAIN.fullmatch(token):
                props = token.lower(), _title(token)
            else:
                parts = [self._rust_props(part) for part in token.split(" ")]
                props = " ".join(p[0] for p in parts), all(p[1] for p in parts)
            if len(self._props_cache) >= _CACHE_SIZE:
                self._props_cache.clear()
            self._props_cache[token] = props
        return props

    def _rust_props(self, part: str) -> tuple[str, bool]:
        """Lower case and title case of a space-free part, from underthesea_core
        (or Python, where underthesea_core cannot be imported)."""
        if not part:
            return "", False
        if self._oracle is None:
            try:
                from underthesea_core import CRFFeaturizer
                self._oracle = CRFFeaturizer(["T[0].lower", "T[0].istitle"], set()).process
            except Exception:
                self._oracle = False
        if self._oracle is False:
            return part.lower(), _title(part)
        lower, title = self._oracle([[[part]]])[0][0]
        return lower[len("T[0].lower="):], title == "T[0].istitle=True"

    def _values(self, key, width: int, digits: bool = True) -> tuple[str, ...]:
        """What each template function (in ``_FUNCTIONS`` order) gives for the
        n-gram ``key`` of real tokens (``isdigit`` only if ``digits``)."""
        if width == 1:
            text = key
            lower, title = self._props(key)
        else:
            props = [self._props(t) for t in key]
            text = " ".join(key)
            lower, title = " ".join([p[0] for p in props]), all([p[1] for p in props])
        return (text, lower, "True" if digits and _is_i32(text) else "False",
                "True" if title else "False",
                "True" if lower in self._dictionary else "False")

    def features(self, tokens: list[str]) -> list[list[str]]:
        """The feature strings ``CRFFeaturizer.process`` makes for ``tokens``."""
        return [[t.syntax + "=" + v for t, v in zip(self._templates, row)]
                for row in self._rows(tokens)]

    def _rows(self, tokens: list[str]):
        """Each token's template values, worked out as ``CRFFeaturizer`` does."""
        n = len(tokens)
        for i in range(n):
            row, values = [], {}
            for t in self._templates:
                # BOS if the first token read is before the start, else EOS if the
                # last is past the end (underthesea_core's checks, in its order,
                # come to that when the last is not before the first)
                first, last = i + t.start, i + t.stop
                if first < 0:
                    row.append("BOS")
                elif last >= n:
                    row.append("EOS")
                else:
                    if (first, last) not in values:
                        key = tokens[first] if first == last else tuple(tokens[first:last + 1])
                        values[first, last] = self._values(key, last - first + 1)
                    row.append(values[first, last][t.function])
            yield row

    # -------------------------------------------------------------- tagging

    def tag(self, token_lists: list[list[str]]) -> list[list[str]]:
        """The labels of each token list."""
        labels = self._labels
        out = []
        for tokens in token_lists:
            tokens = list(tokens)
            if not tokens:
                out.append([])
                continue
            path = self._fast(tokens)
            if path is None:
                path = self._exact(tokens)[0]
            out.append([labels[y] for y in path])
        return out

    def _row(self, layer: _Layer, values: tuple[str, ...]) -> tuple[float, ...]:
        """What an n-gram whose template functions give ``values`` adds to the
        score difference (label 1 - label 0) of the token each span puts it at."""
        flags = values[2:]
        flag_row = layer.flag_rows.get(flags)
        if flag_row is None:
            flag_row = layer.flag_rows[flags] = tuple(self._sums(layer.flags, values))
        if values[0] not in self._known and values[1] not in self._known:
            return flag_row
        return tuple(map(add, self._sums(layer.text, values), flag_row))

    def _sums(self, part: _Part, values: tuple[str, ...]) -> list[float]:
        """The weight differences of ``part``'s templates, summed by span."""
        if not part.prefixes:
            return [0.0] * len(part.bounds)
        weights = list(map(self._diff.get, map(add, part.prefixes, part.pick(values)),
                           repeat(0.0)))
        return [sum(weights[a:b]) for a, b in part.bounds]

    def _miss(self, layer: _Layer, key) -> tuple[float, ...]:
        row = self._row(layer, self._values(key, layer.width, layer.digits))
        if len(layer.cache) >= _CACHE_SIZE:
            layer.cache.clear()
        layer.cache[key] = row
        return row

    def _fast(self, tokens: list[str]) -> list[bool] | None:
        """The best label path, or None if a choice was too close to call
        with sums added in this order."""
        n = len(tokens)
        columns = []
        for layer in self._layers:
            # the layer's n-grams over the tokens padded with BOS and EOS: those
            # with a BOS, those of real tokens (cached), those with an EOS
            keys = tokens if layer.width == 1 else list(
                zip(*[tokens[k:] for k in range(layer.width)]))
            get, miss = layer.cache.get, self._miss
            rows = [get(key) or miss(layer, key) for key in keys]
            rows = layer.before + rows + layer.after[:n - len(keys) + layer.after_max]
            by_span = list(zip(*rows))
            columns += [by_span[k][start:start + n] for k, start in enumerate(layer.starts)]
        diffs = list(map(sum, zip(*columns)))   # score of label 1 - score of label 0

        # Viterbi on x, the score of the best path ending in label 1 - label 0
        t00, t01, t10, t11 = self._t
        k0, k1 = self._k0, self._k1
        close = self._close * n * (n + 80)
        x = diffs[0]
        backs = []
        for d in diffs[1:]:
            if abs(x - k0) <= close or abs(x - k1) <= close:
                return None
            to0, to1 = x > k0, x > k1       # the best label before label 0, label 1
            backs.append((to0, to1))
            x = d + (x + t11 if to1 else t01) - (x + t10 if to0 else t00)
        if abs(x) <= close:
            return None
        y = x > 0
        path = [y]
        for back in reversed(backs):
            y = back[y]
            path.append(y)
        path.reverse()
        return path

    def _exact(self, tokens: list[str]) -> tuple[list[int], float]:
        """The best label path and its score, computed as underthesea_core
        computes them: each label's weights added in template order, then its
        Viterbi search step for step (ties go to the lower label)."""
        if self._index is None:
            self._index = dict(zip(self._attributes, range(len(self._attributes))))
        index, w0, w1 = self._index, self._w0, self._w1
        emissions = []
        for row in self._rows(tokens):
            e0 = e1 = 0.0
            for t, value in zip(self._templates, row):
                a = index.get(t.syntax + "=" + value)
                if a is not None:
                    e0 += w0[a]
                    e1 += w1[a]
            emissions.append((e0, e1))
        t00, t01, t10, t11 = self._t
        s0, s1 = emissions[0]
        backs = []
        for e0, e1 in emissions[1:]:
            best0, back0 = _best(s0 + t00, s1 + t10)
            best1, back1 = _best(s0 + t01, s1 + t11)
            backs.append((back0, back1))
            s0, s1 = best0 + e0, best1 + e1
        score, y = _best(s0, s1)
        path = [y]
        for back in reversed(backs):
            y = back[y]
            path.append(y)
        path.reverse()
        return path, score


def _best(score0: float, score1: float) -> tuple[float, int]:
    """underthesea_core's argmax over two labels: the first strictly greater
    than all before it, starting from minus infinity."""
    best, label = -math.inf, 0
    if score0 > best:
        best = score0
    if score1 > best:
        best, label = score1, 1
    return best, label
