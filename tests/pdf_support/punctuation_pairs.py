"""Count adjacent full-width punctuation pairs in a PDF, from the glyph positions pdfplumber reads.

A pair is two marks side by side on one baseline, same size, both drawn one em wide, where clreq
squeezes one blank half away: the first's right half is blank (closing and pause marks: 。，、：；
”’」』）】〗〕》〉) or the second's left half is (opening marks: “‘「『（【〖〔《〈). A pair is
*unsqueezed* when it spans more than 1.5 em, from the first glyph box's left edge to the second's
right edge. Prints `pairs N unsqueezed M` and one line per unsqueezed pair (page, the two marks,
their span in em).

Usage: python3 punctuation_pairs.py FILE.pdf
"""
import sys

import pdfplumber

BLANK_RIGHT = set("\u3002\uff0c\u3001\uff1a\uff1b\u201d\u2019\u300d\u300f\uff09\u3011\u3017\u3015\u300b\u3009")
BLANK_LEFT = set("\u201c\u2018\u300c\u300e\uff08\u3010\u3016\u3014\u300a\u3008")


def full_width(c):
    return c["text"] in BLANK_RIGHT | BLANK_LEFT and c["width"] >= 0.9 * c["size"]


def main(path):
    pairs = 0
    unsqueezed = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars = page.chars
            for a, b in zip(chars, chars[1:]):
                if not (full_width(a) and full_width(b)):
                    continue
                if abs(a["size"] - b["size"]) > 0.01 or abs(a["matrix"][5] - b["matrix"][5]) > 0.5:
                    continue
                if a["text"] not in BLANK_RIGHT and b["text"] not in BLANK_LEFT:
                    continue
                pairs += 1
                span = (b["x1"] - a["x0"]) / a["size"]
                if span > 1.5 + 0.01:
                    unsqueezed.append((page.page_number, a["text"] + b["text"], span))
    print(f"pairs {pairs} unsqueezed {len(unsqueezed)}")
    for page, text, span in unsqueezed:
        print(f"page {page} {text} {span:.3f} em")


if __name__ == "__main__":
    main(sys.argv[1])
