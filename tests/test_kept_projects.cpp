// The projects the streaming stages keep (src/stream_projects.hpp, ProjectSlots):
// ids in ascending order are kept without a hash index and found by binary
// search; the first id out of order indexes every id kept so far, and from then
// on repeats are found and ids are looked up through the index. Both ways give
// the same slots and the same repeats.
#include "stream_projects.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace perfbudget;

namespace {

struct Kept : detail::SlotHead {};

/// Keeps projects with `ids` in order (line = position + 2); returns for each
/// its slot, or -(first slot + 1) when it repeats an id kept before.
std::vector<long> keep_all(detail::ProjectSlots<Kept>& kept, const std::vector<std::string>& ids) {
    std::vector<long> got;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        Project p;
        p.id = ids[i];
        p.department = "部门";
        p.source_line = static_cast<std::uint32_t>(i + 2);
        std::uint32_t first = 0;
        const std::uint32_t n = kept.add(p, true, "projects.csv", first);
        got.push_back(n == detail::IdIndex::empty ? -static_cast<long>(first) - 1 : static_cast<long>(n));
    }
    return got;
}

long find(const detail::ProjectSlots<Kept>& kept, const std::string& id, std::uint32_t last = detail::IdIndex::empty) {
    const std::uint32_t k = kept.find(id, last);
    return k == detail::IdIndex::empty ? -1 : static_cast<long>(k);
}

} // namespace

TEST_CASE("kept projects: ids in ascending order are found by search, unknown ids are not") {
    detail::ProjectSlots<Kept> kept;
    std::vector<std::string> ids;
    for (int i = 0; i < 1000; ++i) ids.push_back("P" + std::to_string(10000 + 3 * i)); // P10000, P10003, …
    const std::vector<long> slots = keep_all(kept, ids);
    for (long i = 0; i < 1000; ++i) CHECK(slots[static_cast<std::size_t>(i)] == i);
    CHECK(find(kept, "P10000") == 0);
    CHECK(find(kept, "P12997") == 999);
    CHECK(find(kept, "P11500") == 500);
    CHECK(find(kept, "P11500", 17) == 500); // `last` neither the id nor the one before it
    CHECK(find(kept, "P10003", 0) == 1);    // the slot after `last`
    for (const char* unknown : {"P10001", "P0", "P99999", "", "P1000", "P129970"}) {
        CAPTURE(unknown);
        CHECK(find(kept, unknown) == -1);
    }
}

TEST_CASE("kept projects: a repeat right after an ascending run is found, with its first slot") {
    detail::ProjectSlots<Kept> kept;
    const std::vector<long> slots = keep_all(kept, {"A1", "A2", "A3", "A3", "A4", "A1", "A5"});
    // A3 again (slot 2) ends the ascending run; from then on the index answers.
    CHECK(slots == std::vector<long>{0, 1, 2, -3, 3, -1, 4});
    CHECK(find(kept, "A1") == 0);
    CHECK(find(kept, "A4") == 3);
    CHECK(find(kept, "A5") == 4);
    CHECK(find(kept, "A6") == -1);
}

TEST_CASE("kept projects: ids out of order are indexed, with every id kept before") {
    detail::ProjectSlots<Kept> kept;
    std::vector<std::string> ids;
    for (int i = 0; i < 500; ++i) ids.push_back("X" + std::to_string(1000 + i));
    ids.push_back("B1"); // before X…: the run ends here, 500 ids indexed at once
    for (int i = 0; i < 500; ++i) ids.push_back("C" + std::to_string(1000 + i));
    ids.push_back("X1250"); // a repeat of slot 250, found through the index
    const std::vector<long> slots = keep_all(kept, ids);
    for (long i = 0; i < 1001; ++i) CHECK(slots[static_cast<std::size_t>(i)] == i);
    CHECK(slots.back() == -251);
    CHECK(find(kept, "X1000") == 0);
    CHECK(find(kept, "X1499") == 499);
    CHECK(find(kept, "B1") == 500);
    CHECK(find(kept, "C1499") == 1000);
    CHECK(find(kept, "X1500") == -1);
}

TEST_CASE("kept projects: ids of every length from 1 to 20 bytes differ from one changed byte anywhere") {
    // find() tries the previous row's slot and the next one first, comparing ids
    // inline by words that may overlap: a byte changed at any position of an id of
    // any length must tell the ids apart (lengths 1–3, 4–7, 8–16 and longer take
    // different paths).
    for (std::size_t n = 1; n <= 20; ++n) {
        CAPTURE(n);
        std::string a(n, 'a'), b(n, 'a');
        b.back() = 'b'; // b > a: ascending
        detail::ProjectSlots<Kept> kept;
        REQUIRE(keep_all(kept, {a, b}) == std::vector<long>{0, 1});
        CHECK(find(kept, a, 0) == 0);
        CHECK(find(kept, b, 0) == 1); // the slot after the last
        CHECK(find(kept, b, 1) == 1);
        for (std::size_t at = 0; at < n; ++at) {
            CAPTURE(at);
            std::string other = a;
            other[at] = 'z';
            CHECK(find(kept, other, 0) == -1);
            CHECK(find(kept, other, 1) == -1);
        }
        CHECK(find(kept, a + "a", 0) == -1); // one byte longer
        if (n > 1) CHECK(find(kept, a.substr(1), 0) == -1); // one byte shorter
    }
}
