// The sheet rows' fast path laid out by its own scan (src/xml_fragment.cpp,
// FragmentParser::scan): the events it replays are the ones pugixml's tree gives
// (lay_out), which tests/test_xlsx.cpp checks against expat on whole workbooks.
// Here: which fragments the scan takes, which it leaves to pugixml, that leaving
// changes no byte, and the events of each shape, written out by hand.
#include "../src/xml_fragment.hpp" // internal

#include <doctest/doctest.h>

#include <string>

namespace {

using perfbudget::detail::xlsx::FragmentParser;
using perfbudget::detail::xlsx::XmlHandler;

/// Writes what a handler is called with: "<c r=A1 t=s>", "</c>", "'text'", and a
/// leaf pair as "c r=A1/v:'1'".
class Transcript : public XmlHandler {
public:
    std::string out;
    void start(const char* name, const char** a) override { out += "<" + std::string(name) + attributes(a) + ">"; }
    void end(const char* name) override { out += "</" + std::string(name) + ">"; }
    void text(const char* s, int n) override { out += "'" + std::string(s, static_cast<std::size_t>(n)) + "'"; }
    void leaf_pair(const char* outer, const char** a, const char* inner, const char* s, int n) override {
        out += "[" + std::string(outer) + attributes(a) + "/" + inner + ":'" + std::string(s, static_cast<std::size_t>(n)) + "']";
    }

private:
    static std::string attributes(const char** a) {
        std::string s;
        for (; *a; a += 2) s += " " + std::string(a[0]) + "=" + a[1];
        return s;
    }
};

struct Laid {
    bool loaded = false;
    bool scanned = false;
    std::string events; // "|" after each top-level element; "?" where expat must take over
};

/// Loads `xml` and replays all of it.
Laid lay(std::string xml) {
    FragmentParser parser;
    Laid r;
    r.loaded = parser.load(xml.data(), xml.size());
    r.scanned = parser.scanned();
    if (!r.loaded) return r;
    Transcript t;
    for (;;) {
        const FragmentParser::Step step = parser.replay_next(t);
        if (step == FragmentParser::Step::end) break;
        t.out += step == FragmentParser::Step::unsure ? "?" : "|";
        if (step == FragmentParser::Step::unsure) break;
    }
    r.events = t.out;
    return r;
}

} // namespace

TEST_CASE("xml fragment scan: a cell with one value is one leaf-pair event, as pugixml lays it out") {
    const Laid r = lay(R"(<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1"><v/></c><c r="C1" s="2"><v></v></c></row>)");
    CHECK(r.loaded);
    CHECK(r.scanned);
    CHECK(r.events == "<row r=1 spans=1:3>[c r=A1 t=s/v:'0'][c r=B1/v:''][c r=C1 s=2/v:'']</row>|");
}

TEST_CASE("xml fragment scan: blanks inside tags, quotes of either kind, prefixed names, text between rows") {
    const Laid r = lay("<row r = '2' x14ac:dyDescent=\"0.25\" >\n<c r=\"A2\" ><v >7</v ></c >\t</row >\n<row r=\"3\"/>");
    CHECK(r.scanned);
    CHECK(r.events == "<row r=2 x14ac:dyDescent=0.25>'\n'[c r=A2/v:'7']'\t'</row>|'\n'<row r=3></row>|");
    // Text beyond ASCII, and '>' in values and text, are kept as they are.
    const Laid wide = lay(R"(<row r="4"><c r="A4" t="inlineStr"><is><t>县&gt;</t></is></c><c r="B4" t="a>b"><v>x>y</v></c></row>)");
    CHECK_FALSE(wide.scanned); // a reference: pugixml replaces it, as expat does
    const Laid plain = lay(R"(<row r="4"><c r="A4" t="inlineStr"><is><t>县级</t></is></c><c r="B4" t="a>b"><v>x>y</v></c></row>)");
    CHECK(plain.scanned);
    CHECK(plain.events == "<row r=4><c r=A4 t=inlineStr>[is/t:'县级']</c>[c r=B4 t=a>b/v:'x>y']</row>|");
}

TEST_CASE("xml fragment scan: mixed content and deeper cells keep the document's order, not the leaf shape") {
    // Text of its own before or after the inner element, or an inner element with
    // attributes or children: not a leaf pair, as in pugixml's tree.
    const Laid r = lay(R"(<c r="A1">x<v>1</v></c><c r="B1"><v>2</v>y</c><c r="C1"><v>3<z/>4</v></c><c r="D1"><v a="1">5</v></c>)");
    CHECK(r.scanned);
    CHECK(r.events == "<c r=A1>'x'<v>'1'</v></c>|<c r=B1><v>'2'</v>'y'</c>|<c r=C1><v>'3'<z></z>'4'</v></c>|"
                      "<c r=D1><v a=1>'5'</v></c>|");
    // Rich text: runs of <r><t>…</t></r> inside <is>; <rPr><b/></rPr> is a pair too
    // (one child without attributes), <t>text</t> has no inner element.
    const Laid rich = lay(R"(<c r="A2" t="inlineStr"><is><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r></is></c>)");
    CHECK(rich.scanned);
    CHECK(rich.events == "<c r=A2 t=inlineStr><is>[r/t:'rich ']<r>[rPr/b:'']<t>'text'</t></r></is></c>|");
    // A leaf pair whose pair is not closed in order is found by the general path, the same.
    const Laid later = lay("<c r=\"A3\"><v>1</v>\n</c>");
    CHECK(later.events == "<c r=A3><v>'1'</v>'\n'</c>|");
}

TEST_CASE("xml fragment scan: what it does not know goes to pugixml with the bytes unchanged") {
    // Each is refused by the scan after names and values before it were found: had
    // it ended them with '\0' in place, pugixml would read different names.
    const std::string cell = R"(<c r="A1" t="s"><v>0</v></c>)";
    for (const std::string& tail : {std::string(R"(<c r="B1" r="B1"><v>1</v></c>)"), // a duplicate attribute
                                    std::string(R"(<c r="B1"t="s"><v>1</v></c>)"),     // no blank between attributes
                                    std::string("<c r=\"B1\" t=\"a\tb\"><v>1</v></c>"), // a tab to normalize
                                    std::string(R"(<!-- note --><c r="B1"><v>1</v></c>)"),
                                    std::string(R"(<c r="B1"><v>1</v></d>)"),           // an end tag that does not match
                                    std::string(R"(<c r="B1"><v>a]]>b</v></c>)"),
                                    std::string(R"(<c r="B1"><v>1</v>)"),               // left open
                                    std::string(R"(<1c r="B1"/>)")}) {
        CAPTURE(tail);
        const Laid r = lay(cell + tail);
        CHECK_FALSE(r.scanned);
        if (r.loaded) CHECK(r.events.starts_with("[c r=A1 t=s/v:'0']|")); // the first cell as it was written
    }
    // A duplicate attribute pugixml keeps: the fast path stops there for expat.
    const Laid dup = lay(cell + R"(<c r="B1" r="B1"><v>1</v></c>)");
    CHECK(dup.loaded);
    CHECK(dup.events == "[c r=A1 t=s/v:'0']|?");
    // A carriage return: pugixml normalizes line ends, as expat does.
    CHECK_FALSE(lay(cell + "\r\n" + cell).scanned);
    // A byte order mark at the start: pugixml takes it for one (rows never begin so).
    CHECK_FALSE(lay("\xEF\xBB\xBF" + cell).scanned);
    CHECK(lay(cell + "\xEF\xBB\xBF" + cell).scanned); // elsewhere it is text
}
