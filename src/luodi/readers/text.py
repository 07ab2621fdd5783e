"""The plain-text reader and the byte decoding every text-like format shares.

Decoding is never silently wrong.  The order is: a BOM (UTF-8/16/32); UTF-16/32 without a
BOM (data with NUL bytes, decoded in both byte orders, kept only if it reads as text);
strict UTF-8 (tolerating a cut-off last character or a few corrupt bytes among many
good ones); then the legacy Chinese codecs.  GB18030 maps almost any byte string to *some* characters and
Big5 bytes are valid GB18030, so a successful legacy decode proves nothing: every
candidate is scored by how much of its text is very frequent Chinese characters and CJK
punctuation, and the best one wins only if it reads like Chinese.  Otherwise the file is
refused with :class:`~luodi.errors.UndecodableText` rather than passed on as mojibake.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from luodi.document import RawDocument
from luodi.errors import UndecodableText, UnsupportedFormat
from luodi.readers._common_chars import COMMON_CHARS
from luodi.readers.base import Reader

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# cp950 is Microsoft's Big5 (a superset with the ETEN extensions most Big5 files use);
# big5hkscs is only tried when cp950 fails, for Hong Kong supplementary characters.
# UTF-16 without BOM and without a single ASCII character has no NUL byte to spot it by:
# it competes here, and loses on any real legacy file (its code units become Hangul/PUA).
_LEGACY_CODECS = ("gb18030", "cp950", "big5hkscs", "utf-16-le", "utf-16-be")

# Share of non-ASCII characters that must be frequent hanzi or CJK punctuation for a
# legacy decoding to count as Chinese.  Real text scores 0.6-0.9, a wrong codec 0.0-0.25.
MIN_PLAUSIBILITY = 0.4
# Two candidates closer than this are a tie, broken by chardet.
_TIE_MARGIN = 0.1
_SAMPLE_CHARS = 20_000
# UTF-8 with at most this many corrupt bytes, each outweighed by this many valid
# multi-byte characters, is UTF-8 with damage (shown as U+FFFD), not a legacy codec.
_MAX_STRAY_BYTES = 8
_VALID_PER_STRAY = 200

_CJK_PUNCT = frozenset(
    "　、。〈〉《》「」『』【】〔〕〖〗〃々〇・“”‘’…—–·～"  # CJK symbols and general punctuation
    "！（），．：；？［］｛｝｜＂＇％＋－／＜＝＞"  # full-width forms
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")

# Characters that do not make a file non-empty.
BLANK_CHARS = " \t\n\r\f\v\u00a0\u3000\ufeff\u200b\u200c\u200d\u2060"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalize_newlines(text: str) -> str:
    # The common case (a file with \n only) costs one scan and no copy.
    if "\r" not in text and "\u2028" not in text and "\u2029" not in text:
        return text
    return _NEWLINES.sub("\n", text)


def bom_codec(data: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when ``data`` starts with a Unicode byte-order mark."""
    for mark, codec in _BOMS:
        if data.startswith(mark):
            return codec, len(mark)
    return None


def _decode_prefix(sample: bytes, codec: str) -> str | None:
    """Strictly decode a sample that may end mid-character (or mid surrogate pair)."""
    end = len(sample) - len(sample) % 2
    try:
        return sample[:end].decode(codec)
    except UnicodeDecodeError as exc:
        bad = exc.start
    if bad < end - 4:
        return None
    try:
        return sample[:bad].decode(codec)
    except UnicodeDecodeError:
        return None


def wide_codec(data: bytes) -> str | None:
    """UTF-32/UTF-16 byte order of BOM-less ``data`` that has NUL bytes, else None.

    UTF-32 is unambiguous (one byte of every four is always zero).  For UTF-16 the NULs
    are the high bytes of ASCII characters, but U+4E00 一 and its kin put zeros at the
    other parity, so instead of counting, both byte orders are decoded and the one that
    reads as text wins; the wrong order yields Hangul, rare hanzi and controls.
    """
    sample = data[:8192]
    if len(sample) < 2 or b"\x00" not in sample:
        return None
    quads = len(sample) // 4
    if quads and sample[3 : quads * 4 : 4].count(0) == quads and sample[2 : quads * 4 : 4].count(0) * 2 > quads:
        return "utf-32-le"
    if quads and sample[0 : quads * 4 : 4].count(0) == quads and sample[1 : quads * 4 : 4].count(0) * 2 > quads:
        return "utf-32-be"
    best: tuple[float, str] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        text = _decode_prefix(sample, codec)
        if text is None or _has_controls(text):
            continue
        score = plausibility(text)
        if score >= MIN_PLAUSIBILITY and (best is None or score > best[0]):
            best = (score, codec)
    return best[1] if best else None


def is_binary(data: bytes) -> bool:
    """NUL bytes that are not the zero halves of UTF-16/32 code units."""
    head = data[:65536]
    if b"\x00" not in head:
        return False
    bom = bom_codec(head)
    if bom is not None and bom[0] != "utf-8-sig":
        return False
    return wide_codec(head) is None


def ascii_view(data: bytes, limit: int = 16384) -> str:
    """The head of ``data`` as a str in which ASCII markup (``<html``, ``#``) is legible.

    Sniffers only look for ASCII syntax, so any 8-bit file is read as Latin-1 (never fails,
    keeps byte offsets); UTF-16/32 is decoded so that its markup becomes visible too.
    """
    head = data[:limit]
    bom = bom_codec(head)
    codec = bom[0] if bom else wide_codec(head)
    if codec is not None and codec != "utf-8-sig":
        return head.decode(codec, errors="ignore").lstrip("\ufeff")
    return head.decode("latin-1")


def plausibility(text: str) -> float:
    """Share of the non-ASCII characters that are frequent hanzi or CJK punctuation."""
    good = total = 0
    for ch in text[:_SAMPLE_CHARS]:
        if ch < "\x80":
            continue
        total += 1
        if ch in COMMON_CHARS or ch in _CJK_PUNCT:
            good += 1
    return good / total if total else 1.0


def _has_controls(text: str) -> bool:
    """More than a trace of C0/C1 control characters: binary data, not text."""
    sample = text[:_SAMPLE_CHARS]
    return len(_CONTROL.findall(sample)) * 100 > len(sample) + 1


def _strict(data: bytes, codec: str, source: str, name: str | None = None) -> Decoded:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise UndecodableText(source) from None
    return Decoded(normalize_newlines(text), name or codec)


def _utf8_with_truncated_tail(data: bytes, exc: UnicodeDecodeError) -> Decoded | None:
    """UTF-8 whose only fault is a character cut off by the end of the file.

    Truncated downloads end mid-character; dropping the 1-3 dangling bytes is faithful,
    whereas falling through to GB18030 would turn the whole file into mojibake.
    """
    if exc.end != len(data) or len(data) - exc.start > 3 or exc.reason != "unexpected end of data":
        return None
    return Decoded(normalize_newlines(data[: exc.start].decode("utf-8")), "utf-8")


def _utf8_with_stray_bytes(data: bytes) -> Decoded | None:
    """UTF-8 with a few corrupt bytes among many valid multi-byte characters.

    One broken character in a scraped page should not lose the document, and U+FFFD marks
    the damage visibly.  A legacy (GBK) file has many invalid sequences and almost no
    valid multi-byte ones, so it never qualifies.
    """
    text = data.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    if errors > _MAX_STRAY_BYTES:
        return None
    multibyte = sum(1 for ch in text if ch >= "\x80") - errors
    if multibyte < _VALID_PER_STRAY * errors:
        return None
    return Decoded(normalize_newlines(text), "utf-8")


def _decode_wide(data: bytes, codec: str, source: str) -> Decoded:
    decoded = _strict(data[: len(data) - len(data) % (4 if codec.startswith("utf-32") else 2)], codec, source)
    if _has_controls(decoded.text) or plausibility(decoded.text) < MIN_PLAUSIBILITY:
        raise UnsupportedFormat(source, "binary data (NUL bytes)")
    return decoded


def _chardet_family(data: bytes) -> str | None:
    # Imported lazily: only ambiguous legacy files pay for chardet.
    import chardet

    guess = (chardet.detect(data[:65536]).get("encoding") or "").lower()
    if guess.startswith(("gb", "hz")):
        return "gb18030"
    if "big5" in guess or guess == "cp950":
        return "cp950"
    return None


def _best_candidate(data: bytes, candidates: list[tuple[float, str, str]]) -> tuple[float, str, str] | None:
    """The plausible candidate with the highest score; chardet decides a near tie."""
    plausible = sorted((c for c in candidates if c[0] >= MIN_PLAUSIBILITY), key=lambda c: c[0], reverse=True)
    if not plausible:
        return None
    if len(plausible) > 1 and plausible[0][0] - plausible[1][0] < _TIE_MARGIN:
        family = _chardet_family(data)
        for cand in plausible[:2]:
            if cand[1] == family or (family == "cp950" and cand[1] == "big5hkscs"):
                return cand
    return plausible[0]


def decode_legacy(data: bytes, source: str) -> Decoded:
    """GB18030 or Big5, whichever reads as Chinese; :class:`UndecodableText` if neither."""
    candidates: list[tuple[float, str, str]] = []
    for codec in _LEGACY_CODECS:
        if codec == "big5hkscs" and any(c[1] == "cp950" for c in candidates):
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((plausibility(text), codec, text))
    best = _best_candidate(data, candidates)
    if best is None or _has_controls(best[2]):
        raise UndecodableText(source)
    return Decoded(normalize_newlines(best[2]), best[1])


def _decode_declared(data: bytes, declared: str) -> Decoded | None:
    """Use a charset the file declares (HTML ``<meta charset>``) if it reads as Chinese."""
    try:
        text = data.decode(declared)
    except (UnicodeDecodeError, LookupError):
        return None
    if plausibility(text) < MIN_PLAUSIBILITY or _has_controls(text):
        return None
    return Decoded(normalize_newlines(text), codecs.lookup(declared).name)


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> Decoded:
    """Decode a text file, recording the codec; newlines come out as ``\\n``.

    ``declared`` is a charset named by the file itself; it is trusted only after BOMs and
    strict UTF-8 (pages re-saved as UTF-8 often keep a stale ``gb2312`` meta tag), and
    only if its result reads as Chinese.
    """
    bom = bom_codec(data)
    if bom is not None:
        return _strict(data[bom[1] :], bom[0].removesuffix("-sig"), source, name=bom[0])
    if b"\x00" in data:
        wide = wide_codec(data)
        if wide is None:
            raise UnsupportedFormat(source, "binary data (NUL bytes)")
        return _decode_wide(data, wide, source)
    try:
        return Decoded(normalize_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as exc:
        nearly = _utf8_with_truncated_tail(data, exc) or _utf8_with_stray_bytes(data)
        if nearly is not None:
            return nearly
    if declared:
        found = _decode_declared(data, declared)
        if found is not None:
            return found
    return decode_legacy(data, source)


def read_text(path: Path, data: bytes) -> RawDocument:
    decoded = decode_bytes(data, str(path))
    return RawDocument(
        source=str(path),
        format="text",
        text=decoded.text,
        content_hash=sha256_hex(data),
        encoding=decoded.encoding,
        size=len(data),
    )


def _sniff_text(data: bytes, path: Path) -> bool:
    # The fallback reader: anything that is not binary is text.
    return not is_binary(data)


TEXT = Reader(name="text", extensions=(".txt", ".text"), sniff=_sniff_text, read=read_text)
