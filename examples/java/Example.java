// examples/java/Example.java — perfbudget from Java through JNA (Debian's
// libjna-java), checked against the C++ API's results for the example county.
//
//   javac -cp /usr/share/java/jna.jar -d out examples/java/Example.java
//   java -cp /usr/share/java/jna.jar:out -Djna.library.path=<dir of libperfbudget.so> \
//        Example examples/data tests/golden
//
// GOLDEN_DIR holds what the C++ library writes for the same data (tests/golden,
// `--lang en`): every column of every project must be the same here. Then one
// project built in code, and bad input, which must come back as an error with
// its place, not a crash. Exits 0 when all holds.
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

public class Example {
    /** The C API (perfbudget.h). size_t is `long`: 64-bit Linux. Strings are UTF-8. */
    public interface Perfbudget extends Library {
        Perfbudget C = Native.load("perfbudget", Perfbudget.class,
                                   Map.of(Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name()));

        int OK = 0, ERROR_DATA = 1, ERROR_RULES = 2, ERROR_ARGUMENT = 3;
        int ZH = 0, EN = 1;
        int EVALUATE = 0, MONITOR = 1, REVIEW = 2, ASSESS = 3;

        @Structure.FieldOrder({"api_version", "abi_version", "library"})
        class VersionInfo extends Structure {
            public int api_version, abi_version;
            public String library;
        }

        @Structure.FieldOrder({"level1", "level2", "name", "direction", "target", "actual", "unit", "weight", "expected",
                               "likelihood", "last_year_actual"})
        class Indicator extends Structure {
            public String level1, level2, name, direction, target, actual, unit, weight, expected, likelihood,
                    last_year_actual;
        }

        @Structure.FieldOrder({"project_id", "name", "department", "budget", "spent", "budget_kind", "fund_source",
                               "category", "year", "rectification", "goal", "indicators", "indicator_count"})
        class Project extends Structure {
            public String project_id, name, department, budget, spent, budget_kind, fund_source, category, year,
                    rectification, goal;
            public Pointer indicators; // the first of indicator_count contiguous Indicators
            public long indicator_count;
        }

        @Structure.FieldOrder({"stage", "projects", "second", "as_of", "year", "lang", "encoding"})
        class Batch extends Structure {
            public int stage;
            public String projects, second, as_of, year;
            public int lang;
            public String encoding; // null: UTF-8; "gbk"
        }

        VersionInfo perfbudget_version();
        int perfbudget_error_code(Pointer error);
        String perfbudget_error_message(Pointer error, int lang);
        long perfbudget_error_count(Pointer error);
        String perfbudget_error_file(Pointer error, long i);
        int perfbudget_error_line(Pointer error, long i);
        String perfbudget_error_text(Pointer error, long i, int lang);
        void perfbudget_error_free(Pointer error);
        int perfbudget_rules_national(PointerByReference out, PointerByReference error);
        int perfbudget_rules_load_text(String yaml, String fileName, String baseDir, PointerByReference out,
                                       PointerByReference error);
        void perfbudget_rules_free(Pointer rules);
        long perfbudget_result_count(Pointer result);
        String perfbudget_result_get(Pointer result, long i, String path);
        long perfbudget_result_size(Pointer result, long i, String path);
        String perfbudget_result_explanation(Pointer result, long i);
        void perfbudget_result_free(Pointer result);
        int perfbudget_evaluate(Pointer rules, Project project, int lang, PointerByReference out, PointerByReference error);
        int perfbudget_run_files(Pointer rules, Batch batch, PointerByReference out, PointerByReference error);
    }

    /** A failed call: the status and the problems, freed from C. */
    static final class PerfbudgetException extends Exception {
        final int code;
        final String file;
        final int line;
        final String zh;

        PerfbudgetException(int status, Pointer error) {
            super(error == null ? "status " + status : Perfbudget.C.perfbudget_error_message(error, Perfbudget.EN));
            final Perfbudget c = Perfbudget.C;
            code = error == null ? status : c.perfbudget_error_code(error);
            file = error == null ? null : c.perfbudget_error_file(error, 0);
            line = error == null ? 0 : c.perfbudget_error_line(error, 0);
            zh = error == null ? null : c.perfbudget_error_message(error, Perfbudget.ZH);
            if (error != null) c.perfbudget_error_free(error);
        }
    }

    static Pointer check(int status, PointerByReference out, PointerByReference error) throws PerfbudgetException {
        if (status != Perfbudget.OK) throw new PerfbudgetException(status, error.getValue());
        return out.getValue();
    }

    static void require(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    static Pointer runFiles(Pointer rules, int stage, String projects, String second, String asOf)
            throws PerfbudgetException {
        Perfbudget.Batch b = new Perfbudget.Batch();
        b.stage = stage;
        b.projects = projects;
        b.second = second;
        b.as_of = asOf;
        b.lang = Perfbudget.EN;
        PointerByReference out = new PointerByReference(), error = new PointerByReference();
        return check(Perfbudget.C.perfbudget_run_files(rules, b, out, error), out, error);
    }

    /** Every column of every row of a golden CSV file equals the result's field of that name. */
    static void sameAsGolden(Pointer result, Path golden) throws Exception {
        List<String> lines = Files.readAllLines(golden, StandardCharsets.UTF_8);
        String[] header = lines.get(0).split(",", -1);
        require(Perfbudget.C.perfbudget_result_count(result) == lines.size() - 1, golden + ": project count");
        for (int i = 1; i < lines.size(); ++i) {
            String[] cells = lines.get(i).split(",", -1);
            for (int k = 0; k < header.length; ++k) {
                String got = Perfbudget.C.perfbudget_result_get(result, i - 1, header[k]);
                if (got == null) got = Perfbudget.C.perfbudget_result_get(result, i - 1, "dimensions/" + header[k]);
                require(cells[k].equals(got == null ? "" : got),
                        golden.getFileName() + " " + cells[0] + " " + header[k] + ": expected " + cells[k] + ", got " + got);
            }
        }
    }

    static Perfbudget.Indicator[] w1Indicators(String badActual) {
        String[][] rows = {
            {"output", "quantity", "培训人次", "ge", "1200", "1000", "20"},
            {"output", "quality", "合格率", "ge", "95%", "98%", "10"},
            {"output", "timeliness", "完成时间", "date", "2023-10-31", "2023-12-15", "10"},
            {"output", "cost", "单位成本", "le", "500", badActual == null ? "550" : badActual, "10"},
            {"benefit", "social", "受益人数", "ge", "3000", "2400", "30"},
            {"satisfaction", "satisfaction", "满意度", "ge", "90%", "85%", "10"},
        };
        Perfbudget.Indicator[] a = (Perfbudget.Indicator[]) new Perfbudget.Indicator().toArray(rows.length);
        for (int k = 0; k < rows.length; ++k) {
            a[k].level1 = rows[k][0];
            a[k].level2 = rows[k][1];
            a[k].name = rows[k][2];
            a[k].direction = rows[k][3];
            a[k].target = rows[k][4];
            a[k].actual = rows[k][5];
            a[k].weight = rows[k][6];
            a[k].write();
        }
        return a;
    }

    static Perfbudget.Project w1(Perfbudget.Indicator[] indicators) {
        Perfbudget.Project p = new Perfbudget.Project();
        p.project_id = "W1";
        p.name = "2023年教师培训项目";
        p.department = "县教育局";
        p.budget = "1000000.00";
        p.spent = "812345.67";
        p.year = "2023";
        p.indicators = indicators[0].getPointer();
        p.indicator_count = indicators.length;
        return p;
    }

    public static void main(String[] args) throws Exception {
        final Perfbudget c = Perfbudget.C;
        final Path data = Path.of(args[0]), golden = Path.of(args[1]);
        final String projects = data.resolve("projects.csv").toString(), indicators = data.resolve("indicators.csv").toString();
        Perfbudget.VersionInfo v = c.perfbudget_version();
        require(v.abi_version == 1, "ABI version");

        PointerByReference out = new PointerByReference(), error = new PointerByReference();
        final Pointer rules = check(c.perfbudget_rules_national(out, error), out, error);

        // Batches: the same as the C++ API, column by column.
        Pointer r = runFiles(rules, Perfbudget.EVALUATE, projects, indicators, null);
        sameAsGolden(r, golden.resolve("examples-national.csv"));
        c.perfbudget_result_free(r);
        r = runFiles(rules, Perfbudget.MONITOR, projects, indicators, "2023-12-31");
        sameAsGolden(r, golden.resolve("monitor-examples-national.csv"));
        c.perfbudget_result_free(r);
        r = runFiles(rules, Perfbudget.ASSESS, projects, data.resolve("assessments.csv").toString(), null);
        sameAsGolden(r, golden.resolve("assess-examples-national.csv"));
        c.perfbudget_result_free(r);

        // One project built in code: W1, 85.32 良.
        Perfbudget.Indicator[] inds = w1Indicators(null);
        r = check(c.perfbudget_evaluate(rules, w1(inds), Perfbudget.ZH, out, error), out, error);
        String total = c.perfbudget_result_get(r, 0, "total"), label = c.perfbudget_result_get(r, 0, "grade_label");
        require("85.32".equals(total) && "良".equals(label), "W1: " + total + " " + label);
        require(c.perfbudget_result_size(r, 0, "indicators") == 6, "W1 indicators");
        require("16.67".equals(c.perfbudget_result_get(r, 0, "indicators/0/score")), "W1 indicator 0");
        require(c.perfbudget_result_explanation(r, 0).contains("evaluation.execution"), "W1 explanation");
        c.perfbudget_result_free(r);

        // Bad input: an error with its place, not a crash.
        try {
            check(c.perfbudget_evaluate(rules, w1(w1Indicators("5五0")), Perfbudget.EN, out, error), out, error);
            throw new AssertionError("a bad actual value was accepted");
        } catch (PerfbudgetException e) {
            require(e.code == Perfbudget.ERROR_DATA && "indicator".equals(e.file) && e.line == 4, e.getMessage());
            require(e.getMessage().contains("5五0") && e.zh.contains("indicator:4: 错误: "), e.getMessage());
        }
        try {
            check(c.perfbudget_rules_load_text("evaluation:\n  nonsense: 1\n", "county.yaml", null, out, error), out, error);
            throw new AssertionError("bad rules were accepted");
        } catch (PerfbudgetException e) {
            require(e.code == Perfbudget.ERROR_RULES && "county.yaml".equals(e.file), e.getMessage());
        }
        try {
            runFiles(rules, Perfbudget.EVALUATE, data.resolve("nope.csv").toString(), indicators, null);
            throw new AssertionError("a missing file was accepted");
        } catch (PerfbudgetException e) {
            require(e.code == Perfbudget.ERROR_DATA && e.getMessage().contains("nope.csv"), e.getMessage());
        }
        c.perfbudget_rules_free(rules);
        System.out.println("java example: all passed (perfbudget " + v.library + " via JNA; W1 " + total + " " + label + ")");
    }
}
