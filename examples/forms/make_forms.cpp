// examples/forms/make_forms.cpp — writes the example workbook of three filled
// self-evaluation forms (forms_data.hpp) as an .xlsx, one form per sheet, after a
// sheet of notes that is not a form:
//
//   make_forms 自评表示例.xlsx
//   perfbudget evaluate --forms 自评表示例.xlsx --differences differences.csv
//
// Built and run by the tests (tests/CMakeLists.txt), which then evaluate it.
#include "forms_data.hpp"

#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_forms OUT.xlsx\n";
        return 2;
    }
    try {
        perfbudget::write_sheets_xlsx(argv[1], perfbudget::examples::example_workbook());
    } catch (const perfbudget::Error& e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
    return 0;
}
