// The fast path for a sheet's rows (issue 11 item 5): runs of whole <row> elements
// laid out as events, replayed to the same handler expat drives. Internal to src/.
// The rows' usual shape (elements, attributes, text; no references or carriage
// returns) is laid out by one scan of ours; anything else by pugixml, and what
// pugixml cannot vouch for by expat (docs/decisions.md, "Sheet rows by pugixml").
//
// Why: expat reads about 150 MB/s and a 100,000-project indicators sheet is 292 MB
// of XML; pugixml parses the same bytes in place at about 1 GB/s. But pugixml checks
// less than expat (it keeps undefined entities, duplicate attributes, invalid UTF-8,
// control characters). So a fragment takes the fast path only when it can vouch for
// it: every check below passes, or the fragment is handed back to expat, which then
// accepts or refuses it with its own message. The rows and errors are the same
// bytes either way (tests/test_xlsx.cpp compares the two paths; tests/fuzz/fuzz_sheet_xml.cpp
// does so on random XML).
#pragma once

#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace perfbudget::detail::xlsx {

/// What a part's reader does with elements and text, called by expat or by
/// FragmentParser::replay_next alike. Handlers may throw.
class XmlHandler {
public:
    virtual ~XmlHandler() = default;
    virtual void start(const char* name, const char** attributes) = 0;
    virtual void end(const char* name) = 0;
    virtual void text(const char*, int) {}
    /// An element whose one child is an element without attributes holding text
    /// only (a sheet's <c r="A1"><v>1</v></c>): the same calls in one, so that a
    /// handler may take the common shape without five calls. `n` may be 0.
    virtual void leaf_pair(const char* outer, const char** attributes, const char* inner, const char* text, int n) {
        static const char* const none[] = {nullptr};
        start(outer, attributes);
        start(inner, const_cast<const char**>(none));
        if (n) this->text(text, n);
        end(inner);
        end(outer);
    }
};

/// What fragment_bytes_plain saw besides: which kinds of bytes occur at all.
struct FragmentBytes {
    bool non_ascii = false; ///< a byte 0x80 or above
    bool reference = false; ///< '&' (an entity or character reference)
    bool blank = false;     ///< a tab, line feed or carriage return
    bool cr = false;        ///< a carriage return
};

/// True when the bytes hold nothing the fast path cannot vouch for: no control
/// characters XML forbids, UTF-8 that is valid and free of U+FFFE/U+FFFF, and only
/// the five predefined entities or character references to characters XML allows.
/// False sends the bytes to expat. `seen` tells which kinds of bytes occur.
bool fragment_bytes_plain(const char* s, std::size_t n, FragmentBytes& seen);

/// pugixml over one fragment: a run of whole elements (a sheet's rows) with the
/// text between them. load() parses and checks it and lays it out as a flat list
/// of events (it may run on a thread of its own); replay_next() hands the events
/// to a handler, one top-level element at a time, without touching pugixml.
class FragmentParser {
public:
    enum class Step {
        element, ///< one top-level element (and any text before it) was replayed
        end,     ///< the fragment is done
        unsure,  ///< something the fast path does not vouch for: expat must read the fragment
    };

    /// Parses s[0..n) in place (names and values are ended with '\0' where they
    /// stand; the bytes must outlive the replay) and lays it out as events. s[n]
    /// must be '\0', as in a std::string. A
    /// fragment in the rows' usual shape (elements, attributes and text; no
    /// references, carriage returns, comments or other node kinds) is laid out by
    /// one scan of its own (scan); anything else goes to pugixml. Checks what pugixml does not:
    /// duplicate attributes, '<' in attribute values, "]]>" in text, names beyond
    /// ASCII, and node kinds other than elements and text (comments, CDATA,
    /// processing instructions, DOCTYPE); the first that fails ends the events
    /// with one that makes replay_next() say Step::unsure there. False when the
    /// bytes are not plain (fragment_bytes_plain) or pugixml refuses them: expat
    /// must read the fragment.
    bool load(char* s, std::size_t n);

    /// Replays the next top-level element, start and end tags and text, to
    /// `handler`, as expat would call it.
    Step replay_next(XmlHandler& handler);

    void clear();

    /// Whether the last load() laid the fragment out by its own scan (not pugixml).
    bool scanned() const { return scanned_; }
    /// Off: every fragment goes to pugixml (tests and fuzz_sheet_xml compare the two).
    void allow_scan(bool on) { scan_allowed_ = on; }

private:
    struct Event {
        enum class Kind : std::uint8_t { start, end, text, leaf_pair, unsure } kind;
        int length = 0;                  // text, leaf_pair: the text's length
        std::uint32_t attributes = 0;    // start, leaf_pair: where its list begins in attributes_
        const char* name = nullptr;      // start, end, leaf_pair (the outer element)
        const char* inner = nullptr;     // leaf_pair
        const char* text = nullptr;      // text, leaf_pair
    };

    bool scan(char* s, std::size_t n);
    char* scan_leaf_pair(char* p, char* end, const char* outer, std::size_t length, std::uint32_t at);
    void close_scanned(std::size_t start_event);
    bool collect_attributes(pugi::xml_node node);
    int leaf_pair(pugi::xml_node node);
    bool text_node(pugi::xml_node node);
    bool lay_out(pugi::xml_node top);

    pugi::xml_document doc_;
    bool non_ascii_ = false;
    bool scanned_ = false;
    bool scan_allowed_ = true;
    std::vector<Event> events_;
    std::size_t next_ = 0;
    std::vector<const char*> attributes_; // each element's name, value, …, nullptr
    // scan(): the open elements' start events, and where names and values end (a
    // '\0' is written there once the whole fragment has passed).
    struct Open {
        std::size_t event;       // its start in events_
        std::size_t name_length; // its name is not ended by '\0' yet
    };
    std::vector<Open> open_;
    std::vector<char*> terminators_;
};

} // namespace perfbudget::detail::xlsx
