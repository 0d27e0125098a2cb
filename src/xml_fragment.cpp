// src/xml_fragment.cpp — the sheet rows' fast path (xml_fragment.hpp).
#include "xml_fragment.hpp"

#include "utf8.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace perfbudget::detail::xlsx {

namespace {

/// Characters XML 1.0 allows (its Char production).
bool xml_char(std::uint32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
           (cp >= 0x10000 && cp <= 0x10FFFF);
}

/// The length of a reference at s[0] == '&' that expat would accept without a DTD:
/// &lt; &gt; &amp; &quot; &apos;, or &#N; / &#xH; to a character XML allows. 0: not one.
std::size_t plain_reference(const char* s, std::size_t n) {
    const std::string_view rest(s, n);
    for (const std::string_view named : {"&lt;", "&gt;", "&amp;", "&quot;", "&apos;"})
        if (rest.starts_with(named)) return named.size();
    if (!rest.starts_with("&#")) return 0;
    const bool hex = n > 2 && s[2] == 'x';
    std::size_t i = hex ? 3 : 2;
    const std::size_t digits_from = i;
    std::uint32_t cp = 0;
    for (; i < n && i < digits_from + 8; ++i) {
        const char c = s[i];
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else break;
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
    }
    if (i == digits_from || i >= n || s[i] != ';' || !xml_char(cp)) return 0;
    return i + 1;
}

/// Bytes below 0x20 (other than tab, LF, CR), at or above 0x80, or '&' in the word:
/// the bytes the plain scan must look at one by one. May flag more than those
/// (borrows in the subtraction), never fewer.
bool word_needs_look(std::uint64_t w) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    const std::uint64_t below_space = (w - ones * 0x20) & ~w & high;
    const std::uint64_t amp = w ^ (ones * '&');
    const std::uint64_t has_amp = (amp - ones) & ~amp & high;
    return (below_space | (w & high) | has_amp) != 0;
}

} // namespace

bool fragment_bytes_plain(const char* s, std::size_t n, FragmentBytes& seen) {
    seen = FragmentBytes{};
    std::size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, s + i, 8);
            if (!word_needs_look(w)) {
                i += 8;
                continue;
            }
        }
        const std::size_t stop = i + 8 < n ? i + 8 : n;
        for (; i < stop; ++i) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (c >= 0x80) {
                seen.non_ascii = true;
            } else if (c < 0x20) {
                if (c != '\t' && c != '\n' && c != '\r') return false;
                seen.blank = true;
                seen.cr = seen.cr || c == '\r';
            } else if (c == '&') {
                const std::size_t len = plain_reference(s + i, n - i);
                if (!len) return false;
                seen.reference = true;
                i += len - 1;
            }
        }
    }
    if (!seen.non_ascii) return true;
    const auto* u = reinterpret_cast<const unsigned char*>(s);
    if (check_utf8(u, n, true).bad != std::string::npos) return false;
    // U+FFFE and U+FFFF are valid UTF-8 but not XML characters.
    for (const char* p = s; (p = static_cast<const char*>(std::memchr(p, '\xEF', static_cast<std::size_t>(s + n - p))));
         ++p)
        if (s + n - p >= 3 && p[1] == '\xBF' && (p[2] == '\xBE' || p[2] == '\xBF')) return false;
    return true;
}

bool FragmentParser::load(char* s, std::size_t n) {
    clear();
    FragmentBytes seen;
    if (!fragment_bytes_plain(s, n, seen)) return false;
    non_ascii_ = seen.non_ascii;
    // The rows' usual shape needs no tree: one scan lays it out (about 3× faster
    // than pugixml's parse and walk). References and carriage returns, which expat
    // rewrites, and anything the scan does not know go to pugixml below.
    if (scan_allowed_ && !seen.reference && !seen.cr) {
        if ((scanned_ = scan(s, n))) return true;
        events_.clear();
        attributes_.clear();
    }
    // Every node kind is kept, so that what expat would judge (comments, CDATA,
    // processing instructions, DOCTYPE) is seen and sent to it; the text options
    // are expat's: references replaced, line ends and attribute blanks normalized,
    // blank text kept. Each of those three is asked for only when its bytes occur
    // ('&', a carriage return, a tab or line break): without them it changes
    // nothing, and pugixml scans faster. An element's text before its first child
    // is kept as the element's value (parse_embed_pcdata): a cell's <v>1</v> is
    // then one node, not two, which makes the tree a third smaller and its walk shorter.
    unsigned options = pugi::parse_fragment | pugi::parse_ws_pcdata | pugi::parse_cdata | pugi::parse_comments |
                       pugi::parse_pi | pugi::parse_declaration | pugi::parse_doctype | pugi::parse_embed_pcdata;
    if (seen.reference) options |= pugi::parse_escapes;
    if (seen.cr) options |= pugi::parse_eol;
    if (seen.blank) options |= pugi::parse_wconv_attribute;
    const pugi::xml_parse_result result = doc_.load_buffer_inplace(s, n, options, pugi::encoding_utf8);
    if (!result) return false;
    for (pugi::xml_node node = doc_.first_child(); node; node = node.next_sibling()) {
        const bool fine = node.type() == pugi::node_pcdata ? text_node(node)
                        : node.type() == pugi::node_element ? lay_out(node)
                                                            : false;
        if (!fine) {
            events_.push_back(Event{Event::Kind::unsure});
            break;
        }
    }
    return true;
}

void FragmentParser::clear() {
    scanned_ = false;
    doc_.reset();
    events_.clear();
    attributes_.clear();
    next_ = 0;
}

namespace {

bool ascii(const char* s) {
    for (; *s; ++s)
        if (static_cast<unsigned char>(*s) >= 0x80) return false;
    return true;
}

/// The length of an attribute's value; npos when it holds '<' (an error when raw,
/// fine when escaped: expat decides).
std::size_t attribute_length(const char* v) {
    std::size_t n = 0;
    for (; v[n]; ++n)
        if (v[n] == '<') return std::string_view::npos;
    return n;
}

/// The length of a text; npos when it holds "]]>", which text may not.
std::size_t text_length(const char* v) {
    std::size_t n = 0;
    for (; v[n]; ++n)
        if (v[n] == '>' && n >= 2 && v[n - 1] == ']' && v[n - 2] == ']') return std::string_view::npos;
    return n;
}

} // namespace

/// Appends the element's attributes to attributes_, checked as expat would, and a
/// nullptr; false when one fails.
bool FragmentParser::collect_attributes(pugi::xml_node node) {
    if (non_ascii_ && !ascii(node.name())) return false; // expat judges names beyond ASCII
    const std::size_t first = attributes_.size();
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
        const char* name = a.name();
        const char* value = a.value();
        if (attribute_length(value) == std::string_view::npos) return false;
        if (non_ascii_ && !ascii(name)) return false;
        for (std::size_t k = first; k < attributes_.size(); k += 2)
            if (attributes_[k][0] == name[0] && std::strcmp(attributes_[k], name) == 0) return false; // a duplicate
        attributes_.push_back(name);
        attributes_.push_back(value);
    }
    attributes_.push_back(nullptr);
    return true;
}

/// When `node` has the leaf-pair shape (XmlHandler::leaf_pair), lays it out as one
/// event: 1. Not that shape: 0. Something expat must judge: -1.
int FragmentParser::leaf_pair(pugi::xml_node node) {
    // The shape, with text embedded in elements (load): the outer element has no
    // text of its own and one child, an element without attributes or children.
    if (*node.value()) return 0;
    const pugi::xml_node inner = node.first_child();
    if (!inner || inner.type() != pugi::node_element || inner.next_sibling() || inner.first_attribute() ||
        inner.first_child())
        return 0;
    const auto at = static_cast<std::uint32_t>(attributes_.size());
    if (!collect_attributes(node)) return -1;
    if (non_ascii_ && !ascii(inner.name())) return -1;
    const char* text = inner.value();
    const std::size_t n = text_length(text);
    if (n == std::string_view::npos) return -1;
    events_.push_back(Event{Event::Kind::leaf_pair, static_cast<int>(n), at, node.name(), inner.name(), text});
    return 1;
}

/// A text node, or the text embedded in an element before its first child.
bool FragmentParser::text_node(pugi::xml_node node) {
    const char* value = node.value();
    const std::size_t n = text_length(value);
    if (n == std::string_view::npos) return false;
    if (n) events_.push_back(Event{Event::Kind::text, static_cast<int>(n), 0, nullptr, nullptr, value});
    return true;
}

/// Depth first without recursion: a hostile fragment may nest deeply.
bool FragmentParser::lay_out(pugi::xml_node top) {
    pugi::xml_node n = top;
    for (;;) {
        if (n.type() == pugi::node_element) {
            const int pair = leaf_pair(n);
            if (pair < 0) return false;
            if (pair == 0) {
                const auto at = static_cast<std::uint32_t>(attributes_.size());
                if (!collect_attributes(n)) return false;
                events_.push_back(Event{Event::Kind::start, 0, at, n.name()});
                if (!text_node(n)) return false; // its embedded text, before any child
                if (pugi::xml_node child = n.first_child()) {
                    n = child;
                    continue;
                }
                events_.push_back(Event{Event::Kind::end, 0, 0, n.name()});
            }
        } else if (n.type() == pugi::node_pcdata) {
            if (!text_node(n)) return false;
        } else {
            return false;
        }
        for (;;) {
            if (n == top) return true;
            if (pugi::xml_node sibling = n.next_sibling()) {
                n = sibling;
                break;
            }
            n = n.parent();
            events_.push_back(Event{Event::Kind::end, 0, 0, n.name()});
        }
    }
}

namespace {

// Names the scan takes: ASCII letters, digits and _ . - : (a name, not starting
// with a digit, '.', '-' or ':'). Every such name is an XML Name to expat; other
// names go to pugixml and expat.
// One table lookup per byte, not a chain of comparisons: the scan reads every byte.
enum : std::uint8_t {
    k_name_start = 1, // a name's first byte
    k_name = 2,       // any byte of a name
    k_blank = 4,      // ' ', tab, line feed
    k_value_stop = 8, // ends an attribute value's plain run: a quote, '<', tab, line feed
    k_text_stop = 16, // ends a text's plain run: '<', ']' (of "]]>"), '\0' (the end)
};
constexpr std::array<std::uint8_t, 256> byte_kinds = [] {
    std::array<std::uint8_t, 256> k{};
    for (int c = 'a'; c <= 'z'; ++c) k[static_cast<std::size_t>(c)] = k_name_start | k_name;
    for (int c = 'A'; c <= 'Z'; ++c) k[static_cast<std::size_t>(c)] = k_name_start | k_name;
    k['_'] = k_name_start | k_name;
    for (int c = '0'; c <= '9'; ++c) k[static_cast<std::size_t>(c)] = k_name;
    k['.'] = k['-'] = k[':'] = k_name;
    k[' '] = k_blank;
    k['\t'] = k['\n'] = k_blank | k_value_stop;
    k['"'] = k['\''] = k_value_stop;
    k['<'] = k_value_stop | k_text_stop;
    k[']'] = k_text_stop;
    k[0] = k_text_stop;
    return k;
}();
bool is(char c, std::uint8_t kind) { return (byte_kinds[static_cast<unsigned char>(c)] & kind) != 0; }
bool name_start(char c) { return is(c, k_name_start); }
bool name_char(char c) { return is(c, k_name); }
bool blank(char c) { return is(c, k_blank); }

/// Whether the name at `a` (not yet ended by '\0': it runs while name_char) is
/// name[0..length). Names are short (row, c, v): a loop, not memcmp's call.
bool same_name(const char* a, const char* name, std::size_t length) {
    for (std::size_t i = 0; i < length; ++i)
        if (a[i] != name[i]) return false;
    return !name_char(a[length]);
}

/// Whether p (not past `end`) starts the end tag of the name [name, name + length):
/// "</name", blanks, ">". Returns the byte after it, or nullptr.
char* end_tag(char* p, char* end, const char* name, std::size_t length) {
    if (end - p < static_cast<std::ptrdiff_t>(length) + 3 || p[0] != '<' || p[1] != '/') return nullptr;
    p += 2;
    for (std::size_t i = 0; i < length; ++i, ++p)
        if (*p != name[i]) return nullptr;
    while (p < end && blank(*p)) ++p;
    return p < end && *p == '>' ? p + 1 : nullptr;
}

} // namespace

/// The fast path's fast path: lays out a fragment of elements, attributes and text
/// in one pass, as pugixml's tree would be laid out (lay_out), or returns false
/// (with events_ and attributes_ to be cleared) for anything it does not know:
/// declarations, comments, CDATA, processing instructions, a name outside
/// name_char, a blank or '<' in an attribute value (expat would normalize or refuse
/// it), a duplicate attribute, attributes not separated by a blank, "]]>" in text,
/// an end tag that does not close the open element, an element left open. The
/// bytes are unchanged until the fragment has passed: then a '\0' ends each name
/// and attribute value where it stands (as pugixml's in-place parse does). The
/// caller has checked the bytes (fragment_bytes_plain: no '\0' among them) and
/// that they hold no reference and no carriage return; s[n] is '\0' (a
/// std::string's bytes), which ends the text loops.
bool FragmentParser::scan(char* s, std::size_t n) {
    open_.clear();
    terminators_.clear();
    // pugixml takes a byte order mark at the start for one (rows never begin so).
    if (n >= 3 && std::memcmp(s, "\xEF\xBB\xBF", 3) == 0) return false;
    char* p = s;
    char* const end = s + n;
    while (p < end) {
        if (*p != '<') { // text, up to the next tag (or the end: s[n] is '\0')
            char* stop = p;
            for (;; ++stop) {
                if (!is(*stop, k_text_stop)) continue;
                if (*stop != ']') break;
                if (stop[1] == ']' && stop[2] == '>') return false; // "]]>" may not stand in text
            }
            if (stop != end && *stop != '<') return false; // a '\0' inside: not from fragment_bytes_plain
            events_.push_back(Event{Event::Kind::text, static_cast<int>(stop - p), 0, nullptr, nullptr, p});
            p = stop;
            continue;
        }
        if (p + 1 < end && p[1] == '/') { // an end tag: closes the open element
            if (open_.empty()) return false;
            const Open open = open_.back();
            p = end_tag(p, end, events_[open.event].name, open.name_length);
            if (!p) return false;
            close_scanned(open.event);
            open_.pop_back();
            continue;
        }
        if (++p == end) return false;
        // A start tag (or an empty element).
        char* const name = p;
        if (!name_start(*p)) return false; // '!', '?', a blank, …
        while (p < end && name_char(*p)) ++p;
        if (p == end) return false;
        char* const name_end = p;
        terminators_.push_back(p);
        const auto at = static_cast<std::uint32_t>(attributes_.size());
        bool empty = false;
        for (;;) {
            bool spaced = false;
            for (; p < end && blank(*p); ++p) spaced = true;
            if (p == end) return false;
            if (*p == '>') {
                ++p;
                break;
            }
            if (*p == '/') {
                if (p + 1 == end || p[1] != '>') return false;
                p += 2;
                empty = true;
                break;
            }
            if (!spaced || !name_start(*p)) return false;
            char* const attribute = p;
            while (p < end && name_char(*p)) ++p;
            const auto length = static_cast<std::size_t>(p - attribute);
            for (std::size_t k = at; k < attributes_.size(); k += 2) // a duplicate?
                if (same_name(attributes_[k], attribute, length)) return false;
            char* const attribute_end = p;
            while (p < end && blank(*p)) ++p;
            if (p == end || *p != '=') return false;
            ++p;
            while (p < end && blank(*p)) ++p;
            if (p == end || (*p != '"' && *p != '\'')) return false;
            const char quote = *p++;
            char* const value = p;
            for (;; ++p) {
                while (p < end && !is(*p, k_value_stop)) ++p;
                if (p == end || *p == quote) break;
                if (*p != '"' && *p != '\'') return false; // '<', a tab or a line feed
            }
            if (p == end) return false;
            terminators_.push_back(attribute_end);
            terminators_.push_back(p++);
            attributes_.push_back(attribute);
            attributes_.push_back(value);
        }
        attributes_.push_back(nullptr);
        if (!empty) // the common cell, <c r="A1"><v>1</v></c>, in one step
            if (char* const after = scan_leaf_pair(p, end, name, static_cast<std::size_t>(name_end - name), at)) {
                p = after;
                continue;
            }
        if (empty) {
            events_.push_back(Event{Event::Kind::start, 0, at, name});
            close_scanned(events_.size() - 1);
            continue;
        }
        open_.push_back(Open{events_.size(), static_cast<std::size_t>(name_end - name)});
        events_.push_back(Event{Event::Kind::start, 0, at, name});
    }
    if (!open_.empty()) return false;
    for (char* t : terminators_) *t = '\0';
    return true;
}


/// At p, just after the start tag of `outer` (its name [outer, outer + length), its
/// attributes at attributes_[at]): when what follows is <inner>text</inner></outer>
/// or <inner/></outer>, the inner element without attributes, lays the two out as
/// one leaf_pair event and returns the byte after </outer>. Otherwise nullptr, and
/// nothing is laid out: the scan goes on at p as for any start tag.
char* FragmentParser::scan_leaf_pair(char* p, char* end, const char* outer, std::size_t length, std::uint32_t at) {
    if (end - p < 2 || p[0] != '<' || !name_start(p[1])) return nullptr;
    char* const inner = ++p;
    while (p < end && name_char(*p)) ++p;
    char* const inner_end = p;
    while (p < end && blank(*p)) ++p;
    if (p == end) return nullptr;
    const char* text = p;
    std::size_t text_length = 0;
    if (*p == '/') {
        if (p + 1 == end || p[1] != '>') return nullptr;
        p += 2;
    } else {
        if (*p != '>') return nullptr; // attributes: not the shape
        text = ++p;
        char* lt = p;
        while (!is(*lt, k_text_stop)) ++lt; // s[n] is '\0'
        if (*lt != '<') return nullptr; // ']' (the general path sees whether it is "]]>"), or the end
        text_length = static_cast<std::size_t>(lt - p);
        p = end_tag(lt, end, inner, static_cast<std::size_t>(inner_end - inner));
        if (!p) return nullptr;
    }
    p = end_tag(p, end, outer, length);
    if (!p) return nullptr;
    terminators_.push_back(inner_end);
    events_.push_back(Event{Event::Kind::leaf_pair, static_cast<int>(text_length), at, outer, inner, text});
    return p;
}

/// Ends the element whose start is events_[start]: an end event, or, when the
/// element holds just one element without attributes or children and no text of
/// its own, the two as one leaf_pair event (as lay_out does with pugixml's tree).
void FragmentParser::close_scanned(std::size_t start) {
    const Event& outer = events_[start];
    const std::size_t count = events_.size() - start; // the outer start and what followed it
    if ((count == 3 || (count == 4 && events_[start + 2].kind == Event::Kind::text)) &&
        events_[start + 1].kind == Event::Kind::start && attributes_[events_[start + 1].attributes] == nullptr &&
        events_.back().kind == Event::Kind::end) {
        static const char empty_text[] = "";
        const Event leaf{Event::Kind::leaf_pair,
                         count == 4 ? events_[start + 2].length : 0,
                         outer.attributes,
                         outer.name,
                         events_[start + 1].name,
                         count == 4 ? events_[start + 2].text : empty_text};
        events_.resize(start);
        events_.push_back(leaf);
        return;
    }
    events_.push_back(Event{Event::Kind::end, 0, 0, outer.name});
}

FragmentParser::Step FragmentParser::replay_next(XmlHandler& handler) {
    int depth = 0;
    while (next_ < events_.size()) {
        const Event& e = events_[next_++];
        switch (e.kind) {
        case Event::Kind::start:
            handler.start(e.name, attributes_.data() + e.attributes);
            ++depth;
            break;
        case Event::Kind::end:
            handler.end(e.name);
            if (--depth == 0) return Step::element;
            break;
        case Event::Kind::text:
            handler.text(e.text, e.length);
            break;
        case Event::Kind::leaf_pair:
            handler.leaf_pair(e.name, attributes_.data() + e.attributes, e.inner, e.text, e.length);
            if (depth == 0) return Step::element;
            break;
        case Event::Kind::unsure:
            return Step::unsure;
        }
    }
    return Step::end;
}

} // namespace perfbudget::detail::xlsx
