"""Word-level differences between two versions of a text, as an editor reads them.

`word_diff` answers runs of ("same" | "del" | "ins", text); templates wrap "del" in <del> and
"ins" in <ins> and escape every text (nothing here is HTML). Long texts are compared line by
line first and word by word only inside the lines that changed, so a 200,000-character body
costs what its changed paragraphs cost; a changed paragraph longer than WORDS_COMPARED words
(past what it shares with its old version at both ends) is shown replaced whole. Scripts
written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Burmese) are compared character
by character, others word by word.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

Part = tuple[str, str]

# One character of a script written without spaces between words, else a word, a run of
# spaces, or one other character (punctuation).
_NO_SPACES = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Burmese
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
)
# Beyond this many changed words on either side, a paragraph is shown deleted and inserted whole.
WORDS_COMPARED = 4000
TOKEN = re.compile(rf"[{_NO_SPACES}]|[^\W{_NO_SPACES}]+|\s+|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    """The text cut into words, spaces and punctuation; joined, they give the text back."""
    return TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Part]:
    """The changes from `old` to `new`, as runs of same, deleted and inserted text."""
    old, new = _lines_normalised(old), _lines_normalised(new)
    parts: list[Part] = []
    if old == new:
        return [("same", new)] if new else []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    lines = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in lines.get_opcodes():
        before, after = "".join(old_lines[a1:a2]), "".join(new_lines[b1:b2])
        if op == "equal":
            parts.append(("same", after))
        elif op == "replace":
            parts += _words(before, after)
        elif op == "delete":
            parts.append(("del", before))
        else:
            parts.append(("ins", after))
    return _merged(parts)


def _words(old: str, new: str) -> list[Part]:
    """Word by word; a change of several words reads as one: "<del>quick brown</del><ins>slow
    red</ins>", not word against word with the spaces between left standing."""
    a, b = tokens(old), tokens(new)
    # What both share at the start and the end is the same text: only the middle is compared.
    # A middle too long to compare word by word in good time (one paragraph of tens of
    # thousands of words, as pasted text can be) reads as replaced whole.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    same_head, same_tail = "".join(b[:head]), "".join(b[len(b) - tail :])
    a, b = a[head : len(a) - tail], b[head : len(b) - tail]
    if len(a) > WORDS_COMPARED or len(b) > WORDS_COMPARED:
        middle = [("del", "".join(a)), ("ins", "".join(b))]
    else:
        middle = _word_runs(a, b)
    return [("same", same_head), *middle, ("same", same_tail)]


def _word_runs(a: list[str], b: list[str]) -> list[Part]:
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    parts: list[Part] = []
    deleted, inserted = [], []
    for n, (op, a1, a2, b1, b2) in enumerate(opcodes):
        between_changes = 0 < n < len(opcodes) - 1 and "".join(a[a1:a2]).isspace()
        if op == "equal" and not between_changes:
            parts += [
                ("del", "".join(deleted)),
                ("ins", "".join(inserted)),
                ("same", "".join(b[b1:b2])),
            ]
            deleted, inserted = [], []
            continue
        deleted += a[a1:a2]
        inserted += b[b1:b2]
    parts += [("del", "".join(deleted)), ("ins", "".join(inserted))]
    return parts


def _merged(parts: list[Part]) -> list[Part]:
    """Neighbouring runs of the same kind as one, empty runs left out."""
    merged: list[Part] = []
    for op, text in parts:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def _lines_normalised(text: str) -> str:
    """Browsers send line breaks as CRLF; stored text may have either."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")
