"""Folding of names so that users' spellings meet the KB's (stdlib only: used on every query)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opencc import OpenCC

_CJK_SUFFIXES = ("自治区", "特别行政区", "市", "区", "县", "省")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_NOT_ALNUM = re.compile(r"[\W_]")
_WORD = re.compile(r"\S+")
# Stands for every gap in the character index: between names, and for each space or punctuation mark. It is
# two characters long, so no query of single-character tokens can match it or match across it.
_CHAR_GAP = "zz"


class _WithoutMarks(dict[int, "str | None"]):
    """A str.translate table that drops combining marks, filled as characters are first met (a build folds
    millions of characters; asking unicodedata once per character each time was a fifth of making rows)."""

    def __missing__(self, code: int) -> str | None:
        kept = None if unicodedata.combining(chr(code)) else chr(code)
        self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def strip_tones(text: str) -> str:
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_WITHOUT_MARKS)


# Words British English spells otherwise than the American the KB mostly writes (a quote keeps its source's
# "centre"): a name folds to the American form (`fold`: `show national centre`), and a search looks for both
# (`other_spellings`). A word and its plural only, alone or ending a compound (`subcentre`, `sub-centres`):
# `centred` and `programmed` are left as typed.
_BRITISH = {
    "centre": "center",
    "programme": "program",
    "organisation": "organization",
    "licence": "license",
    "defence": "defense",
    "offence": "offense",
    "labour": "labor",
    "honour": "honor",
    "catalogue": "catalog",
}
_AMERICAN = {american: british for british, american in _BRITISH.items()}
_BRITISH_WORD = re.compile(r"(" + "|".join(_BRITISH) + r")(s?)\b")
# a word that is one of either spelling, or ends with one (a compound: `subcenter`, `sub-centre`), plural or not
_EITHER_ENDING = re.compile(r"^(.*?)(-?)(" + "|".join([*_BRITISH, *_AMERICAN]) + r")(s?)$")


def american(text: str) -> str:
    """`text` (case folded) with each British word of `_BRITISH` spelt American, alone or ending a compound:
    `national centres` -> `national centers`, `subcentre` -> `subcenter`. A part of each British word is looked
    for first, one by one (0.14 µs a name; the regular expression, or one made of the parts, costs 0.4 µs and
    more, in a build that folds millions); tests/test_search.py checks that no word of `_BRITISH` is skipped so."""
    if not ("ntre" in text or "mme" in text or "isation" in text or "nce" in text or "our" in text or "ogue" in text):
        return text
    return _BRITISH_WORD.sub(lambda m: _BRITISH[m[1]] + m[2], text)


def other_spellings(word: str) -> list[str]:
    """The other forms a search looks for beside a word (case folded) that is, or ends with, a word of
    `_BRITISH` in either spelling: the other spelling (`Centres`: `centers`; `license`: `licence`); for a
    compound, the same written joined and hyphenated (`subcentre`: `sub-center`, `subcenter`, `sub-centre`),
    as the KB writes both (`Sub-center` in names, `-subcenter` in ids); a plural as its singular, which a
    search finds where words start with its plural (`sub-centers` finds what `subcenter` finds). [] for any
    other word."""
    word = word.casefold()
    found = _EITHER_ENDING.match(word)
    if found is None:
        return []
    before, hyphen, part, _ = found.groups()
    joins = ("", "-") if before.isalpha() else (hyphen,)  # `co-operation-centre` keeps its hyphens
    spelt = (part, _BRITISH.get(part) or _AMERICAN[part])
    return [form for form in dict.fromkeys(before + join + each for join in joins for each in spelt) if form != word]


def toneless(text: str) -> str:
    """`text` with the tones and other marks dropped from each word they leave in plain letters (Kēqiáo:
    Keqiao), so pinyin typed with tones is read as typed without; any other word (Chinese, Korean) as it is."""
    if text.isascii():
        return text
    return _WORD.sub(lambda m: plain if (plain := strip_tones(m[0])).isascii() else m[0], text)


def fold(text: str) -> str:
    """Case, width, tones, spaces and punctuation folded, British spellings written American (`_BRITISH`); a
    trailing 市/区/县/省 dropped."""
    if text.isascii():  # NFKC and tones change no ASCII, and its case folds as it lowers
        folded = american(text.lower())
    else:
        folded = american(strip_tones(unicodedata.normalize("NFKC", text)).casefold())
    folded = _NON_WORD.sub("", folded)
    if not folded.endswith(_CJK_SUFFIXES):  # nearly every name: one test of them all
        return folded
    for suffix in _CJK_SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            return folded[: -len(suffix)]
    return folded


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def char_tokens(names: list[str]) -> str:
    """Names spelt one character per token, for the index that answers searches of 1 or 2 characters.

    The trigram index cannot: its shortest token is 3 characters. Here `柯桥区` becomes `柯 桥 区`, so a
    2-character search is an FTS5 phrase of two adjacent tokens.
    """
    if "" in names:  # spelt as nothing between its gaps
        return f" {_CHAR_GAP} ".join(char_tokens([name]) if name else "" for name in names)
    # every name at once, a NUL between them: a mark, spelt as a gap as every mark is, and as names are parted
    return " ".join(_NOT_ALNUM.sub("\0", "\0".join(names))).replace("\0", _CHAR_GAP)


def char_phrase(text: str) -> str | None:
    """The FTS5 phrase that finds `text` in `char_tokens` output, or None if `text` holds a space or mark."""
    if not text or _NOT_ALNUM.search(text):
        return None
    return '"' + " ".join(text) + '"'


# The syllables of Mandarin in toneless pinyin (ü as u, as tones and marks fold), for reading a word typed
# without spaces (zhongxin) as the syllables a name's pinyin spells apart (Zhōng Xīn).
_SYLLABLE_LIST = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen
    ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci
    cong cou cu cuan cui cun cuo da dai dan dang dao de dei deng di dia dian diao die ding diu dong dou du duan
    dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou
    gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui
    hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng
    kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin
    ling liu lo long lou lu luan lue lun luo ma mai man mang mao me mei men meng mi mian miao mie min ming miu
    mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nuo o
    ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing
    qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao
    se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo
    si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun
    tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan
    yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang
    zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui
    zun zuo
"""
_SYLLABLES = frozenset(_SYLLABLE_LIST.split())
_LONGEST_SYLLABLE = 6  # zhuang


def syllable_runs(word: str, most: int = 2) -> list[str]:
    """The ways to read `word` (letters, any case, no spaces) as pinyin syllables, spaced and lower-case,
    fewest syllables first, at most `most`: `zhongxin` -> `zhong xin`, `xian` -> `xian`, `xi an`, `bao` ->
    `bao`; none for a word that is not all syllables (`center`). A search looks for these in the pinyin of
    names beside the word itself, so a word typed without spaces finds the syllables a pinyin spells apart."""
    word = word.casefold()
    if not (word.isascii() and word.isalpha()) or len(word) > 60:
        return []
    ends: dict[int, list[list[str]]] = {len(word): [[]]}  # from a position: the readings of the rest
    for start in range(len(word) - 1, -1, -1):
        readings: list[list[str]] = []
        for end in range(start + 1, min(len(word), start + _LONGEST_SYLLABLE) + 1):
            if word[start:end] in _SYLLABLES:
                readings += [[word[start:end], *rest] for rest in ends.get(end, [])]
        if readings:
            ends[start] = sorted(readings, key=len)[:most]
    return [" ".join(reading) for reading in ends.get(0, [])]


def has_han(text: str) -> bool:
    """Whether `text` holds a CJK character. Not a regular expression: compiling one with the astral ranges
    took 2.3 ms at import, on every query."""
    return not text.isascii() and any(
        0x2E80 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFAFF or 0x20000 <= ord(c) <= 0x3FFFF for c in text
    )


def has_kana(text: str) -> bool:
    """Whether `text` holds Japanese kana (hiragana, katakana, their phonetic extensions and half-width forms)."""
    return not text.isascii() and any(
        0x3040 <= ord(c) <= 0x30FF or 0x31F0 <= ord(c) <= 0x31FF or 0xFF66 <= ord(c) <= 0xFF9D for c in text
    )


def has_hangul(text: str) -> bool:
    """Whether `text` holds Korean hangul (syllables or jamo)."""
    return not text.isascii() and any(
        0xAC00 <= ord(c) <= 0xD7A3 or 0x1100 <= ord(c) <= 0x11FF or 0x3130 <= ord(c) <= 0x318F for c in text
    )


def latin_only(text: str) -> bool:
    """Whether `text` holds letters and every one of them is Latin (English, pinyin with its tones, French)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isascii() or "LATIN" in unicodedata.name(c, "") for c in letters)


# a pinyin reading with its tone marks, in brackets after the character it reads, as some mirrors of mainland
# pages insert it (知識(shí)產(chǎn)權(quán)); a quote copied from such a page keeps it
_INSERTED_READING = r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)"


def without_readings(text: str) -> str:
    """`text` without the pinyin readings a page inserted after its characters: 知識(shí) -> 知識."""
    return re.sub(_INSERTED_READING, "", text) if "(" in text else text


def has_readings(text: str) -> bool:
    """Whether `text` keeps pinyin readings a page inserted after its characters (see `without_readings`)."""
    return "(" in text and re.search(_INSERTED_READING, text) is not None


@cache
def _to_simplified() -> OpenCC:
    from opencc import OpenCC

    return OpenCC("t2s")


def simplified(text: str) -> str:
    """`text` with traditional characters written in simplified ones (OpenCC's standard `t2s` table: 寧波 is
    宁波). OpenCC loads on the first call, which only a name or search that found nothing as typed makes."""
    return str(_to_simplified().convert(text))


def may_be_traditional(text: str) -> bool:
    """Whether `text` holds a Han character outside GB2312, the mainland's character set, which has the
    simplified forms (知识, 宁) but not their traditional ones (知識, 寧): a cheap test (a C codec, no OpenCC)
    of whether reading `text` in simplified characters could change it. A traditional form GB2312 also
    holds (後) passes unseen, so a text found as typed is not read so for it alone."""
    if not has_han(text):
        return False
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def in_twos(text: str) -> str | None:
    """`text` with each Chinese word of 3 or more characters cut into words of two characters (海外纠纷: 海外
    纠纷), and each word that reads as 3 or more pinyin syllables into words of two syllables (haiwaijiufen:
    haiwai jiufen); an odd last one stands alone. For a search that found nothing as written: Chinese has no
    spaces, so a reader's 海外纠纷 may be two words that a name holds apart (海外知识产权纠纷). None if
    nothing is cut."""
    words = text.split()
    cut = []
    for word in words:
        if has_han(word):
            parts = list(word) if all(has_han(c) for c in word) else []
        else:
            runs = syllable_runs(strip_tones(word).casefold())
            parts = runs[0].split() if runs else []
        cut.append(" ".join("".join(parts[i : i + 2]) for i in range(0, len(parts), 2)) if len(parts) >= 3 else word)
    return " ".join(cut) if cut != words else None


def simplified_instead(text: str) -> str | None:
    """`simplified(text)` when `text` holds Chinese that it changes, else None (without loading OpenCC for
    text with no Chinese in it)."""
    if not has_han(text):
        return None
    simple = simplified(text)
    return simple if simple != text else None


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 hop`, `0 hops`, `2 hops`, `1 entity`, `3 entities`: a number and its noun, singular only for exactly
    one (a noun in -y after a consonant takes -ies; any other plural is given). The one place a count meets a
    noun: renderers, views and messages call it rather than write `entit{'y' if ...}` or `error(s)`."""
    if n == 1:
        return f"{n} {noun}"
    if plural is None:
        plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{n} {plural}"


_PLURAL_ENDING = re.compile(r"(?<=[a-z])(ies|(?<![su])s)$")


def unit_for(value: object, unit: str | None) -> str:
    """A fact's unit as printed beside its value (`1 enterprise`, `2 enterprises`): the KB's unit, a plural as
    metrics declare it, made singular for a value of exactly 1 where it is a simple English plural: its last
    word (before any `per ...`) ends in -ies (`agencies`: agency) or -s (`days`, `working days`, `sub-centers`);
    not -ss, -us. Any other unit is left as written: `yuan`, `percent`, `people`, `countries and regions`
    (two nouns), and units not in English letters. --json keeps the KB's unit."""
    if not unit or isinstance(value, bool) or not isinstance(value, (int, float)) or value != 1:
        return unit or ""
    head, per, rest = unit.partition(" per ")
    if not head.isascii() or " and " in head or " or " in head:
        return unit
    return _PLURAL_ENDING.sub(lambda m: "y" if m.group(1) == "ies" else "", head) + per + rest


def a_or_an(word: str) -> str:
    """`word` after its indefinite article, as English says it: `an integer`, `an agency`, `a city`, `a unit`."""
    sounds_like_you = word.lower().startswith(("uni", "use", "usu", "uti", "eu", "one"))
    return f"{'an' if word[:1].lower() in 'aeiou' and not sounds_like_you else 'a'} {word}"
