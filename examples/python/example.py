"""The example county from Python (ctypes), checked against the C++ API's results.

    python3 examples/python/example.py EXAMPLES_DATA_DIR GOLDEN_DIR [LIBRARY]

GOLDEN_DIR holds what the C++ library writes for the same data (tests/golden:
`perfbudget evaluate/monitor/assess --lang en`): every column of every project
must be the same here. Then one project given in code, and bad input, which
must come back as perfbudget.Error, not a crash. Exits 0 when all holds.
"""

import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import perfbudget  # noqa: E402


def golden(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def same_as_golden(result, rows, what):
    assert len(result) == len(rows), (what, len(result), len(rows))
    for i, row in enumerate(rows):
        for column, expected in row.items():
            got = result[i].get(column)
            if got is None:  # a dimension's mean is under "dimensions/"
                got = result[i].get("dimensions/" + column)
            assert (got or "") == expected, (what, row["project_id"], column, got, expected)


def main():
    data, golden_dir = sys.argv[1], sys.argv[2]
    lib = perfbudget.Library(sys.argv[3] if len(sys.argv) > 3 else None)
    assert lib.abi_version == 1, lib.abi_version
    rules = lib.national_rules()
    projects, indicators = os.path.join(data, "projects.csv"), os.path.join(data, "indicators.csv")

    # Batches: the same as the C++ API, column by column.
    evaluated = rules.run("evaluate", projects, indicators, lang=perfbudget.EN)
    same_as_golden(evaluated, golden(os.path.join(golden_dir, "examples-national.csv")), "evaluate")
    monitored = rules.run("monitor", projects, indicators, as_of="2023-12-31", lang=perfbudget.EN)
    same_as_golden(monitored, golden(os.path.join(golden_dir, "monitor-examples-national.csv")), "monitor")
    assessed = rules.run("assess", projects, os.path.join(data, "assessments.csv"), lang=perfbudget.EN)
    same_as_golden(assessed, golden(os.path.join(golden_dir, "assess-examples-national.csv")), "assess")

    # GBK, as Excel on Chinese Windows saves CSV: the same results, from files and from text.
    gbk = {}
    for name in ("projects.csv", "indicators.csv"):
        with open(os.path.join(data, name), encoding="utf-8") as f:
            gbk[name] = f.read().encode("gbk")
    from_text = rules.run("evaluate", gbk["projects.csv"], gbk["indicators.csv"], lang=perfbudget.EN, text=True,
                          encoding="gbk")
    same_as_golden(from_text, golden(os.path.join(golden_dir, "examples-national.csv")), "evaluate GBK")
    assert from_text[0]["department"] == "县教育局", from_text[0]["department"]

    # One project in code: W1, the SPEC's worked example: 85.32, 良.
    w1 = {"project_id": "W1", "name": "2023年教师培训项目", "department": "县教育局",
          "budget": "1000000.00", "spent": "812345.67", "year": "2023"}
    w1_indicators = [
        {"level1": "output", "level2": "quantity", "name": "培训人次", "direction": "ge",
         "target": "1200", "actual": "1000", "weight": "20"},
        {"level1": "output", "level2": "quality", "name": "合格率", "direction": "ge",
         "target": "95%", "actual": "98%", "weight": "10"},
        {"level1": "output", "level2": "timeliness", "name": "完成时间", "direction": "date",
         "target": "2023-10-31", "actual": "2023-12-15", "weight": "10"},
        {"level1": "output", "level2": "cost", "name": "单位成本", "direction": "le",
         "target": "500", "actual": "550", "weight": "10"},
        {"level1": "benefit", "level2": "social", "name": "受益人数", "direction": "ge",
         "target": "3000", "actual": "2400", "weight": "30"},
        {"level1": "satisfaction", "level2": "satisfaction", "name": "满意度", "direction": "ge",
         "target": "90%", "actual": "85%", "weight": "10"},
    ]
    r = rules.project("evaluate", w1, w1_indicators)
    assert (r["total"], r["grade"], r["grade_label"]) == ("85.32", "good", "良"), (r["total"], r["grade_label"])
    assert r["exec_score"] == evaluated[0]["exec_score"] == "8.12"
    assert r.size("indicators") == 6 and r["indicators/0/score"] == "16.67"
    assert "evaluation.execution" in r.explanation, r.explanation
    assert evaluated.notices(perfbudget.EN) == "", evaluated.notices(perfbudget.EN)

    # Level-1 weights 60/20/10 instead of 50/30/10: scored, with a notice at the project.
    split = [dict(i) for i in w1_indicators]
    split[0]["weight"], split[4]["weight"] = "30", "20"
    s = rules.project("evaluate", w1, split)
    assert s.result.notices(perfbudget.EN).startswith("project: notice: project W1: level-1 weights"), \
        s.result.notices(perfbudget.EN)

    # Bad input: an error naming the place and what was expected, never a crash.
    bad = [dict(i) for i in w1_indicators]
    bad[3]["actual"] = "5五0"
    try:
        rules.project("evaluate", w1, bad, lang=perfbudget.EN)
        raise AssertionError("a bad actual value was accepted")
    except perfbudget.Error as e:
        assert e.code == perfbudget.ERROR_DATA, e.code
        p = e.problems[0]
        assert (p.file, p.line) == ("indicator", 4), (p.file, p.line)
        assert "5五0" in p.en and "5五0" in p.zh, p.en
    try:
        rules.run("evaluate", "project_id,name,department,budget,spent\nP1,x,y,\"1,00.00\",1\n",
                  "project_id,level1,level2,name,direction,target\n", text=True)
        raise AssertionError("a bad budget was accepted")
    except perfbudget.Error as e:
        assert (e.problems[0].file, e.problems[0].line) == ("projects.csv", 2), str(e)
    try:
        lib.rules_from_text("evaluation:\n  nonsense: 1\n", "county.yaml")
        raise AssertionError("bad rules were accepted")
    except perfbudget.Error as e:
        assert e.code == perfbudget.ERROR_RULES and e.problems[0].file == "county.yaml", str(e)
    try:
        rules.run("monitor", projects, indicators, as_of="2023-13-01")
        raise AssertionError("a bad date was accepted")
    except perfbudget.Error as e:
        assert e.code == perfbudget.ERROR_ARGUMENT, str(e)

    print("python example: all passed (perfbudget %s via ctypes; W1 %s %s)" % (lib.version, r["total"], r["grade_label"]))


if __name__ == "__main__":
    main()
