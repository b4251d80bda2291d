"""The word-segmentation CRF run in Python (vnstats.crf_model) gives the very
feature strings, scores and tags underthesea_core gives, and a model file it
cannot read leaves the segmenter on underthesea_core."""
from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
import underthesea_core as core     # underthesea's requirement: absent is a failure, not a skip
from hypothesis import given, settings
from hypothesis import strategies as st

import vnstats.crf_model as crf_model
import vnstats.underthesea_parts as parts
from vnstats.crf_model import CRFScorer, Unreadable, read_model
from vnstats.underthesea_parts import WordSegmenter


SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MODEL = parts._word_model(parts._package())

# news text on which two paths of underthesea_core's Viterbi search score exactly the same
TIED = ["Chaka", "MANCHESTER", "CITY", "Willy", "Caballero", "–", "Caba-yair-o", "Ilkay", "G"]
# single tokens and short runs underthesea_core treats in its own ways
EDGES = [
    ["2"], ["-5"], ["+7"], ["99999999999"], ["2147483647"], ["2147483648"], ["-2147483648"],
    ["3,5"], ["3.5"], ["007"], ["-"], ["người"], ["Người"], ["UBND"], ["BOS"], ["EOS"], ["="],
    ["Hà", "Nội"], ["TP", "HCM"], ["HÀ", "NỘI", "2", "người"], ["Th S", "Nguyễn", "Văn", "A"],
    ["Hà Nội", "có", "2", "triệu", "người"], ["số", "-5", "và", "+5", "và", "99999999999"],
    ["tăng", "3,5", "%"], ["ΣΑΣ", "Σ"], ["ɤ", "ƛ", "ǅemal"], ["İstanbul", "ß", "ﬀ"],
    ["😀", "người", "dân"], ["北京", "Việt", "Nam"], ["T[0]=x", "a=b", "BOS", "EOS", "bos"],
    ["Đ", "đ", "Ơ", "ư", "ẞ"], ["A\u0301", "e\u0323"], TIED,
]


@pytest.fixture(scope="module")
def scorer() -> CRFScorer:
    return CRFScorer.load(MODEL)


@pytest.fixture(scope="module")
def rust():
    """underthesea_core's featurizer and tagger for the same model, as underthesea loads them."""
    with open(MODEL / "features.bin", "rb") as f:
        templates = pickle.load(f)
    with open(MODEL / "dictionary.bin", "rb") as f:
        dictionary = pickle.load(f)
    tagger = core.CRFTagger()
    tagger.load(str(MODEL / "models.bin"))
    return core.CRFFeaturizer(templates, dictionary), tagger


@pytest.fixture(scope="module")
def segmenter() -> WordSegmenter:
    return WordSegmenter()


def _pieces(tokens: list[str]) -> list[list[str]]:
    """A line's tokens, whole and cut into short pieces of 1 to 13 tokens."""
    out, i, size = [tokens], 0, 1
    while i < len(tokens):
        out.append(tokens[i:i + size])
        i, size = i + size, size % 13 + 1
    return [p for p in out if p]


def _sample_token_lists(segmenter) -> list[list[str]]:
    out = []
    for path in sorted(SAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            out += _pieces(segmenter.tokens(line))
    assert len(out) > 100
    return out


def _check(scorer, rust, token_lists):
    featurizer, tagger = rust
    features = featurizer.process([[[t] for t in tokens] for tokens in token_lists])
    assert scorer.tag(token_lists) == [tagger.tag(x) for x in features]
    for tokens, x in zip(token_lists, features):
        assert scorer.features(tokens) == x
        labels, score = tagger.tag_with_score(x)
        path, mine = scorer._exact(tokens)
        assert [scorer._labels[y] for y in path] == labels
        assert mine == score                # bit for bit: same additions in the same order


def test_same_as_underthesea_core_on_the_samples(scorer, rust, segmenter):
    _check(scorer, rust, _sample_token_lists(segmenter))


def test_same_as_underthesea_core_on_the_dev_articles(scorer, rust, segmenter, dev_articles):
    token_lists = []
    for article in dev_articles:
        text = article.read_text(encoding="utf-8")
        token_lists += [segmenter.tokens(text[i:i + 60]) for i in range(0, len(text), 97)]
    _check(scorer, rust, [t for t in token_lists if t])


def test_same_as_underthesea_core_on_edge_cases(scorer, rust):
    _check(scorer, rust, EDGES)


def test_a_tie_is_left_to_the_exact_scoring(scorer, rust):
    assert scorer._fast(list(TIED)) is None
    _check(scorer, rust, [TIED])


def test_same_on_the_slow_path_and_with_small_caches(scorer, rust, segmenter, monkeypatch):
    """The tags of the exact scoring (used when a choice is too close to call)
    are the same, and so are those made with caches that keep emptying."""
    token_lists = _sample_token_lists(segmenter)[:300] + EDGES
    featurizer, tagger = rust
    expected = [tagger.tag(x) for x in featurizer.process([[[t] for t in tokens]
                                                            for tokens in token_lists])]
    monkeypatch.setattr(crf_model, "_CACHE_SIZE", 5)
    assert CRFScorer.load(MODEL).tag(token_lists) == expected
    always_close = CRFScorer.load(MODEL)
    always_close._close = float("inf")
    assert always_close.tag(token_lists) == expected


_TOKENS = ["người", "dân", "Người", "Dân", "NGƯỜI", "hỗ", "trợ", "tiền", "mặt", "Hà", "Nội",
           "Việt", "Nam", "2", "-5", "10", "3,5", "1.000", "%", ",", ".", "(", ")", "\"",
           "hộ", "nghèo", "và", "các", "đảng", "viên", "Th S", "Hà Nội", "UBND", "BOS", "EOS",
           "ΣΑΣ", "ɤ", "ß", "🙂", "TP.HCM", "v.v", "e-mail", "2147483648"]


@given(st.lists(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=25), max_size=4))
@settings(max_examples=300, deadline=None)
def test_same_as_underthesea_core_on_any_tokens(scorer, rust, token_lists):
    _check(scorer, rust, token_lists)


def test_the_segmenter_uses_the_python_scorer(segmenter):
    assert isinstance(segmenter._tag.__self__, CRFScorer)


def _copy_model(tmp_path: Path, data: bytes) -> Path:
    for name in ("features.bin", "dictionary.bin"):
        shutil.copy(MODEL / name, tmp_path / name)
    (tmp_path / "models.bin").write_bytes(data)
    return tmp_path


def test_damaged_model_files_are_unreadable_not_errors(tmp_path):
    data = (MODEL / "models.bin").read_bytes()
    cuts = [0, 3, 47, 48, 60, 1000, len(data) // 3, len(data) // 2, len(data) - 5000, len(data) - 1]
    for cut in cuts:
        with pytest.raises(Unreadable):
            read_model(data[:cut])
    for offset in (0, 8, 20, 24, 28, 32, 36):          # magic, type, counts, offsets
        damaged = bytearray(data)
        damaged[offset:offset + 4] = b"\xff\xff\xff\x7f"
        with pytest.raises(Unreadable):
            read_model(bytes(damaged))
    for garbage in (b"", b"not a model", b"lCRF" + bytes(100)):
        with pytest.raises(Unreadable):
            CRFScorer.load(_copy_model(tmp_path, garbage))
    (tmp_path / "features.bin").write_bytes(pickle.dumps(["T[0]", "T[0].upper"]))
    with pytest.raises(Unreadable):
        CRFScorer.load(tmp_path)
    (tmp_path / "features.bin").write_bytes(b"not a pickle")
    with pytest.raises(Unreadable):
        CRFScorer.load(tmp_path)


def test_a_model_it_cannot_read_is_run_by_underthesea_core(tmp_path, monkeypatch, segmenter):
    """A file underthesea_core reads but this module does not (here: a byte
    more than its header says) segments as before, through underthesea_core."""
    data = (MODEL / "models.bin").read_bytes() + b"\x00"
    with pytest.raises(Unreadable):
        read_model(data)
    monkeypatch.setattr(parts, "_word_model", lambda root: _copy_model(tmp_path, data))
    fallback = WordSegmenter()
    assert not isinstance(getattr(fallback._tag, "__self__", None), CRFScorer)
    texts = [line for path in sorted(SAMPLES.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    assert fallback.words(texts) == segmenter.words(texts)


def test_a_model_nothing_can_read_leaves_the_segmenter_unavailable(tmp_path, monkeypatch):
    data = (MODEL / "models.bin").read_bytes()
    monkeypatch.setattr(parts, "_word_model", lambda root: _copy_model(tmp_path, data[:1000]))
    with pytest.raises(parts.Unavailable):
        WordSegmenter()


def test_the_scorer_is_cached_on_disk(tmp_path, monkeypatch, scorer, segmenter):
    """A second load unpickles the scorer the first one built, which tags as a
    fresh one does; a cache file that cannot be read is built again."""
    monkeypatch.setenv("VNSTATS_CACHE_DIR", str(tmp_path))
    token_lists = _sample_token_lists(segmenter)[:200]
    first = CRFScorer.load(MODEL)
    files = list(tmp_path.glob("crf-*.pickle"))
    assert len(files) == 1
    again = CRFScorer.load(MODEL)
    assert again is not first and again.tag(token_lists) == scorer.tag(token_lists)
    files[0].write_bytes(b"not a pickle")
    assert CRFScorer.load(MODEL).tag(token_lists) == scorer.tag(token_lists)
    assert list(tmp_path.glob("crf-*.pickle")) == files and files[0].read_bytes() != b"not a pickle"


def test_the_installed_model_is_read_by_this_module():
    """The model files of the installed underthesea are those this module reads
    (a change to them would run the model on underthesea_core, several times
    slower, with the same tags: this is where it shows)."""
    assert sorted(p.name for p in MODEL.iterdir() if p.name in crf_model._FILES) == sorted(crf_model._FILES)
    try:
        scorer = CRFScorer._read(MODEL)
    except Unreadable as e:
        pytest.fail(f"{MODEL} is no longer laid out as vnstats.crf_model reads it: {e}")
    assert sorted(scorer._labels) == ["B-W", "I-W"]
