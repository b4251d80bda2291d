"""The two parts of underthesea that vnstats uses, without the rest of it.

``import underthesea`` loads its chunker, tagger, NER, classifier and their
dependencies (a quarter of a second) before anything can be segmented; vnstats
needs only the word segmenter (a regex tokenizer and a CRF model run by
``underthesea_core``) and the sentence splitter. This module runs those very
modules' code, read from the installed package, with their imports of the
rest of underthesea answered by the few pieces they use, and reads the model
files with ``pickle`` directly (``joblib`` would read them in pure Python).
The CRF model itself is run by ``crf_model``, which gives underthesea_core's
tags several times faster. So the tokens, tags and sentences are underthesea's
own.

If the installed underthesea is laid out differently, ``load_*`` raise
``Unavailable`` and the callers fall back on ``import underthesea``; a model
file ``crf_model`` cannot read is run by underthesea_core. Both still give
underthesea's results, only slower, so ``layout_problems`` names every such
fallback and the tests fail on any: a new underthesea is seen, not quietly slow.
"""
from __future__ import annotations

import builtins
import importlib.util
import pickle
import re
import types
from pathlib import Path

from .crf_model import CRFScorer, Unreadable


class Unavailable(Exception):
    """The installed underthesea does not have the expected modules."""


def _package() -> Path:
    spec = importlib.util.find_spec("underthesea")     # finds it without importing it
    if spec is None or spec.origin is None:
        raise Unavailable("underthesea is not installed")
    return Path(spec.origin).parent


class _Joblib:
    """What underthesea asks of joblib: ``load`` a pickle file."""

    @staticmethod
    def load(path):
        with open(path, "rb") as f:
            return pickle.load(f)


def _run(path: Path, provided: dict[tuple[str, int], object]) -> dict:
    """Run the module at ``path``; an import it makes of ``(name, level)`` in
    ``provided`` gets that object, of joblib the shim, of any other part of
    underthesea an ``Unavailable``."""

    def importer(name, globals=None, locals=None, fromlist=(), level=0):
        if (name, level) in provided:
            return provided[name, level]
        if name == "joblib" and level == 0:
            return _Joblib
        if level or name == "underthesea" or name.startswith("underthesea."):
            raise Unavailable(f"{path.name} imports {'.' * level}{name}")
        return builtins.__import__(name, globals, locals, fromlist, level)

    try:
        source = path.read_text(encoding="utf-8")
    except OSError as e:
        raise Unavailable(str(e)) from None
    namespace = {"__name__": f"vnstats._underthesea_{path.stem}", "__file__": str(path),
                 "__builtins__": {**builtins.__dict__, "__import__": importer}}
    try:
        exec(compile(source, str(path), "exec"), namespace)
    except Unavailable:
        raise
    except Exception as e:
        raise Unavailable(f"{path.name}: {type(e).__name__}: {e}") from None
    return namespace


def _unavailable(*args, **kwargs):
    raise Unavailable("token normalisation is not loaded")


class WordSegmenter:
    """``underthesea.word_tokenize(text, use_token_normalize=False)``, with many
    texts tagged in one call.

    The CRF model is run by ``crf_model.CRFScorer``, which gives the tags
    underthesea_core gives without passing feature strings between Python and
    Rust; a model it cannot read is run by underthesea_core, as underthesea
    runs it."""

    def __init__(self):
        root = _package()
        normalize = root / "pipeline" / "text_normalize"
        normalizer = _run(normalize / "text_normalizer.py", {})
        characters = _run(normalize / "character_normalize.py", {
            ("text_normalizer", 1): types.SimpleNamespace(character_map=normalizer["character_map"])})
        tokenizer = _run(root / "pipeline" / "word_tokenize" / "regex_tokenize.py", {
            ("underthesea.pipeline.text_normalize", 0): types.SimpleNamespace(
                token_normalize=_unavailable),
            ("underthesea.pipeline.text_normalize.character_normalize", 0): types.SimpleNamespace(
                normalize_characters_in_text=characters["normalize_characters_in_text"])})
        self._tokenize = tokenizer["tokenize"]
        directory = _word_model(root)
        self.fallback: str | None = None      # why the model runs on underthesea_core
        try:
            self._tag = CRFScorer.load(directory).tag
        except Unreadable as e:
            self.fallback = f"{directory.name}: {e}"
            self._tag = _core_tagger(root, directory)

    def tokens(self, text: str) -> list[str]:
        return self._tokenize(text, use_token_normalize=False, fixed_words=[])

    def words(self, texts: list[str]) -> list[list[str]]:
        """The words of each text (a word may have several syllables)."""
        token_lists = [self.tokens(text) for text in texts]
        out = []
        for tokens, tags in zip(token_lists, self._tag(token_lists)):
            words: list[str] = []
            for i, (tag, token) in enumerate(zip(tags, tokens)):
                if tag == "I-W" and i > 0:
                    words[-1] = words[-1] + " " + token
                else:
                    words.append(token)
            out.append(words)
        return out


def _word_model(root: Path) -> Path:
    """The directory of the model ``word_tokenize`` loads."""
    source = (root / "pipeline" / "word_tokenize" / "__init__.py").read_text(encoding="utf-8")
    model = re.search(r'join\(wd, "models", "([^"]+)"\)', source)
    if model is None:
        raise Unavailable("word_tokenize names no model")
    return root / "pipeline" / "word_tokenize" / "models" / model.group(1)


def _core_tagger(root: Path, directory: Path):
    """Tags token lists with underthesea_core, as underthesea does:
    ``CRFFeaturizer.process`` then ``CRFTagger.tag``."""
    tagger = _run(root / "models" / "fast_crf_sequence_tagger.py", {})
    model = tagger["FastCRFSequenceTagger"]()
    try:
        model.load(str(directory))
    except Exception as e:
        raise Unavailable(f"the word segmentation model: {e}") from None
    featurizer, estimator = model.featurizer, model.estimator

    def tag(token_lists: list[list[str]]) -> list[list[str]]:
        features = featurizer.process([[[t] for t in tokens] for tokens in token_lists])
        return [estimator.tag(x) for x in features]
    return tag


def load_sentence_splitter():
    """``underthesea.sent_tokenize``: its own rules (``_is_sentence_boundary``,
    its abbreviations), run by ``_FastSplitter``, which goes from one ``.?!``
    to the next instead of looking at every character in Python."""
    return _sentence_splitter()[0]


def _sentence_splitter():
    """The splitter, and why it is underthesea's own function rather than
    ``_FastSplitter`` (None when it is not)."""
    module = _run(_package() / "pipeline" / "sent_tokenize" / "__init__.py", {})
    if not callable(module.get("sent_tokenize")):
        raise Unavailable("no sent_tokenize")
    try:
        module["_load_model"]()
        tokenizer = module["sentence_tokenizer"]
        ends = set(tokenizer.SENT_END_CHARS)
        if ends == set(".?!"):
            return _FastSplitter(tokenizer._is_sentence_boundary).split, None
        problem = f"sentences end at {''.join(sorted(ends))!r}, not at '.?!'"
    except Exception as e:
        problem = f"{type(e).__name__}: {e}"
    return module["sent_tokenize"], problem    # laid out otherwise: run as it is


def layout_problems() -> list[str]:
    """Each part of the installed underthesea that vnstats cannot run its fast
    way, and why (empty when all can): the word segmenter's modules and model
    files, and the sentence splitter's."""
    problems = []
    try:
        segmenter = WordSegmenter()
        if segmenter.fallback is not None:
            problems.append(f"word segmentation model run by underthesea_core: {segmenter.fallback}")
    except Unavailable as e:
        problems.append(f"word segmenter needs `import underthesea`: {e}")
    try:
        problem = _sentence_splitter()[1]
        if problem is not None:
            problems.append(f"sentence splitter run as underthesea's sent_tokenize: {problem}")
    except Unavailable as e:
        problems.append(f"sentence splitter needs `import underthesea`: {e}")
    return problems


class _FastSplitter:
    """``PunktSentenceTokenizer.sentences_from_text`` of underthesea, step for
    step, but jumping to the next sentence-ending character with a regex."""

    _END = re.compile(r"[.?!]")

    def __init__(self, is_boundary):
        self._boundary = is_boundary

    def split(self, text: str) -> list[str]:
        if not text or not text.strip():
            return []
        sentences, start, n = [], 0, len(text)
        find = self._END.search
        m = find(text)
        while m is not None:
            i = m.start()
            if text[i] == ".":
                dot_end = i
                while dot_end < n and text[dot_end] == ".":
                    dot_end += 1
                if dot_end - i >= 3:            # an ellipsis: a boundary before a capital
                    after = dot_end
                    while after < n and text[after] in " \t":
                        after += 1
                    if after >= n or text[after].isupper():
                        start = _cut(text, start, dot_end, sentences)
                    m = find(text, dot_end)
                    continue
            if self._boundary(text, i):
                end = i + 1
                while end < n and text[end] in ".?!":
                    end += 1
                start = _cut(text, start, end, sentences)
                m = find(text, start)
                continue
            m = find(text, i + 1)
        final = text[start:].strip()
        if final:
            sentences.append(final)
        return sentences


def _cut(text: str, start: int, end: int, sentences: list[str]) -> int:
    """Ends a sentence at ``end`` (kept if not blank); where the next one starts."""
    sentence = text[start:end].strip()
    if sentence:
        sentences.append(sentence)
    while end < len(text) and text[end] in " \t\n\r":
        end += 1
    return end
