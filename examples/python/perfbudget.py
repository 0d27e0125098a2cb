"""perfbudget from Python: the C API (perfbudget.h) through the standard ctypes.

    import perfbudget
    lib = perfbudget.Library()                    # finds libperfbudget.so.1
    rules = lib.national_rules()                  # or lib.load_rules("rules/wuchang.yaml")
    result = rules.run("evaluate", "projects.csv", "indicators.csv")
    result[0]["total"]                            # '85.32' (text: exact, never a float)

Every failure raises perfbudget.Error with the status code and every problem
(file, line, column, message in Chinese and English). Objects of the C API are
freed when their Python object is; the rules may be shared by threads.
"""

import ctypes
import ctypes.util
import os

OK, ERROR_DATA, ERROR_RULES, ERROR_ARGUMENT, ERROR_MEMORY, ERROR_INTERNAL = range(6)
ZH, EN = 0, 1
STAGES = {"evaluate": 0, "monitor": 1, "review": 2, "assess": 3}

_str = ctypes.c_char_p


def _text(b):
    return None if b is None else b.decode("utf-8")


def _bytes(s):
    """Text as UTF-8; bytes (GBK text for encoding="gbk") as they are."""
    return s if s is None or isinstance(s, bytes) else str(s).encode("utf-8")


class Indicator(ctypes.Structure):
    _fields_ = [(name, _str) for name in (
        "level1", "level2", "name", "direction", "target", "actual", "unit", "weight",
        "expected", "likelihood", "last_year_actual")]


class Project(ctypes.Structure):
    _fields_ = [(name, _str) for name in (
        "project_id", "name", "department", "budget", "spent", "budget_kind", "fund_source",
        "category", "year", "rectification", "goal")] + [
        ("indicators", ctypes.POINTER(Indicator)), ("indicator_count", ctypes.c_size_t)]


class Score(ctypes.Structure):
    _fields_ = [("expert", _str), ("dimension", _str), ("score", _str)]


class Batch(ctypes.Structure):
    _fields_ = [("stage", ctypes.c_int), ("projects", _str), ("second", _str), ("as_of", _str),
                ("year", _str), ("lang", ctypes.c_int), ("encoding", _str)]


class VersionInfo(ctypes.Structure):
    _fields_ = [("api_version", ctypes.c_int), ("abi_version", ctypes.c_int), ("library", _str)]


class Problem:
    def __init__(self, file, line, column, zh, en):
        self.file, self.line, self.column, self.zh, self.en = file, line, column, zh, en


class Error(Exception):
    """A failed call: `code` (ERROR_DATA, ERROR_RULES, …) and every problem."""

    def __init__(self, code, problems, message):
        super().__init__(message)
        self.code, self.problems = code, problems


class Library:
    def __init__(self, path=None):
        path = path or os.environ.get("PERFBUDGET_LIBRARY") or ctypes.util.find_library("perfbudget")
        if not path:
            raise OSError("libperfbudget.so not found: pass its path or set PERFBUDGET_LIBRARY")
        c = self.c = ctypes.CDLL(path)
        P = ctypes.c_void_p
        PP = ctypes.POINTER(ctypes.c_void_p)
        sig = {
            "perfbudget_version": (ctypes.POINTER(VersionInfo), []),
            "perfbudget_error_code": (ctypes.c_int, [P]),
            "perfbudget_error_message": (_str, [P, ctypes.c_int]),
            "perfbudget_error_count": (ctypes.c_size_t, [P]),
            "perfbudget_error_file": (_str, [P, ctypes.c_size_t]),
            "perfbudget_error_line": (ctypes.c_uint, [P, ctypes.c_size_t]),
            "perfbudget_error_column": (ctypes.c_uint, [P, ctypes.c_size_t]),
            "perfbudget_error_text": (_str, [P, ctypes.c_size_t, ctypes.c_int]),
            "perfbudget_error_free": (None, [P]),
            "perfbudget_rules_national": (ctypes.c_int, [PP, PP]),
            "perfbudget_rules_load_file": (ctypes.c_int, [_str, PP, PP]),
            "perfbudget_rules_load_text": (ctypes.c_int, [_str, _str, _str, PP, PP]),
            "perfbudget_rules_name": (_str, [P]),
            "perfbudget_rules_free": (None, [P]),
            "perfbudget_result_count": (ctypes.c_size_t, [P]),
            "perfbudget_result_get": (_str, [P, ctypes.c_size_t, _str]),
            "perfbudget_result_size": (ctypes.c_size_t, [P, ctypes.c_size_t, _str]),
            "perfbudget_result_explanation": (_str, [P, ctypes.c_size_t]),
            "perfbudget_result_json": (_str, [P]),
            "perfbudget_result_notices": (_str, [P, ctypes.c_int]),
            "perfbudget_result_free": (None, [P]),
            "perfbudget_evaluate": (ctypes.c_int, [P, ctypes.POINTER(Project), ctypes.c_int, PP, PP]),
            "perfbudget_monitor": (ctypes.c_int, [P, ctypes.POINTER(Project), _str, ctypes.c_int, PP, PP]),
            "perfbudget_review": (ctypes.c_int, [P, ctypes.POINTER(Project), ctypes.c_int, PP, PP]),
            "perfbudget_assess": (ctypes.c_int, [P, ctypes.POINTER(Project), ctypes.POINTER(Score), ctypes.c_size_t,
                                                 ctypes.c_int, PP, PP]),
            "perfbudget_run_files": (ctypes.c_int, [P, ctypes.POINTER(Batch), PP, PP]),
            "perfbudget_run_csv": (ctypes.c_int, [P, ctypes.POINTER(Batch), PP, PP]),
        }
        for name, (restype, argtypes) in sig.items():
            f = getattr(c, name)
            f.restype, f.argtypes = restype, argtypes
        v = c.perfbudget_version().contents
        self.api_version, self.abi_version, self.version = v.api_version, v.abi_version, _text(v.library)

    def _call(self, function, *args):
        """Calls a C function whose last two parameters are `out` and `error`; returns *out."""
        out, error = ctypes.c_void_p(), ctypes.c_void_p()
        status = function(*args, ctypes.byref(out), ctypes.byref(error))
        if status != OK:
            raise self._error(status, error)
        return out

    def _error(self, status, error):
        c = self.c
        if not error:
            return Error(status, [], "perfbudget error %d" % status)
        try:
            problems = [Problem(_text(c.perfbudget_error_file(error, i)), c.perfbudget_error_line(error, i),
                                c.perfbudget_error_column(error, i), _text(c.perfbudget_error_text(error, i, ZH)),
                                _text(c.perfbudget_error_text(error, i, EN)))
                        for i in range(c.perfbudget_error_count(error))]
            return Error(c.perfbudget_error_code(error), problems, _text(c.perfbudget_error_message(error, EN)))
        finally:
            c.perfbudget_error_free(error)

    def national_rules(self):
        return Rules(self, self._call(self.c.perfbudget_rules_national))

    def load_rules(self, path):
        return Rules(self, self._call(self.c.perfbudget_rules_load_file, _bytes(path)))

    def rules_from_text(self, yaml, file_name=None, base_dir=None):
        return Rules(self, self._call(self.c.perfbudget_rules_load_text, _bytes(yaml), _bytes(file_name),
                                      _bytes(base_dir)))


class _Owned:
    """A C object, freed by `_free` (a perfbudget_*_free) with its Python object."""
    _free = None

    def __init__(self, lib, handle):
        self.lib, self.handle = lib, handle

    def __del__(self):
        if getattr(self, "handle", None):
            getattr(self.lib.c, self._free)(self.handle)
            self.handle = None


class Rules(_Owned):
    """A loaded rule set: immutable, usable from any number of threads."""
    _free = "perfbudget_rules_free"

    @property
    def name(self):
        return _text(self.lib.c.perfbudget_rules_name(self.handle))

    def run(self, stage, projects, second, as_of=None, year=None, lang=ZH, text=False, encoding=None):
        """A batch: files (or, with text=True, their contents) as the command line takes them;
        encoding "gbk" reads Excel's CSV from Chinese Windows."""
        b = Batch(STAGES[stage], _bytes(projects), _bytes(second), _bytes(as_of), _bytes(year), lang,
                  _bytes(encoding))
        f = self.lib.c.perfbudget_run_csv if text else self.lib.c.perfbudget_run_files
        return Result(self.lib, self.lib._call(f, self.handle, ctypes.byref(b)))

    def project(self, stage, project, indicators=(), scores=(), as_of=None, lang=ZH):
        """One project from dicts of CSV cell texts: stage evaluate, monitor, review or assess."""
        inds = (Indicator * max(len(indicators), 1))(*[Indicator(**{k: _bytes(v) for k, v in i.items()})
                                                        for i in indicators])
        p = Project(**{k: _bytes(v) for k, v in project.items()})
        p.indicators, p.indicator_count = inds, len(indicators)
        c, h = self.lib.c, self.handle
        if stage == "assess":
            sc = (Score * max(len(scores), 1))(*[Score(*map(_bytes, s)) for s in scores])
            out = self.lib._call(c.perfbudget_assess, h, ctypes.byref(p), sc, len(scores), lang)
        elif stage == "monitor":
            out = self.lib._call(c.perfbudget_monitor, h, ctypes.byref(p), _bytes(as_of), lang)
        else:
            out = self.lib._call({"evaluate": c.perfbudget_evaluate, "review": c.perfbudget_review}[stage],
                                 h, ctypes.byref(p), lang)
        return Result(self.lib, out)[0]


class Result(_Owned):
    """The projects of a run; result[i]["total"], result[i].explanation."""
    _free = "perfbudget_result_free"

    def __len__(self):
        return self.lib.c.perfbudget_result_count(self.handle)

    def __getitem__(self, i):
        if not 0 <= i < len(self):
            raise IndexError(i)
        return ProjectResult(self, i)

    @property
    def json(self):
        return _text(self.lib.c.perfbudget_result_json(self.handle))

    def notices(self, lang=ZH):
        """Remarks that are not errors, one per line ("" when none)."""
        return _text(self.lib.c.perfbudget_result_notices(self.handle, lang))


class ProjectResult:
    def __init__(self, result, i):
        self.result, self.i = result, i  # keeps the result (and its C object) alive

    def __getitem__(self, path):
        return self.get(path)

    def get(self, path):
        """A field by its path in the JSON output ("total", "indicators/0/score"); None when absent."""
        r = self.result
        return _text(r.lib.c.perfbudget_result_get(r.handle, self.i, _bytes(path)))

    def size(self, path):
        r = self.result
        return r.lib.c.perfbudget_result_size(r.handle, self.i, _bytes(path))

    @property
    def explanation(self):
        r = self.result
        return _text(r.lib.c.perfbudget_result_explanation(r.handle, self.i))
