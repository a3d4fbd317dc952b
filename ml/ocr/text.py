"""Text clean-up after recognition, engine-independent and rule-based (no per-image tuning):

- spaces between words: see ml/ocr/spaces.py.
- `normalize`: typographic confusions that context settles: a full-width colon between digits is a
  time (21:30), a letter O/o among digits is a zero (100%), a zero that starts a lower-case word is
  the letter O ("Open"), and the full-width yen sign is the ordinary ¥."""

from __future__ import annotations

import re

_FW_COLON = re.compile(r"(?<=\d)：(?=\d)")
_O_IN_NUMBER = re.compile(r"(?<=\d)[oO]+(?=[\d%])|(?<=\d)[oO]+(?=[oO]*\d)|(?<=[\d])[oO]+(?=%)")
_ZERO_WORD = re.compile(r"(?<![\w])0(?=[a-z]{2,})")


def normalize(text: str) -> str:
    text = text.replace("￥", "¥")
    text = _FW_COLON.sub(":", text)
    text = _O_IN_NUMBER.sub(lambda m: "0" * len(m.group()), text)
    text = _ZERO_WORD.sub("O", text)
    return text
