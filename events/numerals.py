"""Chinese numerals for ranks and sessions: 1 → 一, 10 → 十, 16 → 十六, 21 → 二十一."""

DIGITS = "零一二三四五六七八九"


def chinese_numeral(number):
    """Write a whole number from 0 to 9999 the way the article does (十六, not 一十六)."""
    if not 0 <= number <= 9999:
        raise ValueError(f"{number} is outside 0–9999")
    if number < 10:
        return DIGITS[number]
    units = [(1000, "千"), (100, "百"), (10, "十")]
    text = ""
    rest = number
    pending_zero = False
    for size, name in units:
        digit, rest = divmod(rest, size)
        if digit:
            if pending_zero:
                text += "零"
                pending_zero = False
            # 十六 rather than 一十六 when the number starts with ten.
            text += ("" if (size == 10 and digit == 1 and not text) else DIGITS[digit]) + name
        elif text:
            pending_zero = True
    if rest:
        text += ("零" if pending_zero else "") + DIGITS[rest]
    return text
