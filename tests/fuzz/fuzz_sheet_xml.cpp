// libFuzzer target, differential: the bytes as the XML of a workbook's only sheet
// (written into a valid zip, so the CRC always matches and the XML itself is what
// varies), read by the fast path (pugixml, src/xml_fragment.hpp) and by expat alone.
// The two must give the same rows, or the same first error with the same place;
// anything else aborts. First the bytes are laid out as one fragment by the rows'
// scan and by pugixml: whatever the scan takes, pugixml must lay out the same. Merged ranges in the bytes are read too (the merge scan).
#include "fuzz_support.hpp"
#include "xlsx.hpp"         // internal: set_fast_rows
#include "xml_fragment.hpp" // internal: FragmentParser, with and without its scan

#include <minizip/zip.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace perfbudget;

namespace {

constexpr const char* workbook_xml =
    R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
    R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>)"
    R"(<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>)";
constexpr const char* rels_xml =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
    R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)"
    R"(</Relationships>)";
constexpr const char* strings_xml =
    R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
    R"(<si><t>项目</t></si><si><t>a&amp;b</t></si><si><r><t>x</t></r><r><t>y</t></r></si></sst>)";

void write_book(const std::string& path, std::string_view sheet) {
    zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
    if (!zip) __builtin_trap();
    const auto add = [&](const char* name, std::string_view text, int method) {
        zip_fileinfo info{};
        if (zipOpenNewFileInZip64(zip, name, &info, nullptr, 0, nullptr, 0, nullptr, method, method ? 1 : 0, 0) != ZIP_OK ||
            zipWriteInFileInZip(zip, text.data(), static_cast<unsigned>(text.size())) != ZIP_OK ||
            zipCloseFileInZip(zip) != ZIP_OK)
            __builtin_trap();
    };
    add("xl/workbook.xml", workbook_xml, 0);
    add("xl/_rels/workbook.xml.rels", rels_xml, 0);
    add("xl/sharedStrings.xml", strings_xml, 0);
    add("xl/worksheets/sheet1.xml", sheet, Z_DEFLATED);
    if (zipClose(zip, nullptr) != ZIP_OK) __builtin_trap();
}

std::string transcript(const std::string& path) {
    std::string out;
    try {
        const detail::xlsx::Workbook book(path);
        detail::xlsx::Sheet sheet = book.open(0);
        std::vector<std::string_view> cells;
        for (int n = 0; n < 100000 && sheet.next(cells); ++n) {
            out += std::to_string(sheet.row()) + ":";
            for (const auto c : cells) out.append(c).push_back('|');
            out.push_back('\n');
        }
    } catch (const Error& e) {
        const Diagnostic& d = e.diagnostics().front();
        out += "error " + d.where.to_string() + " " + d.en + " / " + d.zh;
    }
    return out;
}

/// Writes every event a fragment replays.
class Events : public detail::xlsx::XmlHandler {
public:
    std::string out;
    void start(const char* name, const char** a) override {
        out.append("<").append(name);
        for (; *a; a += 2) out.append(" ").append(a[0]).append("=").append(a[1]);
        out.append(">");
    }
    void end(const char* name) override { out.append("</").append(name).append(">"); }
    void text(const char* s, int n) override { out.append("'").append(s, static_cast<std::size_t>(n)).append("'"); }
    void leaf_pair(const char* outer, const char** a, const char* inner, const char* s, int n) override {
        out.append("[");
        start(outer, a);
        out.append(inner).append(":");
        text(s, n);
        out.append("]");
    }
};

/// The fragment's events, laid out with or without the scan; "scanned" or
/// "refused" in front says how load() went.
std::string fragment_events(std::string bytes, bool scan) {
    detail::xlsx::FragmentParser parser;
    parser.allow_scan(scan);
    if (!parser.load(bytes.data(), bytes.size())) return "refused";
    Events e;
    e.out = parser.scanned() ? "scanned " : "";
    for (;;) {
        const auto step = parser.replay_next(e);
        if (step == detail::xlsx::FragmentParser::Step::end) break;
        e.out += step == detail::xlsx::FragmentParser::Step::unsure ? "?" : "|";
        if (step == detail::xlsx::FragmentParser::Step::unsure) break;
    }
    return e.out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The bytes as one fragment: whatever the scan lays out, pugixml lays out the
    // same (and vouches for all of it).
    std::string_view text = fuzz::as_text(data, size);
    if (const auto from = text.find("<sheetData>"); from != std::string_view::npos) { // the rows, as they are cut
        text.remove_prefix(from + 11);
        text = text.substr(0, text.find("</sheetData>"));
    }
    // Ended by an element, as a cut fragment is: pugixml drops the last byte of
    // text that ends a buffer parsed in place.
    const std::string fragment = std::string(text) + "<z/>";
    const std::string scanned = fragment_events(fragment, true);
    if (scanned.starts_with("scanned ")) {
        const std::string tree = fragment_events(fragment, false);
        if ("scanned " + tree != scanned) {
            std::fprintf(stderr, "scan and pugixml differ:\n--- pugixml\n%s\n--- scan\n%s\n", tree.c_str(), scanned.c_str());
            std::abort();
        }
    }
    static const std::string book = fuzz::temp_path("sheet.xlsx");
    write_book(book, fuzz::as_text(data, size));
    detail::xlsx::set_fast_rows(false);
    const std::string slow = transcript(book);
    detail::xlsx::set_fast_rows(true);
    const std::string fast = transcript(book);
    if (fast != slow) {
        std::fprintf(stderr, "fast path and expat differ:\n--- expat\n%s\n--- fast\n%s\n", slow.c_str(), fast.c_str());
        std::abort();
    }
    return 0;
}
