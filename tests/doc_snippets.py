"""Compiles and runs the C and Python blocks of docs/embedding.md (```c, ```python).

    doc_snippets.py SOURCE_DIR CC LIBRARY WORK_DIR
    doc_snippets.py --cpp SOURCE_DIR OUT.cpp     # writes its ```cpp block, which CMake
                                                 # builds and ctest runs (doc_cpp_snippet)
"""
import os
import re
import subprocess
import sys

if sys.argv[1] == "--cpp":
    with open(os.path.join(sys.argv[2], "docs", "embedding.md"), encoding="utf-8") as f:
        cpp = re.findall(r"^```cpp\n(.*?)^```$", f.read(), re.M | re.S)
    assert len(cpp) == 1, len(cpp)
    with open(sys.argv[3], "w", encoding="utf-8") as f:
        f.write("// Written by tests/doc_snippets.py from docs/embedding.md's ```cpp block.\n" + cpp[0])
    sys.exit(0)

source, cc, library, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)
with open(os.path.join(source, "docs", "embedding.md"), encoding="utf-8") as f:
    text = f.read()
blocks = re.findall(r"^```(c|python)\n(.*?)^```$", text, re.M | re.S)
assert [lang for lang, _ in blocks] == ["c", "python"], [lang for lang, _ in blocks]
code = {lang: body for lang, body in blocks}

c_file, program = os.path.join(work, "snippet.c"), os.path.join(work, "snippet")
with open(c_file, "w", encoding="utf-8") as f:
    f.write(code["c"])
libdir = os.path.dirname(library)
subprocess.run([cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(source, "include"), c_file,
                "-L", libdir, "-lperfbudget", "-Wl,-rpath," + libdir, "-o", program], check=True)
out = subprocess.run([program], check=True, capture_output=True, text=True).stdout
assert out.startswith("85.32 良\n") and "evaluation.execution" in out, out

py_file = os.path.join(work, "snippet.py")
with open(py_file, "w", encoding="utf-8") as f:
    f.write(code["python"])
env = dict(os.environ, PERFBUDGET_LIBRARY=library)
out = subprocess.run([sys.executable, py_file], check=True, capture_output=True, text=True, cwd=source, env=env).stdout
assert "projects.csv:2: error: " in out, out
# The result fields table: every path is in the example county's results (defects: a project with one).
sys.path.insert(0, os.path.join(source, "examples", "python"))
import json  # noqa: E402
import perfbudget  # noqa: E402

rules = perfbudget.Library(library).national_rules()
data = os.path.join(source, "examples", "data")
table = dict(re.findall(r"^\| (evaluate|monitor|review|assess) \| (.*) \|$", text, re.M))
assert sorted(table) == ["assess", "evaluate", "monitor", "review"], sorted(table)
for stage, fields in table.items():
    second = "assessments.csv" if stage == "assess" else "indicators.csv"
    result = rules.run(stage, os.path.join(data, "projects.csv"), os.path.join(data, second),
                       as_of="2023-12-31" if stage == "monitor" else None)
    projects = json.loads(result.json)
    for path in re.findall(r"`([a-z_/N0-9]+)`", fields):
        def has(node, parts):
            if not parts:
                return True
            key = 0 if parts[0] == "N" else parts[0]
            if isinstance(node, list):
                return len(node) > 0 and has(node[0], parts[1:])
            return isinstance(node, dict) and key in node and has(node[key], parts[1:])
        assert any(has(p, path.split("/")) for p in projects), (stage, path)
print("doc snippets: all passed")
