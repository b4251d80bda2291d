"""Word lists as tries: one regex that reads any of many words in a handful of
steps (``đô(?:\\s+la(?:\\s+mỹ)?|la)``), where an alternation would try the words
one by one. Of words that match at one place the longest is tried first, as in
a longest-first alternation. Used for the dictionaries of the rule files and for
the words a rule may start with."""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

import regex


def fold(ch: str) -> str:
    """A character's lowercase, when that is one character."""
    low = ch.lower()
    return low if len(low) == 1 else ch


def trie_regex(words: Iterable[Sequence[str]], piece: Callable[[str], str] = regex.escape,
               check: Callable[[list[str]], None] | None = None) -> str:
    """One regex for ``words``, each a sequence of keys (its characters, say),
    ``piece`` giving the regex of one key; ``check`` sees the keys that branch
    from one place and may refuse them by raising. Empty for no words."""
    root: dict = {}
    for word in words:
        node = root
        for key in word:
            node = node.setdefault(key, {})
        node[""] = {}

    def emit(node) -> str:
        keys = [k for k in node if k]
        if check is not None:
            check(keys)
        branches = [piece(k) + emit(node[k]) for k in sorted(keys)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # greedy: a longer word first, then the word ending here
        return f"(?:{body})?" if "" in node else body

    return emit(root)
