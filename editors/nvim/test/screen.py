"""Reads a tmux `capture-pane -e` dump (the screen's text with SGR escape
sequences), for run.sh's screen test:

    screen.py html CAPTURE PAGE TITLE [X,Y]
                                        writes an HTML page that looks like
                                        the terminal, for a screenshot, the
                                        cursor at column X of line Y
                                        (0-based) drawn as a block
    screen.py colour CAPTURE ROW TEXT   prints the foreground colour
                                        (#rrggbb, or "default") of TEXT in
                                        the first line that contains ROW
"""
import html
import re
import sys

BASE16 = ["#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
          "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff"]
FG_DEFAULT, BG_DEFAULT = "#e0e2ea", "#14161b"


def color256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


def apply_sgr(state, params):
    codes = [int(c) if c else 0 for c in re.split(r"[;:]", params)] or [0]
    j = 0
    while j < len(codes):
        c = codes[j]
        if c == 0:
            state.update(fg=None, bg=None, bold=False, reverse=False)
        elif c == 1:
            state["bold"] = True
        elif c == 22:
            state["bold"] = False
        elif c == 7:
            state["reverse"] = True
        elif c == 27:
            state["reverse"] = False
        elif 30 <= c <= 37 or 90 <= c <= 97:
            state["fg"] = BASE16[c - 30 if c < 90 else c - 82]
        elif 40 <= c <= 47 or 100 <= c <= 107:
            state["bg"] = BASE16[c - 40 if c < 100 else c - 92]
        elif c == 39:
            state["fg"] = None
        elif c == 49:
            state["bg"] = None
        elif c in (38, 48) and j + 1 < len(codes):
            key = "fg" if c == 38 else "bg"
            if codes[j + 1] == 5 and j + 2 < len(codes):
                state[key] = color256(codes[j + 2])
                j += 2
            elif codes[j + 1] == 2 and j + 4 < len(codes):
                state[key] = "#%02x%02x%02x" % tuple(codes[j + 2:j + 5])
                j += 4
        j += 1


def parse(path):
    """The screen as lines of runs (text, state); the state carries over
    from line to line as on the terminal."""
    state = {"fg": None, "bg": None, "bold": False, "reverse": False}
    lines = []
    for line in open(path, encoding="utf-8", errors="replace").read().rstrip("\n").split("\n"):
        runs = []
        for i, part in enumerate(re.split(r"\x1b\[([0-9;:]*)m", line)):
            if i % 2 == 1:
                apply_sgr(state, part)
            elif part:
                runs.append((part, dict(state)))
        lines.append(runs)
    return lines


def split_at(runs, x):
    """runs with the character at column x in a run of its own, reversed
    (a cursor), the line padded to reach it."""
    width = sum(len(t) for t, _ in runs)
    if width <= x:
        runs = runs + [(" " * (x - width + 1), {"fg": None, "bg": None, "bold": False, "reverse": False})]
    out, col = [], 0
    for t, st in runs:
        if col <= x < col + len(t):
            i = x - col
            cursor = dict(st, reverse=not st["reverse"])
            out += [p for p in ((t[:i], st), (t[i], cursor), (t[i + 1:], st)) if p[0]]
        else:
            out.append((t, st))
        col += len(t)
    return out


def to_html(src, dst, title, cursor=None):
    out = []
    for y, runs in enumerate(parse(src)):
        if cursor is not None and y == cursor[1]:
            runs = split_at(runs, cursor[0])
        spans = []
        for text, st in runs:
            fg, bg = st["fg"] or FG_DEFAULT, st["bg"] or BG_DEFAULT
            if st["reverse"]:
                fg, bg = bg, fg
            style = "color:%s;background:%s%s" % (fg, bg, ";font-weight:bold" if st["bold"] else "")
            spans.append('<span style="%s">%s</span>' % (style, html.escape(text)))
        out.append("".join(spans))
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title><style>
body{margin:0;background:%s}pre{margin:0;padding:8px;font:14px/1.25 "DejaVu Sans Mono",monospace;color:%s}
</style></head><body><pre>%s</pre></body></html>""" % (html.escape(title), BG_DEFAULT, FG_DEFAULT, "\n".join(out))
    with open(dst, "w", encoding="utf-8") as f:
        f.write(page)


def colour(src, row, text):
    for runs in parse(src):
        chars = "".join(t for t, _ in runs)
        if row not in chars:
            continue
        at = chars.find(text)
        if at < 0:
            return None
        for t, st in runs:
            if at < len(t):
                fg = st["bg"] if st["reverse"] else st["fg"]
                return fg or "default"
            at -= len(t)
    return None


def main(argv):
    if len(argv) in (5, 6) and argv[1] == "html":
        cursor = tuple(int(n) for n in argv[5].split(",")) if len(argv) == 6 else None
        to_html(argv[2], argv[3], argv[4], cursor)
        return 0
    if len(argv) == 5 and argv[1] == "colour":
        c = colour(argv[2], argv[3], argv[4])
        if c is None:
            print("%r not found in a line with %r" % (argv[4], argv[3]), file=sys.stderr)
            return 1
        print(c)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
