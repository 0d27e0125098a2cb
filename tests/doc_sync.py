"""Keeps the Chinese documentation in step with the English (issue 14 item 4).

    doc_sync.py [SOURCE_DIR]        (default: the directory above tests/)

For each pair (English page, Chinese page) it collects tokens from the English
page and reports every token the Chinese page lacks, one line each:

    docs/input.zh-CN.md: missing `fill_down` (in docs/input.md)

and exits 1. Tokens only in the Chinese page are fine. The tokens are:

- CLI options: `--xxx` anywhere in the page, code blocks included;
- identifiers in backticks (`project_id`, `execution.points`, `half_up`), outside
  fenced code blocks; a backticked span that is not one identifier (`95%`,
  `grade == "poor"`) is not a token, but a leading `--option` or trailing `:` is
  read through (`` `--year` ``, `` `custom:` ``);
- docs/input.md only: the identifier in the first cell of a table row, header
  rows excepted (input.md writes its columns so: `| project_id | 项目编号 … |`);
- YAML keys (`key:`) inside ```yaml code blocks.

README.md ↔ README.zh-CN.md compares CLI options, and each ```sh block (the
build and test commands) must appear in README.zh-CN.md unchanged. docs/input.md is compared
whole; docs/rules.md only between `<!-- zh-sync: begin -->` and
`<!-- zh-sync: end -->` (the sections translated in docs/rules.zh-CN.md). See
docs/testing.md, "Chinese documentation".
"""
import os
import re
import sys

PAIRS = [
    ("README.md", "README.zh-CN.md", "options"),
    ("docs/input.md", "docs/input.zh-CN.md", "columns"),
    ("docs/rules.md", "docs/rules.zh-CN.md", "keys"),
]
BEGIN, END = "<!-- zh-sync: begin -->", "<!-- zh-sync: end -->"

OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
IDENT = r"[A-Za-z_][A-Za-z0-9_]*(?:[.-][A-Za-z0-9_*<>]+)*"
BACKTICKED = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)  # a code span, CommonMark's way
WHOLE_IDENT = re.compile(r"(?:--)?(" + IDENT + r"):?")
TABLE_FIRST = re.compile(r"\|\s*(" + IDENT + r")\s*\|")
TABLE_RULE = re.compile(r"^\|\s*:?-{3,}")
YAML_KEY = re.compile(r"(?:^|[\s{,\-])([A-Za-z_][A-Za-z0-9_.]*):(?=\s|$)")
YAML_NOISE = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|(?:^|\s)#.*')
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def marked(text, path, problems):
    """The text between zh-sync markers (all of it when the page has none)."""
    if BEGIN not in text and END not in text:
        return text
    parts, pos = [], 0
    while True:
        b = text.find(BEGIN, pos)
        e = text.find(END, pos)
        if b < 0:
            if e >= 0:
                problems.append(f"{path}: `{END}` without a `{BEGIN}` before it")
            return "\n".join(parts)
        e = text.find(END, b)
        nested = text.find(BEGIN, b + len(BEGIN))
        if e < 0 or 0 <= nested < e:
            problems.append(f"{path}: `{BEGIN}` without its `{END}`")
            return "\n".join(parts)
        parts.append(text[b + len(BEGIN):e])
        pos = e + len(END)


def tokens(text, kind):
    """Tokens of a page, in order of first appearance."""
    found = {}
    for m in OPTION.finditer(text):
        found.setdefault(m.group(0), None)
    if kind == "options":
        return list(found)
    prose = FENCE.sub("\n", text)
    for m in BACKTICKED.finditer(prose):
        span = m.group(2).strip()
        w = WHOLE_IDENT.fullmatch(span)
        if w and not span.startswith("--"):
            found.setdefault(w.group(1), None)
    lines = prose.split("\n")
    for i, line in enumerate(lines):
        m = TABLE_FIRST.match(line)
        header = i + 1 < len(lines) and TABLE_RULE.match(lines[i + 1])
        if kind == "columns" and m and not header and not TABLE_RULE.match(line):
            found.setdefault(m.group(1), None)
    for m in FENCE.finditer(text):
        if m.group(1).strip() == "yaml":
            for line in m.group(2).split("\n"):
                for k in YAML_KEY.finditer(YAML_NOISE.sub(" ", line)):
                    found.setdefault(k.group(1), None)
    return list(found)


def present(token, text):
    """Whether the Chinese page holds the token as a whole word (ASCII word boundaries:
    a token may stand right beside Chinese characters)."""
    return re.search(r"(?<![A-Za-z0-9_-])" + re.escape(token) + r"(?![A-Za-z0-9_])", text) is not None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = []
    for en, zh, kind in PAIRS:
        texts = []
        for name in (en, zh):
            try:
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    texts.append(f.read())
            except (OSError, UnicodeDecodeError) as e:
                problems.append(f"{name}: cannot be read: {e}")
        if len(texts) < 2:
            continue
        en_text, zh_text = texts
        for token in tokens(marked(en_text, en, problems), kind):
            if not present(token, zh_text):
                problems.append(f"{zh}: missing `{token}` (in {en})")
        if kind == "options":  # the README's build and test commands, character for character
            for m in FENCE.finditer(en_text):
                if m.group(1).strip() == "sh" and m.group(0) not in zh_text:
                    first = m.group(2).split("\n", 1)[0]
                    problems.append(f"{zh}: missing the command block `{first}` of {en}, or it differs")
    for line in problems:
        print(line)
    if problems:
        print(f"doc sync: {len(problems)} problem(s): add each to the Chinese page (docs/testing.md, 'Chinese documentation')")
        return 1
    print("doc sync: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
