"""codes.py — valid identifiers for tests: 统一社会信用代码 (GB 32100, with
the GB 11714 organisation-code check in positions 9–17) and 身份证号
(GB 11643), computed here independently of the C code under test."""

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_value(c):
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def uscc(region="210102", serial=1, kind="91"):
    """A valid USCC for registration authority `region`: kind + region +
    an organisation code built from `serial` + check character."""
    body = "%08d" % serial
    c9 = 11 - sum(org_value(ch) * w for ch, w in zip(body, ORG_WEIGHTS)) % 11
    org = body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    first17 = kind + region + org
    s = sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS))
    return first17 + USCC_CHARS[(31 - s % 31) % 31]


def resident(region="210102", birth="19800101", seq=1):
    """A valid 身份证号."""
    first17 = region + birth + "%03d" % seq
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(ch) * w for ch, w in zip(first17, weights)) % 11
    return first17 + "10X98765432"[s]
