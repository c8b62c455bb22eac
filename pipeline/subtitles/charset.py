"""Which encoding a subtitle file from another tool is in, and whether the result reads as Chinese.

Windows tools save subtitles in the machine's code page: GBK/GB18030 on mainland PCs, Big5 on
Taiwanese and Hong Kong ones, windows-125x elsewhere, UTF-16 from Notepad's "Unicode". Most byte
sequences decode without error in several of these, so "it decoded" proves nothing: a Big5 道德經
read as GB18030 is 笵紈竒, a windows-1250 "Đino!" is 衖no!. Two tests decide instead:

- the byte-order mark, or valid UTF-8 (multi-byte UTF-8 is very unlikely to happen by chance);
- otherwise charset-normalizer's candidates among the encodings below, each kept only when the
  decoded text is *plausible Chinese*: after OpenCC's traditional-to-simplified step at least
  80 % of its Chinese characters are in GB2312's level-1 set (the 3,755 common characters, which
  cover more than 99 % of running Chinese text), and almost none of its other non-ASCII characters
  are letters of other scripts (Hangul, kana, accented Latin). Garbage from a wrong code page is
  made of rare characters or foreign letters and fails.

When no candidate or more than one different text passes, nothing is guessed: the caller refuses
and asks for `--encoding`.
"""

from __future__ import annotations

import codecs
import functools
import unicodedata
from dataclasses import dataclass

# what offices' Windows tools save in; UTF-8/16/32 are recognised before these are tried
LEGACY_ENCODINGS = (
    "gb18030",
    "big5",
    "cp1250",
    "cp1251",
    "cp1252",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "cp874",
    "cp932",
    "cp949",
)
COMMON_SHARE = 0.8  # of Chinese characters in GB2312 level 1, after t2s
FOREIGN_SHARE = 0.05  # of other non-ASCII characters that may be letters of another script
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
ZERO_WIDTH = "\u200b\u2060\ufeff"  # invisible; removed wherever they are (U+200C/D join emoji: kept)


@functools.cache
def _common_han() -> frozenset[str]:
    """GB2312 level 1 (rows 16-55: bytes B0A1-D7F9), the 3,755 most used characters."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # D7FA-D7FE are unassigned
    return frozenset(chars)


def is_han(char: str) -> bool:
    code = ord(char)
    return (
        0x3400 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF  # extensions B and later
    )


@dataclass(frozen=True, slots=True)
class Plausibility:
    han: int  # Chinese characters in the text
    common: int  # of which in GB2312 level 1 (after t2s)
    foreign: int  # non-ASCII letters of other scripts (Hangul, kana, accented Latin, Cyrillic...)
    other: int  # every non-ASCII character that is not Chinese
    first_odd: str  # the first rare or foreign character, for messages

    @property
    def chinese(self) -> bool:
        """The Chinese characters are mostly common ones (true when there are none)."""
        return not self.han or self.common >= COMMON_SHARE * self.han

    @property
    def no_foreign_script(self) -> bool:
        return self.foreign <= FOREIGN_SHARE * (self.han + self.other)

    @property
    def plausible(self) -> bool:
        """Reads as Chinese subtitles: common characters, no other script's letters."""
        return self.chinese and self.no_foreign_script


def plausibility(text: str) -> Plausibility:
    """How much `text` looks like Chinese as a Chinese office writes it."""
    from pipeline.subtitles.terms import to_simplified

    common = _common_han()
    han = hits = foreign = other = 0
    first_odd = ""
    for line in text.splitlines():
        simplified = to_simplified(line)
        pairs = zip(line, simplified) if len(simplified) == len(line) else ((c, c) for c in line)
        for original, char in pairs:
            if char < "\x80" or char.isspace() or char in ZERO_WIDTH:
                continue
            if is_han(char):
                han += 1
                if char in common:
                    hits += 1
                elif not first_odd:
                    first_odd = original
                continue
            other += 1
            if (
                unicodedata.category(char).startswith("L") and not "\uff00" <= char <= "\uffef"
            ):  # ＡＢＣ is Chinese typing
                foreign += 1
                first_odd = first_odd or original
    return Plausibility(han, hits, foreign, other, first_odd)


def bom_encoding(data: bytes) -> str | None:
    """The encoding named by the file's byte-order mark, if it has one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def looks_utf16_or_32(data: bytes) -> str | None:
    """ "utf-16-le" etc. when `data` has the NUL-byte pattern of BOM-less UTF-16/32 text, else None."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    for encoding, width in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        usable = sample[: len(sample) - len(sample) % width]
        try:
            text = usable.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and sum(c.isprintable() or c.isspace() for c in text) >= 0.95 * len(text):
            return encoding
    return None


@dataclass(frozen=True, slots=True)
class Candidate:
    encoding: str
    text: str


def legacy_candidates(data: bytes) -> tuple[Candidate, ...]:
    """charset-normalizer's readings of `data` among LEGACY_ENCODINGS, best first, each text once."""
    from charset_normalizer import from_bytes

    found: dict[str, Candidate] = {}
    for match in from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)):
        text = str(match)
        found.setdefault(text, Candidate(match.encoding, text))
    return tuple(found.values())


def encoding_label(name: str) -> str:
    """A name users know: Big5, GB18030, windows-1250, UTF-16."""
    canonical = codecs.lookup(name).name
    labels = {
        "gb18030": "GB18030/GBK",
        "gbk": "GBK",
        "big5": "Big5",
        "utf-8-sig": "UTF-8 (BOM)",
        "utf-8": "UTF-8",
    }
    if canonical in labels:
        return labels[canonical]
    if canonical.startswith("cp125"):
        return f"windows-{canonical[2:]}"
    return canonical.upper() if canonical.startswith("utf") else canonical
